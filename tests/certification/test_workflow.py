"""The filing workflow services: transitions, refusals, permissions, snapshot, events, on-site rule."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from certification.guards import on_site_grounds
from certification.models import Application, ApplicationEvent, Registration
from certification.rules import on_site
from certification.services.filing import (
    application_resubmit,
    application_save_draft,
    application_submit,
    application_withdraw,
)
from certification.services.filing_items import filing_start
from certification.services.registration import registration_flag
from certification.services.review import (
    application_recommend,
    application_record_on_site_check,
    application_reject,
    application_require_on_site_check,
    application_return,
)
from certification.states import WAITING_FOR_REVIEW
from certification.workflow import COMMENT_MAX, TransitionError
from smeportal.models import ChangeRecord
from tests import factories
from tests.helpers import reload

S = Application.State
DAY = dt.date(2026, 4, 20)


@pytest.fixture
def draft(enterprise, enterprise_user):
    return application_save_draft(
        actor=enterprise_user,
        evaluation_year=2026,
        data={
            "total_staff": "40",
            "tech_staff": "6",
            "sales_revenue": "800",
            "total_costs": "700",
            "rd_expense": "48",
            "total_assets": "1000",
            "class2_ip": 3,
        },
    )


@pytest.fixture
def veteran(enterprise):
    """An earlier submitted filing, so the enterprise is not a first-time applicant."""
    return factories.ApplicationFactory(
        enterprise=enterprise, evaluation_year=2025, state=S.EXPIRED, submitted_on=dt.date(2025, 4, 1)
    )


@pytest.fixture
def submitted(draft, enterprise_user, veteran):
    return application_submit(application_id=draft.pk, actor=enterprise_user, today=DAY)


@pytest.fixture
def withdrawn(submitted, enterprise_user):
    """Submitted, then withdrawn: the enterprise's own again, out of its officials' sight."""
    return application_withdraw(application_id=submitted.pk, actor=enterprise_user)


def transitions(app):
    return list(ApplicationEvent.objects.filter(application=app).order_by("id").values_list("from_state", "to_state"))


# --- Draft ---------------------------------------------------------------------------------------


def test_save_draft_creates_once_with_one_event_and_updates_without_events(draft, enterprise_user, enterprise):
    assert draft.enterprise_id == enterprise.pk
    assert draft.state == S.DRAFT
    assert draft.total_staff == Decimal("40")
    assert transitions(draft) == [("", S.DRAFT)]
    again = application_save_draft(actor=enterprise_user, evaluation_year=2026, data={"rd_expense": "50.5"})
    assert again.pk == draft.pk
    assert reload(draft).rd_expense == Decimal("50.50")
    assert Application.objects.count() == 1
    assert len(transitions(draft)) == 1


def test_draft_may_be_partial(enterprise_user):
    app = application_save_draft(actor=enterprise_user, evaluation_year=2026, data={"total_staff": "12"})
    assert app.tech_staff is None
    assert app.missing_fields() == ["tech_staff", "sales_revenue", "total_costs", "rd_expense", "total_assets"]


@pytest.mark.parametrize(
    "data",
    [
        {"rd_expense": "-0.01"},
        {"total_staff": "10", "tech_staff": "10.01"},
        {"direct_paths": ["unknown_path"]},
        {"enterprise_id": 5},
        {"sales_revenue": "abc"},
    ],
)
def test_save_draft_refuses_bad_data(enterprise_user, data):
    with pytest.raises(ValidationError):
        application_save_draft(actor=enterprise_user, evaluation_year=2026, data=data)
    assert not Application.objects.exists()


def test_tech_staff_equal_to_total_is_allowed(enterprise_user):
    app = application_save_draft(
        actor=enterprise_user, evaluation_year=2026, data={"total_staff": "10", "tech_staff": "10"}
    )
    assert app.tech_staff == app.total_staff


@pytest.mark.parametrize("persona", ["district_official", "city_official", "department_user"])
def test_only_enterprise_users_save_drafts(request, persona):
    with pytest.raises(PermissionDenied):
        application_save_draft(actor=request.getfixturevalue(persona), evaluation_year=2026, data={})


def test_submitted_filing_cannot_be_edited(submitted, enterprise_user):
    with pytest.raises(TransitionError):
        application_save_draft(actor=enterprise_user, evaluation_year=2026, data={"rd_expense": "1"})
    assert reload(submitted).rd_expense == Decimal("48.00")


# --- Submit --------------------------------------------------------------------------------------


def test_submit_freezes_snapshot_and_writes_event(submitted, veteran, district):
    app = reload(submitted)
    assert app.state == S.SUBMITTED
    assert app.submitted_on == DAY
    assert app.first_time_applicant is False
    assert app.evaluating_district_id == district.pk
    assert app.snapshot["declaration"]["rd_expense"] == "48.00"
    assert app.snapshot["declaration"]["class2_ip"] == 3
    assert app.snapshot["evaluation"]["eligible"] is True
    assert app.snapshot["evaluation"]["total_score"] == 76
    assert app.snapshot["evaluation"]["scores"] == {
        "tech_staff": 8,
        "rd": 50,
        "rd_by_sales": 50,
        "rd_by_costs": 0,  # 48 ÷ 700 = 6.9% < 10%
        "ip": 18,
    }
    assert app.snapshot["evaluating_district"]["code"] == "510703"
    assert transitions(app) == [("", S.DRAFT), (S.DRAFT, S.SUBMITTED)]


def test_first_filing_is_first_time_applicant(draft, enterprise_user):
    app = application_submit(application_id=draft.pk, actor=enterprise_user, today=DAY)
    assert app.first_time_applicant is True
    assert reload(app).snapshot["first_time_applicant"] is True


def test_submit_refused_for_ineligible_declaration(draft, enterprise_user):
    application_save_draft(actor=enterprise_user, evaluation_year=2026, data={"rd_expense": "32"})
    with pytest.raises(TransitionError) as caught:
        application_submit(application_id=draft.pk, actor=enterprise_user, today=DAY)
    assert [reason.code for reason in caught.value.reasons] == ["score_below_60"]
    assert "60" in caught.value.message
    assert caught.value.gap  # the gap analysis travels with the refusal
    app = reload(draft)
    assert app.state == S.DRAFT
    assert app.snapshot == {}
    assert app.submitted_on is None
    assert transitions(app) == [("", S.DRAFT)]


def test_submit_refused_when_figures_missing(enterprise_user):
    app = application_save_draft(actor=enterprise_user, evaluation_year=2026, data={"total_staff": "40"})
    with pytest.raises(TransitionError, match="尚未填写"):
        application_submit(application_id=app.pk, actor=enterprise_user, today=DAY)


def test_submit_refused_in_wrong_state(submitted, enterprise_user):
    with pytest.raises(TransitionError):
        application_submit(application_id=submitted.pk, actor=enterprise_user, today=DAY)
    assert len(transitions(submitted)) == 2


def test_snapshot_stays_frozen_until_resubmission(submitted, enterprise_user, district_official):
    frozen = reload(submitted).snapshot
    application_return(application_id=submitted.pk, actor=district_official, comment="请核对研发费用")
    application_save_draft(actor=enterprise_user, evaluation_year=2026, data={"rd_expense": "56"})
    app = reload(submitted)
    assert app.rd_expense == Decimal("56.00")
    assert app.snapshot == frozen
    assert app.snapshot["declaration"]["rd_expense"] == "48.00"
    application_resubmit(application_id=app.pk, actor=enterprise_user, today=dt.date(2026, 7, 1))
    app = reload(app)
    assert app.snapshot["declaration"]["rd_expense"] == "56.00"
    assert app.submitted_on == DAY  # the filing date stays the first submission


# --- District review -----------------------------------------------------------------------------


def test_return_with_field_comments_notifies_enterprise(
    submitted, district_official, enterprise_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application_return(
            application_id=submitted.pk,
            actor=district_official,
            comment="请补充材料",
            field_comments={"rd_expense": "与审计报告不符", "tech_staff": " "},
        )
    event = ApplicationEvent.objects.filter(application=submitted).last()
    assert (event.from_state, event.to_state) == (S.SUBMITTED, S.RETURNED)
    assert event.actor == district_official
    assert event.field_comments == {"rd_expense": "与审计报告不符"}
    assert event.comment == "请补充材料"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [enterprise_user.email]
    assert "退回" in mailoutbox[0].body


def test_no_mail_when_transition_rolls_back(
    submitted, district_official, mailoutbox, django_capture_on_commit_callbacks
):
    application_reject(application_id=submitted.pk, actor=district_official, reason="材料不全")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError):
        application_return(application_id=submitted.pk, actor=district_official, comment="x")
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("comment", "field_comments"), [("", {}), ("  ", {"tech_staff": ""}), ("ok", {"not_a_field": "x"})]
)
def test_return_needs_valid_comments(submitted, district_official, comment, field_comments):
    with pytest.raises(ValidationError):
        application_return(
            application_id=submitted.pk, actor=district_official, comment=comment, field_comments=field_comments
        )
    assert reload(submitted).state == S.SUBMITTED


def test_return_refused_when_not_under_review(submitted, district_official):
    application_reject(application_id=submitted.pk, actor=district_official, reason="材料不全")
    with pytest.raises(TransitionError):
        application_return(application_id=submitted.pk, actor=district_official, comment="x")


@pytest.mark.parametrize("persona", ["district_official", "city_official"])
def test_officials_cannot_reach_a_draft_never_submitted(request, draft, persona):
    """The review pages hide such drafts; the services agree (404, not a refusal that reveals it)."""
    official = request.getfixturevalue(persona)
    for act in (
        lambda: application_return(application_id=draft.pk, actor=official, comment="x"),
        lambda: application_reject(application_id=draft.pk, actor=official, reason="x"),
        lambda: application_recommend(application_id=draft.pk, actor=official),
    ):
        with pytest.raises(Http404):
            act()
    assert reload(draft).state == S.DRAFT


def test_resubmit_happy_and_refused_when_not_returned(submitted, enterprise_user, district_official):
    with pytest.raises(TransitionError):
        application_resubmit(application_id=submitted.pk, actor=enterprise_user)
    application_return(application_id=submitted.pk, actor=district_official, comment="改")
    app = application_resubmit(application_id=submitted.pk, actor=enterprise_user, comment="已修改")
    assert app.state == S.SUBMITTED


def test_resubmit_refused_when_corrected_data_is_ineligible(submitted, enterprise_user, district_official):
    application_return(application_id=submitted.pk, actor=district_official, comment="改")
    application_save_draft(actor=enterprise_user, evaluation_year=2026, data={"tech_staff": "3"})
    with pytest.raises(TransitionError) as caught:
        application_resubmit(application_id=submitted.pk, actor=enterprise_user)
    assert "tech_staff_score_zero" in [reason.code for reason in caught.value.reasons]
    assert reload(submitted).state == S.RETURNED


def test_recommend_happy_path(submitted, district_official):
    assert submitted.recommended_on is None
    app = application_recommend(application_id=submitted.pk, actor=district_official, comment="同意")
    assert app.state == S.RECOMMENDED
    assert transitions(app)[-1] == (S.SUBMITTED, S.RECOMMENDED)
    # Stored with the transition, the day the notice lists sort by.
    assert reload(app).recommended_on == timezone.localdate()


@pytest.mark.parametrize("state", [S.DRAFT, S.RETURNED, S.RECOMMENDED, S.REJECTED, S.WITHDRAWN, S.REGISTERED])
def test_recommend_refused_in_wrong_state(submitted, district_official, state):
    Application.objects.filter(pk=submitted.pk).update(state=state)
    with pytest.raises(TransitionError):
        application_recommend(application_id=submitted.pk, actor=district_official)
    assert reload(submitted).state == state
    assert len(transitions(submitted)) == 2


def test_on_site_check_path(draft, enterprise_user, district_official):
    """A first-time applicant needs the check: refused first, recommended once a passed check is recorded."""
    app = application_submit(application_id=draft.pk, actor=enterprise_user, today=DAY)
    with pytest.raises(TransitionError, match="现场核查"):
        application_recommend(application_id=app.pk, actor=district_official)
    with pytest.raises(TransitionError):
        application_record_on_site_check(application_id=app.pk, actor=district_official, passed=True, note="核查")
    application_require_on_site_check(application_id=app.pk, actor=district_official)
    with pytest.raises(TransitionError, match="现场核查"):
        application_recommend(application_id=app.pk, actor=district_official)
    with pytest.raises(TransitionError):
        application_require_on_site_check(application_id=app.pk, actor=district_official)
    with pytest.raises(ValidationError):
        application_record_on_site_check(application_id=app.pk, actor=district_official, passed=True, note="")
    checked_on = reload(app).last_submitted_on  # the day of the (latest) submission is the earliest check
    application_record_on_site_check(
        application_id=app.pk, actor=district_official, passed=True, note="经营场所与人员属实", checked_on=checked_on
    )
    app = application_recommend(application_id=app.pk, actor=district_official)
    assert app.state == S.RECOMMENDED
    assert app.on_site_checked_on == checked_on
    assert transitions(app) == [
        ("", S.DRAFT),
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.ON_SITE_CHECK),
        (S.ON_SITE_CHECK, S.ON_SITE_CHECK),
        (S.ON_SITE_CHECK, S.RECOMMENDED),
    ]


def test_failed_on_site_check_blocks_recommendation(submitted, district_official):
    application_require_on_site_check(application_id=submitted.pk, actor=district_official)
    application_record_on_site_check(
        application_id=submitted.pk, actor=district_official, passed=False, note="无研发场所"
    )
    with pytest.raises(TransitionError, match="未通过"):
        application_recommend(application_id=submitted.pk, actor=district_official)
    app = application_reject(application_id=submitted.pk, actor=district_official, reason="现场核查不属实")
    assert app.state == S.REJECTED


def test_a_new_on_site_check_clears_the_earlier_result_and_keeps_it_in_the_history(
    submitted, district_official, enterprise_user
):
    application_require_on_site_check(application_id=submitted.pk, actor=district_official)
    checked_on = reload(submitted).last_submitted_on
    application_record_on_site_check(
        application_id=submitted.pk, actor=district_official, passed=True, note="核查属实", checked_on=checked_on
    )
    application_return(application_id=submitted.pk, actor=district_official, comment="请补充研发费用")
    application_resubmit(application_id=submitted.pk, actor=enterprise_user, today=DAY)

    app = application_require_on_site_check(application_id=submitted.pk, actor=district_official, comment="重新核查")

    stored = reload(app)
    assert (stored.on_site_checked_on, stored.on_site_check_passed, stored.on_site_check_note) == (None, None, "")
    with pytest.raises(TransitionError, match="请先登记现场核查结果"):
        application_recommend(application_id=app.pk, actor=district_official)
    cleared = ChangeRecord.objects.filter(model="certification.application", object_id=app.pk).first()  # the latest
    assert cleared.reason == "安排现场核查" and cleared.actor == district_official
    assert cleared.changes["on_site_check_passed"] == [True, None]
    assert cleared.changes["on_site_check_note"] == ["核查属实", ""]
    assert cleared.changes["on_site_checked_on"] == [checked_on.isoformat(), None]
    assert ApplicationEvent.objects.filter(application=app, comment="核查属实").exists()  # the timeline keeps it


def test_on_site_check_date_is_between_the_latest_submission_and_today(submitted, district_official):
    application_require_on_site_check(application_id=submitted.pk, actor=district_official)
    submitted_on = reload(submitted).last_submitted_on
    for day, message in [
        (submitted_on + dt.timedelta(days=1), f"核查日期不能晚于今天（{submitted_on}）。"),
        (submitted_on - dt.timedelta(days=1), f"核查日期不能早于本次提交日期（{submitted_on}）。"),
    ]:
        with pytest.raises(ValidationError) as refused:
            application_record_on_site_check(
                application_id=submitted.pk,
                actor=district_official,
                passed=True,
                note="核查",
                checked_on=day,
                today=submitted_on,
            )
        assert refused.value.message_dict == {"checked_on": [message]}
    assert reload(submitted).on_site_checked_on is None
    application_record_on_site_check(
        application_id=submitted.pk,
        actor=district_official,
        passed=True,
        note="核查",
        checked_on=submitted_on,
        today=submitted_on,
    )
    assert reload(submitted).on_site_checked_on == submitted_on


@pytest.mark.parametrize(
    ("total", "tech", "required"),
    [
        ("5", "1", True),  # total staff ≤ 5
        ("5.01", "1.01", False),
        ("50", "45", True),  # tech staff exactly 90% with 50 staff
        ("50", "44.99", False),
        ("49.99", "49.99", False),  # 100% but fewer than 50 staff
        ("200", "180", True),
    ],
)
def test_on_site_rule_staff_cases(submitted, district_official, total, tech, required):
    Application.objects.filter(pk=submitted.pk).update(total_staff=Decimal(total), tech_staff=Decimal(tech))
    app = reload(submitted)
    assert bool(on_site_grounds(app, DAY)) is required
    if required:
        with pytest.raises(TransitionError):
            application_recommend(application_id=app.pk, actor=district_official, today=DAY)
    else:
        assert application_recommend(application_id=app.pk, actor=district_official, today=DAY)


@pytest.mark.parametrize(("revoked_on", "required"), [(dt.date(2023, 4, 21), True), (dt.date(2023, 4, 19), False)])
def test_on_site_rule_recent_revocation(submitted, enterprise, district_official, revoked_on, required):
    old = factories.ApplicationFactory(enterprise=enterprise, evaluation_year=2022, state=S.REVOKED)
    Registration.objects.create(
        application=old,
        enterprise=enterprise,
        evaluation_year=2022,
        number="2022510703A00001",
        valid_from=dt.date(2022, 9, 1),
        valid_until=dt.date(2022, 12, 31),
        revoked_at=dt.datetime.combine(revoked_on, dt.time(12), tzinfo=dt.UTC),
        revocation_grounds=Registration.Grounds.CONDITIONS_NOT_MET,
    )
    reasons = on_site_grounds(reload(submitted), DAY)
    assert (on_site.REVOKED_RECENTLY in reasons) is required


def test_reject_requires_reason_and_right_state(submitted, draft, district_official):
    with pytest.raises(ValidationError):
        application_reject(application_id=submitted.pk, actor=district_official, reason="  ")
    app = application_reject(application_id=submitted.pk, actor=district_official, reason="材料不实")
    assert app.state == S.REJECTED
    assert app.decision_reason == "材料不实"
    assert transitions(app)[-1] == (S.SUBMITTED, S.REJECTED)
    with pytest.raises(TransitionError):
        application_reject(application_id=submitted.pk, actor=district_official, reason="again")


def test_a_withdrawn_filing_is_out_of_the_officials_reach(withdrawn, district_official, city_official):
    for official in (district_official, city_official):
        with pytest.raises(Http404):
            application_reject(application_id=withdrawn.pk, actor=official, reason="x")
    assert reload(withdrawn).state == S.WITHDRAWN


def test_withdrawal_clears_the_filing_date_a_return_keeps_it(submitted, enterprise_user, district_official):
    """Filed before 1 June, returned for correction and resubmitted in June: it keeps its first date (flag
    ``0``). Then withdrawn and filed again in June: filed in June (flag ``A``)."""
    application_return(application_id=submitted.pk, actor=district_official, comment="请补充研发项目")
    application_resubmit(application_id=submitted.pk, actor=enterprise_user, today=dt.date(2026, 6, 2))
    assert reload(submitted).submitted_on == DAY
    assert registration_flag(reload(submitted)) == "0"

    application_withdraw(application_id=submitted.pk, actor=enterprise_user)
    withdrawn = reload(submitted)
    assert (withdrawn.submitted_on, withdrawn.snapshot, withdrawn.evaluating_district) == (None, {}, None)
    application_save_draft(actor=enterprise_user, evaluation_year=2026, data={})
    application_submit(application_id=submitted.pk, actor=enterprise_user, today=dt.date(2026, 6, 3))
    assert reload(submitted).submitted_on == dt.date(2026, 6, 3)
    assert registration_flag(reload(submitted)) == "A"


def test_city_review_rejects_recommended_filing_district_may_not(submitted, district_official, city_official):
    application_recommend(application_id=submitted.pk, actor=district_official)
    with pytest.raises(PermissionDenied):
        application_reject(application_id=submitted.pk, actor=district_official, reason="x")
    app = application_reject(application_id=submitted.pk, actor=city_official, reason="市级审核不通过")
    assert transitions(app)[-1] == (S.RECOMMENDED, S.REJECTED)


# --- Withdraw ------------------------------------------------------------------------------------


def test_withdraw_before_decision_and_reopen(submitted, enterprise_user):
    app = application_withdraw(application_id=submitted.pk, actor=enterprise_user)
    assert app.state == S.WITHDRAWN
    reopened = application_save_draft(actor=enterprise_user, evaluation_year=2026, data={})
    assert reopened.pk == app.pk
    assert reopened.state == S.DRAFT
    assert transitions(app)[-2:] == [(S.SUBMITTED, S.WITHDRAWN), (S.WITHDRAWN, S.DRAFT)]


def test_reopening_a_withdrawn_filing_stores_the_figures_sent_with_it_and_their_history(withdrawn, enterprise_user):
    reopened = application_save_draft(actor=enterprise_user, evaluation_year=2026, data={"rd_expense": "99.00"})
    app = reload(withdrawn)
    assert (app.state, app.rd_expense) == (S.DRAFT, Decimal("99.00")) == (reopened.state, reopened.rd_expense)
    assert transitions(app)[-1] == (S.WITHDRAWN, S.DRAFT)
    record = ChangeRecord.objects.filter(
        model="certification.application", object_id=app.pk, changes__has_key="rd_expense"
    ).latest("id")
    assert (record.changes["rd_expense"], record.reason) == (["48.00", "99.00"], "保存申报草稿")


def test_starting_a_withdrawn_filing_again_declares_what_the_register_learnt_meanwhile(
    withdrawn, enterprise, enterprise_user
):
    """ "Start again" on the filing page reopens it with the register's facts (every save declares them)."""
    enterprise.on_abnormal_list = True
    enterprise.save()
    assert filing_start(actor=enterprise_user, evaluation_year=2026).pk == withdrawn.pk
    app = reload(withdrawn)
    assert (app.state, app.compliance_violation) == (S.DRAFT, True)


@pytest.mark.parametrize(("length", "stored"), [(COMMENT_MAX, True), (COMMENT_MAX + 1, False)])
@pytest.mark.parametrize("name", ["withdraw", "resubmit"])
def test_the_enterprises_comment_on_its_timeline_is_capped(
    submitted, enterprise_user, district_official, name, length, stored
):
    """The timeline is append-only and shown on every reviewer's page: the service caps what the page, the
    API and the admin pass it at the API's limit, and a refused comment moves nothing."""
    application_return(application_id=submitted.pk, actor=district_official, comment="改")
    service = {"withdraw": application_withdraw, "resubmit": application_resubmit}[name]
    before = transitions(submitted)
    comment = "撤" * length
    if stored:
        service(application_id=submitted.pk, actor=enterprise_user, comment=comment)
        assert ApplicationEvent.objects.filter(application=submitted).latest("id").comment == comment
    else:
        with pytest.raises(ValidationError) as caught:
            service(application_id=submitted.pk, actor=enterprise_user, comment=comment)
        assert list(caught.value.message_dict) == ["comment"]
        assert (reload(submitted).state, transitions(submitted)) == (S.RETURNED, before)


def test_saving_a_withdrawn_filing_without_reopening_it_is_refused(withdrawn, enterprise_user):
    """The form's steps and PATCH save a filing they hold: withdrawn meanwhile, it is not reopened by a save."""
    before = transitions(withdrawn)
    with pytest.raises(TransitionError, match="只有草稿或退回修改的申报可以修改"):
        application_save_draft(actor=enterprise_user, evaluation_year=2026, data={"total_staff": "41"}, reopen=False)
    app = reload(withdrawn)
    assert (app.state, app.total_staff) == (S.WITHDRAWN, withdrawn.total_staff)
    assert transitions(app) == before


def test_withdraw_refused_after_decision(submitted, enterprise_user, district_official):
    application_recommend(application_id=submitted.pk, actor=district_official)
    with pytest.raises(TransitionError):
        application_withdraw(application_id=submitted.pk, actor=enterprise_user)


# --- Permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("other_district_official", Http404),
        ("other_enterprise_user", Http404),
        ("department_user", Http404),
        ("enterprise_user", PermissionDenied),
    ],
)
def test_recommend_permissions(request, submitted, persona, error):
    with pytest.raises(error):
        application_recommend(application_id=submitted.pk, actor=request.getfixturevalue(persona))
    assert reload(submitted).state == S.SUBMITTED


def test_city_official_may_review_any_district(submitted, city_official):
    assert application_recommend(application_id=submitted.pk, actor=city_official).state == S.RECOMMENDED


@pytest.mark.parametrize(
    ("persona", "error"),
    [("district_official", Http404), ("city_official", Http404), ("other_enterprise_user", Http404)],
)
def test_only_own_enterprise_submits(request, draft, veteran, persona, error):
    with pytest.raises(error):
        application_submit(application_id=draft.pk, actor=request.getfixturevalue(persona), today=DAY)
    assert reload(draft).state == S.DRAFT


@pytest.mark.parametrize("persona", ["district_official", "city_official"])
def test_officials_may_not_resubmit_for_the_enterprise(request, submitted, district_official, persona):
    application_return(application_id=submitted.pk, actor=district_official, comment="改")
    with pytest.raises(PermissionDenied):
        application_resubmit(application_id=submitted.pk, actor=request.getfixturevalue(persona), today=DAY)
    assert reload(submitted).state == S.RETURNED


def test_other_district_cannot_return_or_withdraw(submitted, other_district_official, other_enterprise_user):
    with pytest.raises(Http404):
        application_return(application_id=submitted.pk, actor=other_district_official, comment="x")
    with pytest.raises(Http404):
        application_withdraw(application_id=submitted.pk, actor=other_enterprise_user)


def test_unknown_filing_is_404(district_official):
    with pytest.raises(Http404):
        application_recommend(application_id=999_999, actor=district_official)


def test_full_path_writes_one_event_per_transition(submitted, enterprise_user, district_official):
    application_return(application_id=submitted.pk, actor=district_official, field_comments={"rd_expense": "?"})
    application_resubmit(application_id=submitted.pk, actor=enterprise_user)
    application_recommend(application_id=submitted.pk, actor=district_official)
    assert transitions(submitted) == [
        ("", S.DRAFT),
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.RETURNED),
        (S.RETURNED, S.SUBMITTED),
        (S.SUBMITTED, S.RECOMMENDED),
    ]
    actors = list(ApplicationEvent.objects.filter(application=submitted).order_by("id").values_list("actor", flat=True))
    assert actors == [
        enterprise_user.pk,
        enterprise_user.pk,
        district_official.pk,
        enterprise_user.pk,
        district_official.pk,
    ]


def test_admin_shows_events_read_only(client, admin_user_persona, submitted):
    client.force_login(admin_user_persona)
    page = client.get(f"/admin/certification/application/{submitted.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "已提交" in html  # the timeline is shown in the inline
    assert 'name="events-0-comment"' not in html  # as text, not as editable fields
    for url in [
        "/admin/certification/application/",
        "/admin/certification/applicationevent/",
        "/admin/certification/noticebatch/",
        "/admin/certification/calendaroverride/",
        "/admin/certification/deadlinechange/",
        "/admin/certification/objection/",
        "/admin/certification/registration/",
        "/admin/certification/registrationsequence/",
    ]:
        assert client.get(url).status_code == 200, url
    event = ApplicationEvent.objects.filter(application=submitted).first()
    assert client.get("/admin/certification/applicationevent/add/").status_code == 403
    assert client.post(f"/admin/certification/applicationevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ApplicationEvent.objects.filter(pk=event.pk).exists()
    # An override added in the admin would leave the running deadlines where they were.
    assert client.get("/admin/certification/calendaroverride/add/").status_code == 403


def test_review_queue_states_are_the_filing_states_they_name():
    """WAITING_FOR_REVIEW are plain values (a model index needs them): they must stay the State's."""
    assert WAITING_FOR_REVIEW == (Application.State.SUBMITTED, Application.State.ON_SITE_CHECK)
