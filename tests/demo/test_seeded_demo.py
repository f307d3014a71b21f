"""The demo portal as seeded: valid, realistic and consistent data, one login per role.

Every test here reads one portal of N enterprises seeded once for the module; each runs in a savepoint of the
transaction that holds it, so a test that writes (a second seeding run, a login) leaves it as it was.
"""

import datetime as dt
import io
import itertools

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from assistance.models import (
    AssistanceAgreement,
    Department,
    DepartmentTarget,
    QuotaPolicy,
    ServiceRecord,
    validate_measures,
)
from assistance.newness import is_new_enterprise, short_by
from assistance.roles import member_department_id
from certification.evaluation import evaluate_application
from certification.models import Application, ApplicationEvent, NoticeBatch, Registration, RegistrationSequence
from certification.registry_facts import contradictions
from certification.rules.industry import is_restricted_industry
from certification.rules.notice import notice_end
from certification.rules.registration import registration_number
from certification.selectors.notice import public_notice_order, recommended_day_from_events
from certification.selectors.pool import pool_distance_now
from certification.services.registration import agency_code, registration_flag
from demo.seeding import seed_demo
from demo.users import DEMO_PASSWORD
from enterprises.creditcode import valid_credit_codes
from enterprises.models import District, Enterprise, IndustryCluster
from enterprises.roles import is_city_official, is_official, member_enterprise_id, official_district_id
from tests.conftest import FAST_PASSWORD_HASHERS, open_campaigns_all_year
from tests.demo.helpers import ROLES, table_counts, years

pytestmark = pytest.mark.django_db

N = 2000


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """One demo portal of N enterprises for the module's tests that read it (about 3 s to seed). It stays in an
    open transaction: each test runs in a savepoint of it, so a test that writes leaves it as it was."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS), transaction.atomic():
        open_campaigns_all_year()
        call_command("load_reference_data", stdout=io.StringIO())
        yield seed_demo(enterprises=N)
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def test_credit_codes_are_valid_unique_and_carry_the_registering_authority(seeded):
    frame = pd.DataFrame.from_records(
        Enterprise.objects.values("credit_code", "managing_district__code", "managing_district__kind")
    )
    assert valid_credit_codes(frame["credit_code"]).all()
    assert frame["credit_code"].is_unique
    assert frame["credit_code"].str.startswith("91").all()
    area = frame["credit_code"].str[2:8]
    zone = frame["managing_district__kind"] == District.Kind.ZONE
    assert zone.any() and (~zone).any()
    assert (area[zone] == "510700").all()
    assert (area[~zone] == frame.loc[~zone, "managing_district__code"]).all()


def test_every_district_and_zone_gets_enterprises_and_the_big_ones_lead(seeded):
    per_district = dict(District.objects.annotate(n=Count("managed_enterprises")).values_list("name", "n"))
    assert len(per_district) == 12
    assert all(count > 0 for count in per_district.values()), per_district
    big = ["涪城区", "高新区", "游仙区", "科技城新区", "经开区"]
    assert sum(per_district[name] for name in big) > 0.55 * N
    assert per_district["涪城区"] == max(per_district.values())
    # A zone's enterprises are legally registered in an administrative district it lies in.
    kjc = Enterprise.objects.filter(managing_district__code="ZKJC")
    assert set(kjc.values_list("registered_district__code", flat=True)) <= {"510703", "510704", "510705"}
    county = Enterprise.objects.filter(managing_district__code="510781")
    assert set(county.values_list("registered_district__code", flat=True)) == {"510781"}


def test_dates_are_never_in_the_future_and_recent_years_have_more(seeded):
    today = timezone.localdate()
    established = pd.to_datetime(pd.Series(Enterprise.objects.values_list("established_on", flat=True)))
    assert established.max().date() <= today
    assert established.min().date() >= dt.date(2015, 1, 1)
    years = established.dt.year.value_counts()
    assert years[2015] < years[2024]
    introduced = Enterprise.objects.filter(origin=Enterprise.Origin.INTRODUCED)
    assert introduced.exists()
    assert not introduced.filter(introduced_on__isnull=True).exists()
    assert not introduced.filter(introduced_on__gt=today).exists()
    for established_on, introduced_on in introduced.values_list("established_on", "introduced_on"):
        assert established_on <= introduced_on
    assert (
        not Enterprise.objects.exclude(origin=Enterprise.Origin.INTRODUCED).filter(introduced_on__isnull=False).exists()
    )


def test_the_mix_is_realistic(seeded):
    frame = pd.DataFrame.from_records(
        Enterprise.objects.values(
            "name",
            "industry_code",
            "industry_section",
            "cluster_id",
            "origin",
            "founder_category",
            "military_civilian",
            "status",
            "on_abnormal_list",
            "seriously_dishonest",
            "in_cultivation_pool",
        )
    )
    assert frame["name"].str.endswith("公司").all()
    assert frame["name"].str.contains("绵阳").mean() > 0.5
    assert frame["name"].nunique() > 1900
    assert {"F", "H", "K"} <= set(frame["industry_section"])
    assert set(frame["origin"]) == {"new", "introduced", "existing"}
    assert len(set(frame["founder_category"])) >= 8
    assert 0.85 < (frame["status"] == "operating").mean() < 0.97
    assert 0 < frame["on_abnormal_list"].mean() < 0.08
    assert frame["seriously_dishonest"].sum() > 0
    assert 0 < frame["military_civilian"].mean() < 0.1
    assert 0.007 < frame["in_cultivation_pool"].mean() < 0.025
    pool = frame[frame["in_cultivation_pool"]]
    assert (pool["status"] == "operating").all()
    assert not pool["on_abnormal_list"].any() and not pool["industry_section"].isin(["F", "H", "K", "L"]).any()
    # Clusters follow IndustryCluster.industry_prefixes.
    prefixes = dict(IndustryCluster.objects.values_list("id", "industry_prefixes"))
    for code, cluster_id in frame[["industry_code", "cluster_id"]].drop_duplicates().itertuples(index=False):
        matching = {cid for cid, pfx in prefixes.items() if any(code.startswith(p) for p in pfx)}
        assert ({int(cluster_id)} if pd.notna(cluster_id) else set()) == matching, code


@pytest.mark.parametrize("username", ROLES)
def test_every_demo_login_works_and_has_its_role(seeded, client, username):
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    user = get_user_model().objects.get(username=username)
    fucheng = District.objects.get(name="涪城区")
    expected = {
        "city": (True, None, None, None),
        "fucheng": (False, fucheng.pk, None, None),
        "gaoxin": (False, District.objects.get(name="高新区").pk, None, None),
        "kjj": (False, None, Department.objects.get(name="市科技局").pk, None),
        "jxj": (False, None, Department.objects.get(name="市经信局").pk, None),
        "enterprise": (False, None, None, "linked"),
        "admin": (True, None, None, None),
    }[username]
    enterprise_id = member_enterprise_id(user)
    actual = (
        is_city_official(user),
        official_district_id(user),
        member_department_id(user),
        "linked" if enterprise_id else None,
    )
    assert actual == expected
    assert user.is_superuser == user.is_staff == (username == "admin")
    if username == "enterprise":
        assert not is_official(user)
        assert Enterprise.objects.get(pk=enterprise_id).managing_district == fucheng


def test_a_wrong_password_is_refused(seeded, client):
    response = client.post(reverse("login"), {"username": "city", "password": "demo-pass-2025"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_filings_in_expected_proportions_and_only_where_allowed(seeded):
    frame = pd.DataFrame.from_records(
        Application.objects.values(
            "evaluation_year",
            "state",
            "enterprise__status",
            "enterprise__industry_section",
            "enterprise__industry_code",
        )
    )
    per_year = frame["evaluation_year"].value_counts()
    assert set(per_year.index) == set(years())
    for year in years():
        # About 3% of the older enterprises file; those established since the plan's baseline far more
        # often, pushed by their district (demo.data.NEW_FILING_DRIVE), which spreads the tech shares.
        assert 0.02 * N < per_year[year] < 0.12 * N, per_year
    assert (frame["enterprise__status"] == Enterprise.Status.OPERATING).all()
    restricted = [
        is_restricted_industry(section, code)
        for section, code in frame[["enterprise__industry_section", "enterprise__industry_code"]].itertuples(
            index=False
        )
    ]
    assert not any(restricted)
    states = set(frame["state"])
    S = Application.State
    assert {S.DRAFT, S.SUBMITTED, S.RETURNED, S.ON_SITE_CHECK, S.RECOMMENDED, S.UNDER_NOTICE, S.REGISTERED} <= states
    assert {S.REJECTED, S.WITHDRAWN, S.EXPIRED} <= states
    # The cultivation pool files far more often than the rest.
    pool = Enterprise.objects.filter(in_cultivation_pool=True)
    pool_rate = Application.objects.filter(enterprise__in=pool).count() / pool.count()
    rest_rate = Application.objects.exclude(enterprise__in=pool).count() / (N - pool.count())
    assert pool_rate > 5 * rest_rate
    assert seeded.created["filings"] == len(frame)
    assert seeded.created["registrations"] == Registration.objects.count()
    assert Registration.objects.count() == Application.objects.filter(state__in=[S.REGISTERED, S.EXPIRED]).count()


def test_a_realistic_spread_of_results_and_only_eligible_filings_were_submitted(seeded):
    eligible, total = 0, 0
    for application in Application.objects.select_related("enterprise"):
        if application.missing_fields():
            assert application.state == Application.State.DRAFT
            continue
        result = evaluate_application(application, on=timezone.localdate())
        total += 1
        eligible += result.eligible
        if application.submitted_on is not None:
            assert result.eligible, application.pk
            # What the guards of the submission check: the register's facts and the direct-path evidence.
            assert not contradictions(application), application.pk
            assert not application.direct_path_problems(on=application.submitted_on), application.pk
    assert 0.6 < eligible / total < 0.92


def test_every_registration_has_a_valid_unique_number_in_line_with_the_sequence(seeded):
    registrations = list(
        Registration.objects.select_related("application__enterprise", "application__evaluating_district")
    )
    assert registrations
    numbers = [r.number for r in registrations]
    assert len(set(numbers)) == len(numbers)
    serials: dict[tuple[int, str], list[int]] = {}
    for registration in registrations:
        application = registration.application
        code = agency_code(application.evaluating_district)
        serial = int(registration.number[-5:])
        assert registration.number == registration_number(
            evaluation_year=application.evaluation_year, code=code, flag=registration_flag(application), serial=serial
        )
        assert registration.enterprise_id == application.enterprise_id
        assert registration.evaluation_year == application.evaluation_year
        assert registration.valid_from <= registration.valid_until
        assert registration.valid_from <= timezone.localdate()
        expired = registration.valid_until < timezone.localdate()
        assert application.state == (Application.State.EXPIRED if expired else Application.State.REGISTERED)
        serials.setdefault((application.evaluation_year, code), []).append(serial)
    sequences = {(s.evaluation_year, s.district_code): s.last_serial for s in RegistrationSequence.objects.all()}
    assert set(sequences) == set(serials)
    for key, used in serials.items():
        assert sorted(used) == list(range(1, len(used) + 1))
        assert sequences[key] == len(used)


def test_snapshots_agree_with_the_engine(seeded):
    submitted = Application.objects.exclude(submitted_on=None).select_related("enterprise", "evaluating_district")
    assert submitted.count() > 50
    for application in submitted.order_by("id")[::5]:
        snapshot = application.snapshot
        frozen_on = dt.date.fromisoformat(snapshot["frozen_on"])
        result = evaluate_application(application, on=frozen_on)
        assert snapshot["evaluation"]["eligible"] is result.eligible is True
        assert snapshot["evaluation"]["total_score"] == result.total_score
        assert snapshot["evaluation"]["path"] == result.path
        assert snapshot["declaration"]["rd_expense"] == str(application.rd_expense)
        assert snapshot["enterprise"]["credit_code"] == application.enterprise.credit_code
        assert application.evaluating_district_id == application.enterprise.managing_district_id
        assert snapshot["evaluating_district"]["code"] == application.evaluating_district.code
        assert application.submitted_on <= frozen_on <= timezone.localdate()
    assert not Application.objects.filter(submitted_on=None).exclude(snapshot={}).exists()


def test_every_filing_has_a_consistent_history(seeded):
    events: dict[int, list[tuple[str, str]]] = {}
    for application_id, from_state, to_state in ApplicationEvent.objects.order_by("created_at", "id").values_list(
        "application_id", "from_state", "to_state"
    ):
        events.setdefault(application_id, []).append((from_state, to_state))
    for application_id, state in Application.objects.values_list("id", "state"):
        steps = events[application_id]
        assert steps[0] == ("", Application.State.DRAFT)
        assert steps[-1][1] == state
        assert all(previous[1] == step[0] for previous, step in itertools.pairwise(steps))
    S = Application.State
    # A filing reaches notice only after an on-site check when the review requires one.
    for application in Application.objects.filter(state=S.UNDER_NOTICE, first_time_applicant=True):
        assert application.on_site_check_passed is True
        assert (S.ON_SITE_CHECK, S.RECOMMENDED) in events[application.pk]
    assert Application.objects.filter(state=S.REJECTED).exclude(decision_reason="").count() == (
        Application.objects.filter(state=S.REJECTED).count()
    )


def test_notice_batches_cover_the_filings_under_notice_with_a_ten_working_day_window(seeded):
    today = timezone.localdate()
    under_notice = Application.objects.filter(state=Application.State.UNDER_NOTICE)
    assert under_notice.exists()
    batches = NoticeBatch.objects.filter(applications__in=under_notice).distinct()
    assert batches.count() == 1
    batch = batches.get()
    assert batch.is_open_on(today)
    for notice in NoticeBatch.objects.all():
        assert notice.end_date == notice_end(notice.start_date)
    registered = Application.objects.filter(state__in=[Application.State.REGISTERED, Application.State.EXPIRED])
    assert not registered.filter(notice_batch=None).exists()
    assert not registered.filter(notice_batch__end_date__gte=today).exists()
    assert NoticeBatch.objects.count() == 3


def test_each_seeded_batch_is_numbered_in_its_public_order_from_one(seeded):
    for batch in NoticeBatch.objects.all():
        filings = Application.objects.filter(notice_batch=batch)
        numbered = list(filings.order_by("notice_position").values_list("pk", flat=True))
        assert numbered == public_notice_order(filings.values_list("pk", flat=True))
        assert list(filings.order_by("notice_position").values_list("notice_position", flat=True)) == list(
            range(1, len(numbered) + 1)
        )


def test_agreements_counts_as_new_and_the_two_demo_departments(seeded):
    agreements = list(AssistanceAgreement.objects.select_related("enterprise", "department"))
    assert 0.006 * 2 * N < len(agreements) < 0.014 * 2 * N
    assert {a.year for a in agreements} == set(years())
    for agreement in agreements:
        e = agreement.enterprise
        assert agreement.counts_as_new == is_new_enterprise(
            established_on=e.established_on,
            introduced_on=e.introduced_on,
            origin=e.origin,
            agreement_year=agreement.year,
            window_years=QuotaPolicy.for_year(agreement.year).new_window_years,
        )
        validate_measures(agreement.measures)
        assert agreement.signed_on.year == agreement.year
        assert e.established_on <= agreement.signed_on <= timezone.localdate()
    assert len({a.department_id for a in agreements}) >= 6
    for year in years():
        for code, short in (("kjj", True), ("jxj", False)):
            mine = [a for a in agreements if a.year == year and a.department.code == code]
            new = sum(a.counts_as_new for a in mine)
            assert mine, (code, year)
            assert (
                short_by(agreements=len(mine), new=new, target=QuotaPolicy.for_year(year).new_enterprise_target) > 0
            ) is short
    records = ServiceRecord.objects.all()
    assert not AssistanceAgreement.objects.filter(service_records=None).exists()
    assert records.exclude(issues_raised="").filter(resolved_on=None).exists()  # open issues
    assert records.exclude(resolved_on=None).exists()
    assert records.exclude(enterprise_feedback="").exists()
    assert not records.filter(date__gt=timezone.localdate()).exists()


def test_policies_and_targets_for_both_years(seeded):
    assert set(QuotaPolicy.objects.values_list("year", flat=True)) == set(years())
    targets = DepartmentTarget.objects.all()
    assert targets.count() == 2 * Department.objects.count()
    assert all(20 <= t.enterprises_to_assist <= 200 for t in targets)


def test_the_demo_enterprise_user_has_a_draft_with_a_live_score(seeded):
    user = get_user_model().objects.get(username="enterprise")
    draft = Application.objects.get(enterprise_id=member_enterprise_id(user), evaluation_year=years()[1])
    assert draft.state == Application.State.DRAFT
    assert draft.created_by == user
    assert not draft.missing_fields()
    result = evaluate_application(draft, on=timezone.localdate())
    assert result.total_score > 0
    assert draft.events.get().actor == user


def test_the_demo_enterprise_user_sees_the_draft_and_its_live_score(seeded, client):
    user = get_user_model().objects.get(username="enterprise")
    client.force_login(user)
    draft = Application.objects.get(created_by=user)
    response = client.get(reverse("certification:filing_step", args=[draft.pk, "basic"]))
    assert response.status_code == 200
    assert 'data-testid="score-missing"' not in response.content.decode()
    assert client.get(reverse("certification:filing_detail", args=[draft.pk])).status_code == 200


def test_a_second_run_adds_nothing_anywhere_and_a_larger_n_only_the_missing(seeded):
    before = table_counts()
    rows = list(Application.objects.order_by("id").values_list("enterprise__credit_code", "evaluation_year", "state"))
    again = seed_demo(enterprises=N)
    assert set(again.created.values()) == {0}
    assert table_counts() == before

    more = seed_demo(enterprises=N + 700)
    assert more.created["filings"] > 0 and more.created["agreements"] > 0
    assert (
        list(
            Application.objects.order_by("id").values_list("enterprise__credit_code", "evaluation_year", "state")[
                : len(rows)
            ]
        )
        == rows
    )
    numbers = list(Registration.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))


def test_the_pools_stored_sort_key_agrees_with_the_filings(seeded):
    """Filings are inserted without signals: the seeding stores each enterprise's pool distance itself."""
    with_filings = Enterprise.objects.filter(applications__submitted_on__isnull=False).distinct()
    stored = dict(with_filings.values_list("pk", "pool_distance"))
    worked_out = dict(with_filings.annotate(now=pool_distance_now()).values_list("pk", "now"))
    assert stored and None not in stored.values()
    assert stored == worked_out


def test_the_day_recommended_is_stored_as_the_events_say(seeded):
    """Filings are inserted without the workflow: the seeding stores the day of their recommendation."""
    recommended = Application.objects.filter(events__to_state=Application.State.RECOMMENDED).distinct()
    stored = dict(recommended.values_list("pk", "recommended_on"))
    assert stored and None not in stored.values()
    assert stored == dict(recommended.annotate(day=recommended_day_from_events()).values_list("pk", "day"))
    assert not Application.objects.exclude(pk__in=list(stored)).filter(recommended_on__isnull=False).exists()
