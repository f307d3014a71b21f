"""Spot checks on the database: the draw (population, exclusion, size, seed, once a year) and the results
(scope, evidence, a failure starting the revocation procedure)."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation

from certification.models import EvaluationCampaign, Registration, Revocation, SpotCheck, SpotCheckDraw
from certification.rules.spot_check import draw as pure_draw
from certification.selectors.spot_check import spot_check_population, spot_checks_visible_to
from certification.services.revocation import revocation_notice
from certification.services.spot_check import spot_check_draw, spot_check_record
from certification.workflow import TransitionError
from smeportal.models import ChangeRecord, Notification
from tests import factories
from tests.concurrency import run_together
from tests.helpers import evidence_pdf, reload

YEAR = 2026
G = Registration.Grounds


def registrations(district, count: int, *, year: int = YEAR, high_tech: bool = False) -> list[Registration]:
    made = []
    for _ in range(count):
        registration = factories.registered_filing(factories.EnterpriseFactory(managing_district=district), year=year)
        if high_tech:
            registration.application.direct_paths = ["high_tech_certificate"]
            registration.application.save(update_fields=["direct_paths"])
        made.append(registration)
    return made


@pytest.fixture
def year_of_firms(district, other_district):
    """30 registrations of 2026 in two districts, 4 confirmed by a high-tech certificate, 2 revoked, and
    registrations of another year: a population of 24."""
    here = registrations(district, 15)
    there = registrations(other_district, 9)
    high_tech = registrations(district, 4, high_tech=True)
    revoked = registrations(other_district, 2)
    Registration.objects.filter(pk__in=[r.pk for r in revoked]).update(revoked_at=timezone.now())
    registrations(district, 3, year=YEAR - 1)
    return {"here": here, "there": there, "high_tech": high_tech}


def drawn_ids(draw: SpotCheckDraw) -> list[int]:
    return sorted(draw.checks.values_list("registration_id", flat=True))


def test_population_is_the_years_registrations_not_revoked_without_high_tech_certificates(year_of_firms):
    population = spot_check_population(YEAR)
    assert population.ids == sorted(r.pk for r in year_of_firms["here"] + year_of_firms["there"])
    assert population.excluded == 4


def test_a_draw_records_seed_who_when_and_assigns_each_check_to_the_managing_district(
    year_of_firms, city_official, district, other_district
):
    draw = spot_check_draw(actor=city_official, year=YEAR, seed=20261215)
    assert (draw.population, draw.excluded, draw.drawn, draw.seed) == (24, 4, 2, 20261215)  # ceil(5% × 24) = 2
    assert draw.share == Decimal("0.050")
    assert draw.drawn_by == city_official and draw.drawn_at is not None
    expected = pure_draw(spot_check_population(YEAR).ids, Decimal("0.05"), 20261215)
    assert drawn_ids(draw) == expected
    here = {r.pk for r in year_of_firms["here"]}
    for check in draw.checks.all():
        assert check.state == SpotCheck.State.ASSIGNED
        assert check.district == (district if check.registration_id in here else other_district)


def test_the_share_comes_from_the_campaign_unless_given(year_of_firms, city_official):
    EvaluationCampaign.objects.filter(year=YEAR).update(spot_check_share=Decimal("0.25"))
    assert spot_check_draw(actor=city_official, year=YEAR, seed=1).drawn == 6  # 25% of 24


def test_a_given_share_overrides_the_campaign(year_of_firms, city_official):
    draw = spot_check_draw(actor=None, year=YEAR, share="0.5", seed=1)
    assert (draw.drawn, draw.share, draw.drawn_by) == (12, Decimal("0.5"), None)


def test_at_least_one_firm_is_drawn(district, city_official):
    registrations(district, 3)
    assert spot_check_draw(actor=city_official, year=YEAR, seed=5).drawn == 1


def test_a_year_without_registrations_is_refused_and_not_recorded(year_of_firms, city_official):
    with pytest.raises(TransitionError, match="还没有可抽查"):
        spot_check_draw(actor=city_official, year=YEAR + 1, seed=5)
    assert not SpotCheckDraw.objects.exists()


def test_the_same_seed_on_the_same_data_draws_the_same_firms(year_of_firms, city_official):
    first = drawn_ids(spot_check_draw(actor=city_official, year=YEAR, share="0.3", seed=99))
    with transaction.atomic():  # the same data again, drawn afresh
        SpotCheck.objects.all().delete()
        SpotCheckDraw.objects.all().delete()
    assert drawn_ids(spot_check_draw(actor=city_official, year=YEAR, share="0.3", seed=99)) == first


def test_without_a_seed_one_is_generated_and_recorded(year_of_firms, city_official):
    draw = spot_check_draw(actor=city_official, year=YEAR)
    assert 0 <= draw.seed < 2**32
    assert drawn_ids(draw) == pure_draw(spot_check_population(YEAR).ids, Decimal("0.05"), draw.seed)


def test_a_second_draw_of_the_year_is_refused(year_of_firms, city_official):
    spot_check_draw(actor=city_official, year=YEAR, seed=1)
    with pytest.raises(TransitionError, match="每年只抽取一次"):
        spot_check_draw(actor=city_official, year=YEAR, seed=2)
    assert SpotCheckDraw.objects.count() == 1 and SpotCheck.objects.count() == 2


@pytest.mark.parametrize("persona", ["district_official", "enterprise_user", "department_user"])
def test_only_city_officials_draw(year_of_firms, persona, request):
    with pytest.raises(PermissionDenied):
        spot_check_draw(actor=request.getfixturevalue(persona), year=YEAR, seed=1)
    assert not SpotCheckDraw.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"share": "0"}, "share"),
        ({"share": "0.01"}, "share"),  # below the 5% of RULES.md §3
        ({"share": "0.049"}, "share"),
        ({"share": "1.5"}, "share"),
        ({"share": "abc"}, "share"),
        ({"share": "0.0505"}, "share"),
        ({"share": "NaN"}, "share"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**63}, "seed"),
        ({"year": 1999}, "year"),
    ],
)
def test_bad_values_are_refused(year_of_firms, city_official, values, field):
    arguments = {"year": YEAR, "seed": 1, **values}
    with pytest.raises(ValidationError) as refused:
        spot_check_draw(actor=city_official, **arguments)
    assert field in refused.value.message_dict


def test_a_share_of_exactly_five_percent_is_drawn(year_of_firms, city_official):
    draw = spot_check_draw(actor=city_official, year=YEAR, share="0.05", seed=1)
    assert draw.share == Decimal("0.05")


def test_a_campaign_cannot_store_a_share_below_five_percent(city_official):
    campaign = EvaluationCampaign.for_year(YEAR)
    campaign.spot_check_share = Decimal("0.049")
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean(exclude=["created_by", "updated_by"])
    assert refused.value.message_dict["spot_check_share"] == ["抽查比例不能低于0.05。"]
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationCampaign.objects.filter(year=YEAR).update(spot_check_share=Decimal("0.049"))


def test_each_district_is_told_of_its_checks(
    year_of_firms, city_official, district, district_official, django_capture_on_commit_callbacks
):
    other = factories.OfficialMembershipFactory(district=district).user
    with django_capture_on_commit_callbacks(execute=True):
        draw = spot_check_draw(actor=city_official, year=YEAR, share="1", seed=3)
    assert draw.drawn == 24
    for user in (district_official, other):
        (note,) = Notification.objects.filter(user=user)
        assert "15家" in note.message and "2026-12-15" in note.message
        assert note.link == "/certification/spot-checks/?year=2026"


def test_the_database_refuses_two_draws_of_a_year(year_of_firms):
    SpotCheckDraw.objects.create(
        year=YEAR, share="0.05", seed=1, population=1, excluded=0, drawn=1, drawn_at=timezone.now()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SpotCheckDraw.objects.create(
            year=YEAR, share="0.05", seed=2, population=1, excluded=0, drawn=1, drawn_at=timezone.now()
        )


# --- Results --------------------------------------------------------------------------------------


@pytest.fixture
def check(district, city_official, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    registrations(district, 1)
    spot_check_draw(actor=city_official, year=YEAR, seed=1)
    return SpotCheck.objects.get()


def test_the_district_records_a_pass_with_evidence(check, district_official):
    spot_check_record(
        actor=district_official, check_id=check.pk, passed=True, note="现场核查属实", evidence=evidence_pdf()
    )
    check = reload(check)
    assert check.state == SpotCheck.State.PASSED and check.checked_by == district_official
    assert check.evidence_name == "证明材料.pdf" and check.evidence.name.startswith("spot_checks/")
    assert "证明材料" not in check.evidence.name  # stored under a random name
    assert not Revocation.objects.exists()


def test_a_failure_starts_the_revocation_procedure_with_its_grounds(check, district_official, city_official):
    spot_check_record(
        actor=district_official,
        check_id=check.pk,
        passed=False,
        note="未按要求提供研发费用凭证",
        evidence=evidence_pdf(),
        failure_grounds=G.NO_SPOT_CHECK_REPLY,
        today=dt.date(2026, 12, 1),
    )
    check = reload(check)
    revocation = Revocation.objects.get()
    assert check.state == SpotCheck.State.FAILED and check.revocation == revocation
    assert revocation.registration_id == check.registration_id
    assert revocation.grounds == G.NO_SPOT_CHECK_REPLY and revocation.state == Revocation.State.NOTICED
    assert "2026年度抽查未通过：未按要求提供研发费用凭证" in revocation.reason
    assert revocation.created_by == district_official
    assert revocation.defence_deadline > dt.date(2026, 12, 1)


def test_a_failure_records_the_new_procedure_with_its_cause_and_official(check, district_official):
    """README "Change history": who and why; the procedure appears because the check failed."""
    spot_check_record(
        actor=district_official,
        check_id=check.pk,
        passed=False,
        note="企业无研发场地",
        evidence=evidence_pdf(),
        failure_grounds=G.CONDITIONS_NOT_MET,
    )
    record = ChangeRecord.objects.get(model="certification.revocation", object_id=Revocation.objects.get().pk)
    assert record.kind == "created"
    assert (record.actor_id, record.reason) == (district_official.pk, "抽查未通过，启动撤销程序")


def test_a_failure_recorded_in_english_tells_the_enterprise_in_chinese(check, district_official):
    """The reason is stored for the enterprise: in the portal's language, not the official's."""
    with translation.override("en"):
        spot_check_record(
            actor=district_official,
            check_id=check.pk,
            passed=False,
            note="企业无研发场地",
            evidence=evidence_pdf(),
            failure_grounds=G.CONDITIONS_NOT_MET,
        )
    assert Revocation.objects.get().reason == "2026年度抽查未通过：企业无研发场地"


def test_a_failure_joins_a_procedure_already_open(check, district_official, city_official):
    open_one = revocation_notice(
        actor=city_official, registration_id=check.registration_id, grounds=G.LISTED, reason="列入异常名录"
    )
    spot_check_record(
        actor=district_official,
        check_id=check.pk,
        passed=False,
        note="不符合条件",
        evidence=evidence_pdf(),
        failure_grounds=G.CONDITIONS_NOT_MET,
    )
    assert reload(check).revocation == open_one and Revocation.objects.count() == 1


def test_a_failure_on_a_registration_revoked_since_the_draw_is_refused(check, district_official):
    """The procedure has nothing left to revoke; the check stays open (a pass may still be recorded)."""
    Registration.objects.filter(pk=check.registration_id).update(revoked_at=timezone.now())
    with pytest.raises(TransitionError, match="已被撤销"):
        spot_check_record(
            actor=district_official,
            check_id=check.pk,
            passed=False,
            note="不符合",
            evidence=evidence_pdf(),
            failure_grounds=G.CONDITIONS_NOT_MET,
        )
    assert reload(check).state == SpotCheck.State.ASSIGNED


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"note": "  "}, "note"),
        ({"evidence": None}, "evidence"),
        ({"evidence": "not-a-pdf"}, "evidence"),
        ({"passed": False, "failure_grounds": ""}, "failure_grounds"),
        ({"passed": False, "failure_grounds": G.FRAUD}, "failure_grounds"),
    ],
)
def test_a_result_needs_a_note_evidence_and_grounds_for_a_failure(check, district_official, values, field):
    from django.core.files.uploadedfile import SimpleUploadedFile

    arguments = {"passed": True, "note": "核查属实", "evidence": evidence_pdf(), **values}
    if arguments["evidence"] == "not-a-pdf":
        arguments["evidence"] = SimpleUploadedFile("x.pdf", b"MZ not a pdf")
    with pytest.raises(ValidationError) as refused:
        spot_check_record(actor=district_official, check_id=check.pk, **arguments)
    assert field in refused.value.message_dict
    assert reload(check).state == SpotCheck.State.ASSIGNED and not Revocation.objects.exists()


def test_a_result_is_recorded_once(check, city_official):
    spot_check_record(actor=city_official, check_id=check.pk, passed=True, note="属实", evidence=evidence_pdf())
    with pytest.raises(TransitionError, match="已于"):
        spot_check_record(actor=city_official, check_id=check.pk, passed=True, note="再次", evidence=evidence_pdf())


@pytest.mark.parametrize("persona", ["other_district_official", "enterprise_user", "department_user"])
def test_outside_the_checks_district_it_is_not_found(check, persona, request):
    with pytest.raises(Http404):
        spot_check_record(
            actor=request.getfixturevalue(persona), check_id=check.pk, passed=True, note="x", evidence=evidence_pdf()
        )


def test_the_check_stays_with_the_district_of_the_draw(check, district_official, other_district):
    enterprise = check.registration.enterprise
    enterprise.managing_district = other_district
    enterprise.save(update_fields=["managing_district"])
    assert list(spot_checks_visible_to(district_official)) == [check]
    spot_check_record(actor=district_official, check_id=check.pk, passed=True, note="属实", evidence=evidence_pdf())


def test_who_sees_which_checks(
    year_of_firms, city_official, district_official, other_district_official, enterprise_user
):
    spot_check_draw(actor=city_official, year=YEAR, share="1", seed=1)
    assert spot_checks_visible_to(city_official).count() == 24
    assert spot_checks_visible_to(district_official).count() == 15
    assert spot_checks_visible_to(other_district_official).count() == 9
    assert spot_checks_visible_to(enterprise_user).count() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "passed"},  # no result
        {"state": "assigned", "result_note": "x"},
        {
            "state": "failed",
            "checked_at": dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
            "result_note": "x",
            "evidence": "a.pdf",
            "failure_grounds": "conditions_not_met",
        },  # no procedure
        {"state": "done"},
    ],
)
def test_the_database_keeps_state_and_result_consistent(check, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        SpotCheck.objects.filter(pk=check.pk).update(**fields)


# --- The command ----------------------------------------------------------------------------------


def run(*args) -> tuple[str, dict]:
    out = io.StringIO()
    call_command("draw_spot_checks", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    return out.getvalue(), json.loads(lines[-1])


def test_command_contract(year_of_firms):
    text, summary = run("--year", str(YEAR), "--share", "0.05", "--seed", "12345", "--json")
    assert list(summary) == ["year", "population", "excluded", "drawn", "seed"]
    assert summary == {"year": YEAR, "population": 24, "excluded": 4, "drawn": 2, "seed": 12345}
    assert "抽中 2 家" in text.splitlines()[0]
    draw = SpotCheckDraw.objects.get()
    assert draw.drawn_by is None
    assert drawn_ids(draw) == pure_draw(spot_check_population(YEAR).ids, Decimal("0.05"), 12345)


def test_command_same_seed_same_firms(year_of_firms):
    run("--year", str(YEAR), "--seed", "777", "--share", "0.2", "--json")
    first = drawn_ids(SpotCheckDraw.objects.get())
    SpotCheck.objects.all().delete()
    SpotCheckDraw.objects.all().delete()
    run("--year", str(YEAR), "--seed", "777", "--share", "0.2", "--json")
    assert drawn_ids(SpotCheckDraw.objects.get()) == first


def test_command_without_json_prints_only_the_summary(year_of_firms):
    out = io.StringIO()
    call_command("draw_spot_checks", "--year", str(YEAR), stdout=out)
    assert len(out.getvalue().strip().splitlines()) == 1 and "{" not in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--share", "0"], "抽查比例"),
        (["--share", "0.01"], "抽查比例须为0.05至1之间"),
        (["--share", "5%"], "抽查比例"),
        (["--seed", "-3"], "随机种子"),
    ],
)
def test_command_refuses_bad_values(year_of_firms, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("draw_spot_checks", "--year", str(YEAR), *args, stdout=io.StringIO())


def test_command_refuses_a_year_already_drawn(year_of_firms):
    run("--year", str(YEAR), "--json")
    with pytest.raises(CommandError, match="每年只抽取一次"):
        call_command("draw_spot_checks", "--year", str(YEAR), "--json", stdout=io.StringIO())


# --- Concurrency (PostgreSQL) ---------------------------------------------------------------------


def test_two_draws_at_once_record_one(transactional_db, require_postgres, district, city_official, admin_user_persona):
    registrations(district, 5)
    results = run_together(
        [
            lambda: spot_check_draw(actor=city_official, year=YEAR, seed=1),
            lambda: spot_check_draw(actor=admin_user_persona, year=YEAR, seed=2),
        ],
        timeout=30,
    )
    assert sorted(type(r).__name__ for r in results) == ["SpotCheckDraw", "TransitionError"], results
    assert SpotCheckDraw.objects.count() == 1 and SpotCheck.objects.count() == 1


def test_two_results_at_once_record_one(
    transactional_db, require_postgres, district, city_official, district_official, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    registrations(district, 1)
    spot_check_draw(actor=city_official, year=YEAR, seed=1)
    check = SpotCheck.objects.get()

    def fail(actor):
        return spot_check_record(
            actor=actor,
            check_id=check.pk,
            passed=False,
            note="不符合条件",
            evidence=evidence_pdf(),
            failure_grounds=G.CONDITIONS_NOT_MET,
        )

    results = run_together([lambda: fail(city_official), lambda: fail(district_official)], timeout=30)
    assert sorted(type(r).__name__ for r in results) == ["SpotCheck", "TransitionError"], results
    assert Revocation.objects.count() == 1
