"""The revocation procedure's services: notice → defence within the deadline → finding → announcement."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from certification.models import Application, ApplicationEvent, CalendarOverride, Registration, Revocation
from certification.selectors.calendar import defence_deadline_for
from certification.services.filing import application_save_draft, application_submit
from certification.services.revocation import revocation_decide, revocation_defend, revocation_notice
from certification.workflow import TransitionError
from smeportal.models import Notification
from tests import factories
from tests.concurrency import run_together
from tests.helpers import open_filing_today, reload, revoke

S = Application.State
R = Revocation.State
G = Registration.Grounds
NOTICE_DAY = dt.date(2026, 3, 2)  # a Monday in an ordinary fortnight
DEADLINE = dt.date(2026, 3, 16)  # 3–6, 9–13, 16 March: the 10th working day after the notice day
PDF = b"%PDF-1.4 defence evidence"


@pytest.fixture
def this_year():
    return timezone.localdate().year


@pytest.fixture
def registration(enterprise, this_year):
    """Registered for last year, so a revocation this year bans this year's filing (which does not exist yet)."""
    return factories.registered_filing(enterprise, year=this_year - 1)


def notice(registration, actor, *, grounds=G.CONDITIONS_NOT_MET, today=NOTICE_DAY):
    return revocation_notice(
        actor=actor, registration_id=registration.pk, grounds=grounds, reason="抽查发现科技人员不足", today=today
    )


@pytest.fixture
def revocation(registration, city_official):
    return notice(registration, city_official)


# --- Deadline -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("noticed_on", "deadline"),
    [
        (NOTICE_DAY, DEADLINE),
        (dt.date(2026, 3, 6), dt.date(2026, 3, 20)),  # a Friday: counting starts Monday 9 March
        # National Day 2026 (1–7 Oct off, Saturday 10 Oct a make-up working day): 29, 30 Sep, 8–10, 12–16 Oct.
        (dt.date(2026, 9, 28), dt.date(2026, 10, 16)),
    ],
)
def test_deadline_is_tenth_working_day_after_the_notice(db, noticed_on, deadline):
    assert defence_deadline_for(noticed_on) == deadline


def test_deadline_follows_officials_overrides(db):
    CalendarOverride.objects.create(date=dt.date(2026, 3, 10), kind=CalendarOverride.Kind.HOLIDAY)
    assert defence_deadline_for(NOTICE_DAY) == dt.date(2026, 3, 17)


def test_deadline_in_a_year_without_calendar_data(db):
    assert defence_deadline_for(dt.date(2031, 3, 3)) == dt.date(2031, 3, 17)


# --- The whole procedure --------------------------------------------------------------------------


def test_notice_defence_finding_announcement(
    registration, city_official, enterprise_user, this_year, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    enterprise_user.email = "boss@example.com"
    enterprise_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        revocation = notice(registration, city_official)
    assert (revocation.state, revocation.defence_deadline) == (R.NOTICED, DEADLINE)
    assert mail.outbox[-1].to == ["boss@example.com"]
    assert "2026-03-16" in mail.outbox[-1].body and registration.number in mail.outbox[-1].body
    assert Notification.objects.filter(user=enterprise_user, message__contains="2026-03-16").exists()
    assert not ApplicationEvent.objects.filter(application=registration.application).exists()  # no state change yet

    revocation = revocation_defend(
        actor=enterprise_user,
        revocation_id=revocation.pk,
        text="科技人员数已补充至12人，附社保缴纳证明。",
        attachment=SimpleUploadedFile("社保证明.pdf", PDF, content_type="application/pdf"),
        today=DEADLINE,  # the deadline day still accepts a defence
    )
    assert revocation.state == R.DEFENDED
    assert revocation.defended_by == enterprise_user
    assert revocation.defence_attachment_name == "社保证明.pdf"
    with revocation.defence_attachment.open("rb") as handle:
        assert handle.read() == PDF

    with django_capture_on_commit_callbacks(execute=True):
        revocation = revocation_decide(
            actor=city_official, revocation_id=revocation.pk, revoke=True, finding="申辩理由不成立。", today=DEADLINE
        )
    assert revocation.state == R.REVOKED
    assert revocation.decided_by == city_official
    assert revocation.announced_at == revocation.decided_at is not None
    registration = reload(registration)
    assert registration.revoked_at == revocation.decided_at
    assert (registration.revocation_grounds, registration.revocation_reason) == (
        G.CONDITIONS_NOT_MET,
        "申辩理由不成立。",
    )
    assert reload(registration.application).state == S.REVOKED
    event = ApplicationEvent.objects.get(application=registration.application)
    assert (event.from_state, event.to_state, event.actor) == (S.REGISTERED, S.REVOKED, city_official)
    assert "已被撤销" in mail.outbox[-1].body

    # Revoked this year: no filing this year; next year is allowed (not fraud).
    open_filing_today(this_year + 1)
    with pytest.raises(TransitionError, match="当年不得再次申报"):
        application_save_draft(actor=enterprise_user, evaluation_year=this_year, data={})
    assert application_save_draft(actor=enterprise_user, evaluation_year=this_year + 1, data={})


def test_a_revocation_decided_in_english_is_recorded_in_chinese(revocation, registration, city_official):
    """The filing's timeline comment is stored for the enterprise: in the portal's language, not the official's."""
    with translation.override("en"):
        revocation_decide(
            actor=city_official,
            revocation_id=revocation.pk,
            revoke=True,
            finding="科技人员不足属实",
            today=DEADLINE + dt.timedelta(days=1),
        )
    event = ApplicationEvent.objects.get(application=registration.application)
    assert event.comment == "不再符合评价条件：科技人员不足属实"


@pytest.mark.parametrize(("years_later", "allowed"), [(0, False), (1, False), (3, False), (4, True)])
def test_fraud_bans_for_three_years(registration, city_official, enterprise_user, this_year, years_later, allowed):
    revocation = notice(registration, city_official, grounds=G.FRAUD)
    revocation_decide(
        actor=city_official,
        revocation_id=revocation.pk,
        revoke=True,
        finding="伪造凭证属实",
        today=DEADLINE + dt.timedelta(days=1),
    )
    year = this_year + years_later
    open_filing_today(year)
    if allowed:
        assert application_save_draft(actor=enterprise_user, evaluation_year=year, data={})
    else:
        with pytest.raises(TransitionError):
            application_save_draft(actor=enterprise_user, evaluation_year=year, data={})


def test_dismissal_keeps_the_registration_valid(
    revocation, registration, city_official, enterprise_user, this_year, django_capture_on_commit_callbacks
):
    revocation_defend(actor=enterprise_user, revocation_id=revocation.pk, text="不存在该情形。", today=NOTICE_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        revocation = revocation_decide(
            actor=city_official, revocation_id=revocation.pk, revoke=False, finding="申辩成立。", today=NOTICE_DAY
        )
    assert revocation.state == R.DISMISSED
    assert revocation.decided_at is not None and revocation.announced_at is None
    registration = reload(registration)
    assert registration.revoked_at is None and registration.revocation_grounds == ""
    assert reload(registration.application).state == S.REGISTERED
    assert not ApplicationEvent.objects.filter(application=registration.application).exists()
    assert "不予撤销" in mail.outbox[-1].body
    assert application_save_draft(actor=enterprise_user, evaluation_year=this_year, data={})
    # A closed procedure does not block a new one.
    assert notice(registration, city_official).state == R.NOTICED


# --- Deadlines and states --------------------------------------------------------------------------


def test_defence_after_the_deadline_is_refused(revocation, enterprise_user):
    with pytest.raises(TransitionError, match="申辩期限已于2026-03-16届满"):
        revocation_defend(
            actor=enterprise_user, revocation_id=revocation.pk, text="迟到的申辩", today=DEADLINE + dt.timedelta(days=1)
        )
    assert reload(revocation).state == R.NOTICED


def test_only_one_defence(revocation, enterprise_user):
    revocation_defend(actor=enterprise_user, revocation_id=revocation.pk, text="第一次", today=NOTICE_DAY)
    with pytest.raises(TransitionError):
        revocation_defend(actor=enterprise_user, revocation_id=revocation.pk, text="第二次", today=NOTICE_DAY)
    assert reload(revocation).defence == "第一次"


def test_decision_before_defence_and_deadline_is_refused(revocation, registration, city_official):
    for day in (NOTICE_DAY, DEADLINE):
        with pytest.raises(TransitionError, match="届满前不能作出决定"):
            revocation_decide(actor=city_official, revocation_id=revocation.pk, revoke=True, finding="x", today=day)
    assert reload(revocation).state == R.NOTICED
    assert reload(registration).revoked_at is None
    # The day after the deadline, without a defence, the finding may be made.
    revocation = revocation_decide(
        actor=city_official,
        revocation_id=revocation.pk,
        revoke=True,
        finding="逾期未申辩",
        today=DEADLINE + dt.timedelta(days=1),
    )
    assert revocation.state == R.REVOKED


def test_decided_procedure_cannot_be_decided_again(revocation, city_official):
    after = DEADLINE + dt.timedelta(days=1)
    revocation_decide(actor=city_official, revocation_id=revocation.pk, revoke=False, finding="不成立", today=after)
    with pytest.raises(TransitionError, match="已作出决定"):
        revocation_decide(actor=city_official, revocation_id=revocation.pk, revoke=True, finding="改判", today=after)
    assert reload(revocation).state == R.DISMISSED


def test_one_open_procedure_per_registration(revocation, registration, city_official):
    with pytest.raises(TransitionError, match="进行中的撤销程序"):
        notice(registration, city_official)
    assert registration.revocations.count() == 1


def test_database_allows_one_open_procedure_per_registration(revocation, registration):
    for state in (R.NOTICED, R.DEFENDED):
        with pytest.raises(IntegrityError), transaction.atomic():
            Revocation.objects.create(
                registration=registration,
                grounds=G.FRAUD,
                reason="重复",
                noticed_at=timezone.now(),
                defence_deadline=DEADLINE,
                state=state,
            )
    closed = Revocation.objects.create(
        registration=registration,
        grounds=G.FRAUD,
        reason="历史记录",
        noticed_at=timezone.now(),
        defence_deadline=DEADLINE,
        state=R.DISMISSED,
        decided_at=timezone.now(),
    )
    assert closed.pk


def test_database_requires_a_decision_time_on_closed_procedures(registration):
    with pytest.raises(IntegrityError), transaction.atomic():
        Revocation.objects.create(
            registration=registration,
            grounds=G.FRAUD,
            reason="x",
            noticed_at=timezone.now(),
            defence_deadline=DEADLINE,
            state=R.REVOKED,
        )


def test_notice_on_a_revoked_registration_is_refused(registration, city_official):
    revoke(registration, city_official, grounds=G.LISTED, reason="列入严重违法失信名单")
    with pytest.raises(TransitionError):
        notice(registration, city_official)
    assert list(registration.revocations.values_list("state", flat=True)) == [R.REVOKED]


def test_expired_registration_can_still_be_revoked(registration, city_official):
    Application.objects.filter(pk=registration.application_id).update(state=S.EXPIRED)
    revocation = notice(registration, city_official)
    revocation_decide(
        actor=city_official,
        revocation_id=revocation.pk,
        revoke=True,
        finding="x",
        today=DEADLINE + dt.timedelta(days=1),
    )
    event = ApplicationEvent.objects.get(application_id=registration.application_id)
    assert (event.from_state, event.to_state) == (S.EXPIRED, S.REVOKED)


# --- Input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("grounds", "reason", "field"), [("bogus", "理由", "grounds"), (G.FRAUD, "  ", "reason")])
def test_notice_needs_grounds_and_reason(registration, city_official, grounds, reason, field):
    with pytest.raises(ValidationError) as error:
        revocation_notice(actor=city_official, registration_id=registration.pk, grounds=grounds, reason=reason)
    assert field in error.value.message_dict
    assert not registration.revocations.exists()


def test_defence_needs_text_and_a_real_document(revocation, enterprise_user):
    with pytest.raises(ValidationError) as error:
        revocation_defend(actor=enterprise_user, revocation_id=revocation.pk, text=" ", today=NOTICE_DAY)
    assert "text" in error.value.message_dict
    fake = SimpleUploadedFile("证明.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        revocation_defend(
            actor=enterprise_user, revocation_id=revocation.pk, text="申辩", attachment=fake, today=NOTICE_DAY
        )
    assert "attachment" in error.value.message_dict
    assert reload(revocation).state == R.NOTICED


def test_decision_needs_a_finding(revocation, city_official, enterprise_user):
    revocation_defend(actor=enterprise_user, revocation_id=revocation.pk, text="申辩", today=NOTICE_DAY)
    with pytest.raises(ValidationError):
        revocation_decide(actor=city_official, revocation_id=revocation.pk, revoke=True, finding="", today=NOTICE_DAY)
    assert reload(revocation).state == R.DEFENDED


def test_unknown_ids_answer_404(city_official, enterprise_user, db):
    with pytest.raises(Http404):
        revocation_notice(actor=city_official, registration_id=999999, grounds=G.FRAUD, reason="x")
    with pytest.raises(Http404):
        revocation_defend(actor=enterprise_user, revocation_id=999999, text="x")
    with pytest.raises(Http404):
        revocation_decide(actor=city_official, revocation_id=999999, revoke=True, finding="x")


# --- Who may act ----------------------------------------------------------------------------------

OUT_OF_SCOPE = Http404
WRONG_ROLE = PermissionDenied


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("district_official", WRONG_ROLE),
        ("enterprise_user", WRONG_ROLE),
        ("other_district_official", OUT_OF_SCOPE),
        ("other_enterprise_user", OUT_OF_SCOPE),
        ("department_user", OUT_OF_SCOPE),
    ],
)
def test_notice_is_for_city_officials(request, registration, persona, error):
    with pytest.raises(error):
        notice(registration, request.getfixturevalue(persona))
    assert not registration.revocations.exists()


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("city_official", WRONG_ROLE),
        ("district_official", WRONG_ROLE),
        ("other_enterprise_user", OUT_OF_SCOPE),
        ("other_district_official", OUT_OF_SCOPE),
        ("department_user", OUT_OF_SCOPE),
    ],
)
def test_defence_is_for_the_enterprise_itself(request, revocation, persona, error):
    with pytest.raises(error):
        revocation_defend(
            actor=request.getfixturevalue(persona), revocation_id=revocation.pk, text="代为申辩", today=NOTICE_DAY
        )
    assert reload(revocation).state == R.NOTICED


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("district_official", WRONG_ROLE),
        ("enterprise_user", WRONG_ROLE),
        ("other_district_official", OUT_OF_SCOPE),
        ("other_enterprise_user", OUT_OF_SCOPE),
    ],
)
def test_decision_is_for_city_officials(request, revocation, registration, persona, error):
    with pytest.raises(error):
        revocation_decide(
            actor=request.getfixturevalue(persona),
            revocation_id=revocation.pk,
            revoke=True,
            finding="x",
            today=DEADLINE + dt.timedelta(days=1),
        )
    assert reload(revocation).state == R.NOTICED
    assert reload(registration).revoked_at is None


# --- Concurrency (PostgreSQL) ---------------------------------------------------------------------


def test_two_officials_notice_at_once_exactly_one_procedure(
    transactional_db, require_postgres, enterprise, city_official, admin_user_persona, this_year
):
    registration = factories.registered_filing(enterprise, year=this_year - 1)
    results = run_together(
        [lambda: notice(registration, city_official), lambda: notice(registration, admin_user_persona)], timeout=30
    )
    assert sorted(type(r).__name__ for r in results) == ["Revocation", "TransitionError"], results
    assert registration.revocations.count() == 1


def test_defence_and_decision_at_once_leave_a_consistent_state(
    transactional_db, require_postgres, enterprise, city_official, enterprise_user, this_year
):
    registration = factories.registered_filing(enterprise, year=this_year - 1)
    revocation = notice(registration, city_official)
    after = DEADLINE + dt.timedelta(days=1)
    results = run_together(
        [
            # On the deadline day the defence is in time; the decision the day after needs no defence.
            lambda: revocation_defend(actor=enterprise_user, revocation_id=revocation.pk, text="申辩", today=DEADLINE),
            lambda: revocation_decide(
                actor=city_official, revocation_id=revocation.pk, revoke=True, finding="逾期", today=after
            ),
        ],
        timeout=30,
    )
    assert isinstance(results[1], Revocation), results  # no deadlock: the decision always goes through
    revocation = reload(revocation)
    if isinstance(results[0], TransitionError):  # the decision came first: the defence is refused
        assert revocation.state == R.REVOKED and revocation.defence == ""
    else:  # the defence came first and the decision was taken on it
        assert revocation.state == R.REVOKED and revocation.defence == "申辩"
    assert reload(registration).revoked_at is not None


# --- Guards around the procedure ------------------------------------------------------------------


def test_draft_made_before_a_fraud_revocation_cannot_be_submitted_after_it(
    registration, city_official, enterprise_user, this_year
):
    """The ban is re-checked at submission, not only when the draft is opened."""
    open_filing_today(this_year)
    draft = application_save_draft(actor=enterprise_user, evaluation_year=this_year, data={})
    revoke(registration, city_official, grounds=G.FRAUD, reason="伪造研发费用凭证")
    with pytest.raises(TransitionError, match="本年度已被撤销入库登记，当年不得再次申报"):
        application_submit(application_id=draft.pk, actor=enterprise_user)
    assert reload(draft).state == S.DRAFT and reload(draft).submitted_on is None


ON_THE_WAY = [S.SUBMITTED, S.ON_SITE_CHECK, S.RETURNED, S.RECOMMENDED, S.UNDER_NOTICE]


@pytest.mark.parametrize("state", ON_THE_WAY)
@pytest.mark.parametrize(
    ("grounds", "years_later", "ended"),
    [
        (G.CONDITIONS_NOT_MET, 0, True),  # the year of the revocation
        (G.CONDITIONS_NOT_MET, 1, False),
        (G.FRAUD, 0, True),
        (G.FRAUD, 3, True),  # fraud: three more years
        (G.FRAUD, 4, False),
    ],
)
def test_a_revocation_ends_the_filings_it_bars_that_are_on_their_way(
    registration,
    city_official,
    enterprise_user,
    this_year,
    state,
    grounds,
    years_later,
    ended,
    django_capture_on_commit_callbacks,
):
    """A filing the revocation bars would otherwise wait in the queue, or under notice for good, for a
    recommendation or registration the guards refuse: it ends with the revocation, rejected with the ban as its
    reason, and the enterprise is told. A filing of a year the ban does not reach goes on."""
    filing = factories.ApplicationFactory(
        enterprise=registration.enterprise, evaluation_year=this_year + years_later, state=state
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        revoke(registration, city_official, grounds=grounds, reason="核查属实")

    filing = reload(filing)
    if not ended:
        assert filing.state == state
        return
    assert filing.state == S.REJECTED
    assert "撤销入库登记" in filing.decision_reason  # stored in the portal's language, not the official's
    event = ApplicationEvent.objects.filter(application=filing).latest("id")
    assert (event.from_state, event.to_state, event.comment, event.actor) == (
        state,
        S.REJECTED,
        filing.decision_reason,
        city_official,
    )
    assert Notification.objects.filter(
        user=enterprise_user, message_data__params__message__params__reason=filing.decision_reason
    ).exists()


def test_a_revocation_leaves_drafts_and_decided_filings_as_they_are(registration, city_official, this_year):
    """A draft is stopped when it is submitted (the ban is a guard of submission); decided filings stay decided."""
    kept = {
        state: factories.ApplicationFactory(
            enterprise=registration.enterprise, evaluation_year=this_year + n, state=state
        )
        for n, state in enumerate([S.DRAFT, S.REJECTED, S.WITHDRAWN])
    }
    revoke(registration, city_official, grounds=G.FRAUD, reason="伪造研发费用凭证")
    assert {state: reload(filing).state for state, filing in kept.items()} == {state: state for state in kept}


def test_revocation_fields_are_written_only_by_the_procedure():
    """No one-step revocation that skips notice and defence: only this module sets ``revoked_at``."""
    writers = sorted(
        str(path.relative_to(settings.BASE_DIR))
        for path in (Path(settings.BASE_DIR) / "certification").rglob("*.py")
        if "migrations" not in path.parts and re.search(r"\.revoked_at\s*=[^=]", path.read_text(encoding="utf-8"))
    )
    assert writers == ["certification/services/revocation.py"]


def test_the_registration_admin_changes_nothing(client, registration, admin_user_persona):
    client.force_login(admin_user_persona)
    url = reverse("admin:certification_registration_change", args=[registration.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'name="revoked_at' not in page.content
    posted = client.post(
        url,
        {
            "revoked_at_0": "2026-01-02",
            "revoked_at_1": "10:00:00",
            "revocation_grounds": G.FRAUD,
            "revocation_reason": "x",
            "valid_until": "2030-12-31",
        },
    )
    assert posted.status_code == 403
    after = reload(registration)
    assert (after.revoked_at, after.revocation_grounds, after.valid_until) == (None, "", registration.valid_until)
