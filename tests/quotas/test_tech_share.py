"""The tech-share quota job: numbers on a hand-built data set, a flat query count, idempotent reruns."""

import datetime as dt
from decimal import Decimal

import pytest

from assistance.models import QuotaPolicy
from certification.models import Application, Registration
from certification.selectors.pool import closest_by_district
from quotas.models import TechShareSnapshot
from quotas.tasks import compute_tech_share
from quotas.tech_share import CLOSEST_CANDIDATES, short_by, tech_share_compute
from tests import factories
from tests.quotas import quota_data
from tests.quotas.quota_data import DAY, YEAR

FIELDS = (
    "newly_registered",
    "candidates",
    "filed",
    "recommended",
    "registered",
    "valid_registrations",
    "share",
    "target",
    "met",
    "short_by",
)
QUERIES = 5  # policy, districts, grouped counts, ranked pool, upsert (+1 for an inherited baseline)


def numbers(scope_key, day=DAY):
    snap = TechShareSnapshot.objects.get(scope_key=scope_key, as_of=day)
    return {field: getattr(snap, field) for field in FIELDS}


@pytest.fixture
def data(district, other_district):
    return quota_data.tech_share_data(district, other_district)


@pytest.mark.parametrize(
    ("new", "registered", "target", "expected"),
    [(20, 1, "0.1", 1), (20, 2, "0.1", 0), (10, 1, "0.1", 0), (11, 1, "0.1", 1), (0, 0, "0.1", 0), (30, 5, "0.1", 0)],
)
def test_short_by_rounds_the_required_number_up(new, registered, target, expected):
    assert short_by(new=new, registered=registered, target=Decimal(target)) == expected


def test_numbers_per_district_and_city(data):
    assert tech_share_compute(day=DAY, year=2026) == 4  # three districts and the city
    assert numbers("510703") == {
        "newly_registered": 30,  # not the one before the baseline, after the day, nor the individual business
        "candidates": 1,  # of the pool's three, one registered and one filed are no longer candidates
        "filed": 4,  # registered, revoked, submitted, under notice; not draft, withdrawn or last year's
        "recommended": 3,
        "registered": 2,  # the valid one and the expired one; not the revoked one nor the one before the baseline
        "valid_registrations": 1,
        "share": Decimal("0.0666"),  # 2 of 30, rounded toward zero
        "target": Decimal("0.1000"),
        "met": False,
        "short_by": 1,
    }
    assert numbers("510704") == {
        "newly_registered": 10,
        "candidates": 0,
        "filed": 1,
        "recommended": 1,
        "registered": 1,
        "valid_registrations": 1,
        "share": Decimal("0.1000"),
        "target": Decimal("0.1000"),
        "met": True,
        "short_by": 0,
    }
    empty = numbers("510705")
    assert empty["newly_registered"] == empty["registered"] == 0
    assert (empty["share"], empty["met"], empty["short_by"]) == (Decimal(0), True, 0)
    city = numbers("city")
    assert city == {
        "newly_registered": 40,
        "candidates": 1,
        "filed": 5,
        "recommended": 4,
        "registered": 3,
        "valid_registrations": 2,
        "share": Decimal("0.0750"),
        "target": Decimal("0.1000"),
        "met": False,
        "short_by": 1,
    }
    city_row = TechShareSnapshot.objects.get(scope_key="city")
    assert city_row.district is None and city_row.policy_year == 2026
    assert TechShareSnapshot.objects.get(scope_key="510703").district.name == "涪城区"


def test_breakdown_of_the_registered_new_enterprises(data):
    tech_share_compute(day=DAY)
    assert TechShareSnapshot.objects.get(scope_key="510704").breakdown == {
        "origin": {"introduced": 1},
        "founder_category": {"graduate": 1},
        "cluster": {"电子信息": 1},
    }
    assert TechShareSnapshot.objects.get(scope_key="510703").breakdown == {
        "origin": {"new": 2},
        "founder_category": {"": 2},
        "cluster": {"": 2},
    }
    assert TechShareSnapshot.objects.get(scope_key="city").breakdown == {
        "origin": {"introduced": 1, "new": 2},
        "founder_category": {"": 2, "graduate": 1},
        "cluster": {"": 2, "电子信息": 1},
    }
    assert TechShareSnapshot.objects.get(scope_key="510705").breakdown == {
        "origin": {},
        "founder_category": {},
        "cluster": {},
    }


@pytest.mark.parametrize(
    ("day", "registered", "valid"),
    [
        (dt.date(2026, 5, 31), 1, 1),  # a2 valid to this day; a0 and a1 registered only on 06-01
        (dt.date(2026, 6, 1), 3, 2),  # a2 expired the day before: still registered, no longer valid
        (dt.date(2026, 9, 30), 3, 2),  # a1 revoked on 10-01 still counted the day before
        (dt.date(2026, 10, 1), 2, 1),  # from the day of its revocation a1 counts no more
    ],
)
def test_registrations_count_from_their_day_until_revoked(data, day, registered, valid):
    tech_share_compute(day=day, year=2026)
    row = numbers("510703", day)
    assert (row["registered"], row["valid_registrations"]) == (registered, valid)


def test_pipeline_counts_filings_submitted_by_the_day(data):
    before_filing = dt.date(2026, 3, 31)  # the 2026 filings were submitted on 2026-04-01
    tech_share_compute(day=before_filing, year=2026)
    assert numbers("510703", before_filing)["filed"] == 0


def test_target_and_baseline_come_from_the_policy(data):
    QuotaPolicy.objects.filter(year=2026).update(tech_share_target=Decimal("0.050"), baseline_date=dt.date(2024, 1, 1))
    tech_share_compute(day=DAY)
    row = numbers("510703")
    assert row["newly_registered"] == 31 and row["registered"] == 3  # the 2024 enterprise is now new
    assert (row["target"], row["met"], row["short_by"]) == (Decimal("0.0500"), True, 0)


def test_without_a_policy_the_defaults_apply(district):
    quota_data.enterprises(district, 3, established_on=dt.date(2026, 2, 1))
    quota_data.enterprises(district, 2, established_on=dt.date(2025, 12, 31))  # before 1 January of the year
    tech_share_compute(day=DAY)
    row = numbers("510703")
    assert row["newly_registered"] == 3 and row["target"] == Decimal("0.1000") and row["short_by"] == 1


def rows():
    return {s.scope_key: (s.pk, *(getattr(s, f) for f in FIELDS), s.breakdown) for s in TechShareSnapshot.objects.all()}


def test_rerun_writes_the_same_rows(data):
    tech_share_compute(day=DAY)
    first = rows()
    first_computed = TechShareSnapshot.objects.get(scope_key="city").computed_at
    tech_share_compute(day=DAY)
    assert rows() == first and TechShareSnapshot.objects.count() == 4
    assert TechShareSnapshot.objects.get(scope_key="city").computed_at >= first_computed


def test_a_changed_registry_updates_the_days_rows(data, district):
    tech_share_compute(day=DAY)
    quota_data.enterprises(district, 5)
    tech_share_compute(day=DAY)
    assert TechShareSnapshot.objects.count() == 4
    assert numbers("510703")["newly_registered"] == 35 and numbers("510703")["short_by"] == 2


def test_district_snapshots_keep_their_closest_pool_candidates(data, district, other_district):
    tech_share_compute(day=DAY, year=2026)
    pool = closest_by_district(CLOSEST_CANDIDATES, year=2026, day=DAY)
    assert pool[district.pk].size == 1 and len(pool[district.pk].closest) == 1  # the data set's open candidate
    for place in (district, other_district):
        snapshot = TechShareSnapshot.objects.get(scope_key=place.code)
        head = pool.get(place.pk)
        assert snapshot.closest_candidates == (head.closest if head else [])
        assert snapshot.candidates == (head.size if head else 0)  # the card counts what the list lists
    assert TechShareSnapshot.objects.get(scope_key="city").closest_candidates == []


def test_query_count_does_not_grow_with_the_registry(district, other_district, django_assert_num_queries):
    quota_data.policy()
    for index in range(10):
        quota_data.registration(
            quota_data.enterprises(district if index % 2 else other_district, 1)[0],
            valid_from=dt.date(2026, 6, 1),
            valid_until=dt.date(2029, 5, 31),
        )
    with django_assert_num_queries(QUERIES):
        tech_share_compute(day=DAY)
    quota_data.enterprises(district, 150, in_cultivation_pool=True)
    quota_data.enterprises(other_district, 140)
    with django_assert_num_queries(QUERIES):
        tech_share_compute(day=DAY)
    assert numbers("city")["newly_registered"] == 300


def test_task_takes_an_iso_date(data):
    assert compute_tech_share.delay("2026-11-20", 2026).get() == 4
    assert numbers("510703")["short_by"] == 1


@pytest.mark.parametrize(
    ("registered", "share", "met"), [(200, Decimal("0.0999"), False), (201, Decimal("0.1004"), True)]
)
def test_a_share_just_under_the_target_is_stored_under_it(district, registered, share, met):
    """200 of 2,001 new enterprises is 9.995%: stored as 0.0999 (toward zero), not 0.1000 next to "short by 1"."""
    quota_data.policy()
    firms = quota_data.enterprises(district, 2001)
    applications = Application.objects.bulk_create(
        factories.ApplicationFactory.build(enterprise=firm, evaluation_year=YEAR, state=Application.State.REGISTERED)
        for firm in firms[:registered]
    )
    Registration.objects.bulk_create(
        Registration(
            application=application,
            enterprise=application.enterprise,
            evaluation_year=YEAR,
            number=f"{YEAR}510703T{application.pk:06d}",
            valid_from=dt.date(2026, 6, 1),
            valid_until=dt.date(2029, 5, 31),
        )
        for application in applications
    )
    tech_share_compute(day=DAY)
    row = numbers(district.code)
    assert (row["newly_registered"], row["registered"], row["share"], row["met"]) == (2001, registered, share, met)
    assert row["short_by"] == (0 if met else 1)
