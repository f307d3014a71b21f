"""The tech share by RULES.md §5: no January cliff, enterprises only, each firm where it was managed that day."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assistance.models import QuotaPolicy
from certification.models import Application
from certification.services.registration import registration_expire_due
from enterprises.models import Enterprise
from enterprises.services.moves import district_moves_record
from quotas.alerts import quota_alerts_send
from quotas.models import QuotaAlert, TechShareSnapshot
from quotas.tech_share import baseline_of, tech_share_compute
from tests import factories
from tests.quotas import quota_data

YEAR_END = dt.date(2026, 12, 31)
NEW_YEAR = dt.date(2027, 1, 1)


def snapshot(scope_key, day):
    return TechShareSnapshot.objects.get(scope_key=scope_key, as_of=day)


@pytest.fixture
def ten_new_one_registered_to_year_end(district):
    """Ten enterprises established in 2026, one registered for 2026 with a validity ending 31 December."""
    QuotaPolicy.objects.create(year=2026, baseline_date=dt.date(2026, 1, 1))
    firms = quota_data.enterprises(district, 10, established_on=dt.date(2026, 3, 1))
    quota_data.registration(
        firms[0], valid_from=dt.date(2026, 11, 1), valid_until=YEAR_END
    )  # the validity a late notice gives
    return firms


def test_the_share_does_not_drop_on_the_first_of_january(ten_new_one_registered_to_year_end):
    tech_share_compute(day=YEAR_END)
    tech_share_compute(day=NEW_YEAR)  # no 2027 policy: its baseline is 2026's
    before, after = snapshot("510703", YEAR_END), snapshot("510703", NEW_YEAR)
    assert (before.newly_registered, before.registered, before.share) == (10, 1, Decimal("0.1000"))
    assert (after.newly_registered, after.registered, after.share) == (10, 1, Decimal("0.1000"))
    assert (after.valid_registrations, after.met) == (0, True)  # expired, yet still counted


def test_no_shortfall_alerts_fire_on_the_first_of_january(ten_new_one_registered_to_year_end):
    tech_share_compute(day=NEW_YEAR)
    assert quota_alerts_send(day=NEW_YEAR, year=2027) == 0
    assert not QuotaAlert.objects.exists()


def test_the_year_end_figure_recomputed_in_january_is_the_same(ten_new_one_registered_to_year_end):
    tech_share_compute(day=YEAR_END)
    first = snapshot("510703", YEAR_END).registered
    assert registration_expire_due(today=dt.date(2027, 1, 5)) == 1
    assert Application.objects.get().state == Application.State.EXPIRED
    tech_share_compute(day=YEAR_END)
    assert snapshot("510703", YEAR_END).registered == first == 1


def test_the_baseline_is_inherited_from_the_latest_earlier_policy(db):
    QuotaPolicy.objects.create(year=2024, baseline_date=dt.date(2024, 3, 1))
    QuotaPolicy.objects.create(year=2025, baseline_date=dt.date(2025, 1, 1))
    QuotaPolicy.objects.create(year=2026)
    assert baseline_of(QuotaPolicy.for_year(2027)) == dt.date(2025, 1, 1)
    assert baseline_of(QuotaPolicy.for_year(2026)) == dt.date(2025, 1, 1)
    assert baseline_of(QuotaPolicy.for_year(2024)) == dt.date(2024, 3, 1)
    assert baseline_of(QuotaPolicy.for_year(2023)) == dt.date(2023, 1, 1)  # nothing earlier: 1 January


@pytest.mark.parametrize(
    ("kind", "entity_kind", "counted"),
    [
        ("91", Enterprise.EntityKind.ENTERPRISE, True),
        ("92", Enterprise.EntityKind.INDIVIDUAL_BUSINESS, False),
        ("93", Enterprise.EntityKind.COOPERATIVE, False),
        ("51", Enterprise.EntityKind.OTHER, False),
        ("Y1", Enterprise.EntityKind.OTHER, False),
    ],
)
def test_only_enterprises_are_in_the_denominator(district, kind, entity_kind, counted):
    (firm,) = quota_data.enterprises(
        district, 1, established_on=dt.date(2026, 3, 1), credit_code=factories.credit_code_for(7, kind=kind)
    )
    assert Enterprise.objects.get(pk=firm.pk).entity_kind == entity_kind
    tech_share_compute(day=quota_data.DAY)
    assert snapshot("510703", quota_data.DAY).newly_registered == int(counted)


def test_an_enterprise_counts_where_it_was_managed_on_the_day(district, other_district):
    quota_data.policy()
    firms = quota_data.enterprises(district, 10, established_on=dt.date(2025, 6, 1))
    quota_data.registration(firms[0], valid_from=dt.date(2026, 6, 1), valid_until=dt.date(2029, 5, 31))
    moved_on = dt.date(2026, 9, 1)
    district_moves_record([(firms[0].pk, district.pk, other_district.pk)], moved_on=moved_on)
    Enterprise.objects.filter(pk=firms[0].pk).update(managing_district=other_district)

    before, on_the_day = moved_on - dt.timedelta(days=1), moved_on
    tech_share_compute(day=before)
    tech_share_compute(day=on_the_day)
    assert (snapshot("510703", before).newly_registered, snapshot("510703", before).registered) == (10, 1)
    assert snapshot("510704", before).newly_registered == 0
    assert (snapshot("510703", on_the_day).newly_registered, snapshot("510703", on_the_day).registered) == (9, 0)
    assert (snapshot("510704", on_the_day).newly_registered, snapshot("510704", on_the_day).registered) == (1, 1)
    assert snapshot("city", before).registered == snapshot("city", on_the_day).registered == 1


def test_moving_back_and_forth_keeps_every_day_where_it_was(district, other_district):
    quota_data.policy()
    (firm,) = quota_data.enterprises(district, 1, established_on=dt.date(2025, 6, 1))
    district_moves_record([(firm.pk, district.pk, other_district.pk)], moved_on=dt.date(2026, 3, 1))
    district_moves_record([(firm.pk, other_district.pk, district.pk)], moved_on=dt.date(2026, 6, 1))
    for day, where in [
        (dt.date(2026, 2, 28), "510703"),
        (dt.date(2026, 4, 1), "510704"),
        (dt.date(2026, 7, 1), "510703"),
    ]:
        tech_share_compute(day=day)
        assert snapshot(where, day).newly_registered == 1, day


def test_compute_quotas_prints_the_contract_as_its_last_line(district, other_district, department, other_department):
    quota_data.tech_share_data(district, other_district)
    quota_data.department_share_data(department, other_department)
    out = io.StringIO()
    call_command("compute_quotas", "--date", "2026-11-20", "--json", stdout=out)
    report = json.loads(out.getvalue().strip().splitlines()[-1])
    assert report["date"] == "2026-11-20"
    assert report["tech_share"] == [
        {"district": "510703", "new": 30, "registered": 2, "share": "0.0666"},
        {"district": "510704", "new": 10, "registered": 1, "share": "0.1000"},
        {"district": "510705", "new": 0, "registered": 0, "share": "0.0000"},
        {"district": "city", "new": 40, "registered": 3, "share": "0.0750"},
    ]
    assert report["departments"] == [  # in reference order: same sort order, then by code
        {"department": "jxj", "agreements": 9, "new_enterprise_agreements": 1, "share": "0.1111"},
        {"department": "kjj", "agreements": 10, "new_enterprise_agreements": 2, "share": "0.2000"},
    ]
    assert not QuotaAlert.objects.exists()  # the command computes; alerts belong to the runs


def test_compute_quotas_defaults_to_today_and_reruns_the_same(district):
    call_command("compute_quotas", stdout=io.StringIO())
    call_command("compute_quotas", stdout=io.StringIO())
    assert TechShareSnapshot.objects.filter(as_of=timezone.localdate()).count() == 2  # 涪城区 and the city


@pytest.mark.parametrize("bad", ["2026-13-01", "20261120", "yesterday", ""])
def test_compute_quotas_refuses_a_bad_date(db, bad):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("compute_quotas", "--date", bad, stdout=io.StringIO())


def test_a_self_registration_awaiting_its_district_is_not_in_the_denominator_until_confirmed(district):
    """RULES.md §5 counts the enterprises the regulator registered; anyone can self-register a firm the registry
    does not know, and a stranger's inventions must not lower a district's share."""
    QuotaPolicy.objects.create(year=2026, baseline_date=dt.date(2026, 1, 1))
    firms = quota_data.enterprises(district, 10, established_on=dt.date(2026, 3, 1))
    quota_data.registration(firms[0], valid_from=dt.date(2026, 6, 1), valid_until=YEAR_END)
    Enterprise.objects.filter(pk__in=[firm.pk for firm in firms[5:]]).update(confirmed=False)
    tech_share_compute(day=YEAR_END)
    assert snapshot(district.code, YEAR_END).newly_registered == 5
    assert snapshot("city", YEAR_END).share == Decimal("0.2")
    Enterprise.objects.filter(pk__in=[firm.pk for firm in firms[5:]]).update(confirmed=True)
    tech_share_compute(day=YEAR_END)
    assert snapshot(district.code, YEAR_END).newly_registered == 10
