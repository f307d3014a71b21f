"""The revocation procedure (撤销, RULES.md §3): notice → written defence (申辩) within a deadline →
finding → public announcement.

Same conventions as :mod:`certification.workflow`: keyword-only functions, one transaction each, rows
locked, roles checked (out of scope: ``Http404``; in scope but the wrong role: ``PermissionDenied``;
wrong state: ``TransitionError``; bad input: ``ValidationError``).

Decisions documented here:
- The defence deadline is the 10th working day counted from the day *after* the notice, on the
  official calendar with the officials' overrides (:func:`certification.rules.notice.defence_deadline`);
  the deadline day itself still accepts a defence.
- One written defence per procedure; it cannot be changed once submitted.
- A finding may be made once the defence is in, or after the deadline has passed without one.
- This procedure is the only way a registration is revoked: there is no one-step revocation, and the
  registration's admin page is read-only.
- Only a revocation writes an event on the filing (registered/expired → revoked, through the workflow
  table); the registration is revoked at the time of the finding, which is also when it is announced.
  A dismissed procedure leaves the registration as it was and is not announced.
- A revocation also ends the enterprise's filings that it bars (the same year; fraud: three more years) and
  that are still on the way to a registration, rejected with the ban as their reason (transition ``bar``).
- Locks are taken registration → revocation → filing."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from certification.guards import ban_refusals
from certification.models import Application, Registration, Revocation
from certification.selectors.calendar import defence_deadline_for
from certification.states import HOLDING_REGISTRATION
from certification.workflow import (
    CITY,
    ENTERPRISE,
    TRANSITIONS,
    TransitionError,
    allow,
    ensure_role,
    lock_filing,
    move_many,
    notify_after_commit,
    record,
    today_or,
    transition_context,
)
from smeportal.display import Message, source_text
from smeportal.history import history_reason
from smeportal.uploads import check_upload

RevocationState = Revocation.State


def _lock_registration(registration_id: int) -> Registration:
    registration = Registration.objects.select_for_update(of=("self",)).filter(pk=registration_id).first()
    if registration is None:
        raise Http404
    return registration


def _lock_revocation(revocation_id: int) -> tuple[Revocation, Registration]:
    registration_id = Revocation.objects.filter(pk=revocation_id).values_list("registration_id", flat=True).first()
    if registration_id is None:
        raise Http404
    registration = _lock_registration(registration_id)
    revocation = Revocation.objects.select_for_update(of=("self",)).get(pk=revocation_id)
    return revocation, registration


@transaction.atomic
@history_reason(gettext_lazy("启动撤销程序"))
def revocation_notice(
    *, actor, registration_id: int, grounds: str, reason: str, today: dt.date | None = None
) -> Revocation:
    """Start the procedure (city officials): tell the enterprise the grounds and its defence deadline."""
    registration = _lock_registration(registration_id)
    application = lock_filing(registration.application_id)
    ensure_role(actor, application, (CITY,))
    return notice_locked(
        actor=actor, registration=registration, application=application, grounds=grounds, reason=reason, today=today
    )


def notice_locked(
    *, actor, registration: Registration, application, grounds: str, reason: str, today: dt.date | None = None
) -> Revocation:
    """The notice itself, on a registration and its filing the caller has locked (in that order) after
    checking the actor may start it: :func:`revocation_notice` for city officials, a failed spot check
    (:mod:`certification.services.spot_check`) for the district that checked."""
    if registration.revoked_at is not None or application.state not in HOLDING_REGISTRATION:
        raise TransitionError(_("该入库登记已被撤销，不能再启动撤销程序。"))
    if registration.revocations.filter(state__in=Revocation.OPEN_STATES).exists():
        raise TransitionError(_("该入库登记已有进行中的撤销程序。"))
    errors = {}
    if grounds not in Registration.Grounds.values:
        errors["grounds"] = [_("请选择撤销事由。")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写告知的事实和理由。")]
    if errors:
        raise ValidationError(errors)
    day = today_or(today)
    revocation = Revocation(
        registration=registration,
        grounds=grounds,
        reason=reason,
        noticed_at=timezone.now(),
        defence_deadline=defence_deadline_for(day),
        created_by=actor,
        updated_by=actor,
    )
    try:
        with transaction.atomic():
            revocation.save()
    except IntegrityError as exc:  # the partial unique constraint, should a lock ever be bypassed
        raise TransitionError(_("该入库登记已有进行中的撤销程序。")) from exc
    notify_after_commit(
        application.pk,
        Message(
            gettext_noop(
                "拟撤销您的企业入库登记（编号{number}），事由：{grounds}。{reason} "
                "如有异议，请于{deadline}前（含当日）在申报详情页提交书面申辩。"
            ),
            number=registration.number,
            grounds=Message(Registration.Grounds(grounds).label),
            reason=reason,
            deadline=revocation.defence_deadline.isoformat(),
        ),
    )
    return revocation


@transaction.atomic
@history_reason(gettext_lazy("提交书面申辩"))
def revocation_defend(
    *, actor, revocation_id: int, text: str, attachment=None, today: dt.date | None = None
) -> Revocation:
    """The enterprise's written defence (its own users only), until the deadline day inclusive."""
    revocation, registration = _lock_revocation(revocation_id)
    application = lock_filing(registration.application_id)
    ensure_role(actor, application, (ENTERPRISE,))
    if revocation.state != RevocationState.NOTICED:
        raise TransitionError(_("该撤销程序已不接受申辩。"))
    if today_or(today) > revocation.defence_deadline:
        raise TransitionError(
            _("申辩期限已于{deadline}届满，不能再提交申辩。").format(deadline=revocation.defence_deadline.isoformat())
        )
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = [_("请填写书面申辩。")]
    if attachment is not None:
        try:
            check_upload(attachment)
        except ValidationError as problem:
            errors["attachment"] = problem.messages
    if errors:
        raise ValidationError(errors)
    revocation.defence = text
    revocation.defence_submitted_at = timezone.now()
    revocation.defended_by = actor
    revocation.state = RevocationState.DEFENDED
    revocation.updated_by = actor
    if attachment is not None:
        revocation.defence_attachment_name = (getattr(attachment, "name", "") or "")[-200:]
        revocation.defence_attachment = attachment
    revocation.save()
    return revocation


def _revoke(registration: Registration, application, *, actor, grounds: str, finding: str, now: dt.datetime) -> None:
    """The finding's revocation: the registration's revocation fields, the filing to revoked (one event,
    through the workflow table) and the enterprise told after commit. Rows locked by the caller."""
    allow(application, "revoke", actor)
    registration.revoked_at = now
    registration.revocation_grounds = grounds
    registration.revocation_reason = finding
    registration.updated_by = actor
    with transition_context("revoke", actor):
        registration.save(
            update_fields=["revoked_at", "revocation_grounds", "revocation_reason", "updated_by", "updated_at"]
        )
    # Stored for the enterprise to read: in the portal's language, whatever the official's.
    comment = f"{source_text(Registration.Grounds(grounds).label)}：{finding}"
    record([application], "revoke", actor, comment=comment)
    notify_after_commit(
        application.pk,
        Message(
            gettext_noop("您的企业入库登记（编号{number}）已被撤销。{grounds}：{finding}"),
            number=registration.number,
            grounds=Message(Registration.Grounds(grounds).label),
            finding=finding,
        ),
    )


def _end_barred_filings(enterprise_id: int, actor) -> None:
    """Reject the enterprise's filings the revocation just made barred that are still on their way to a
    registration (rows locked), each with the ban's reason, stored in the portal's language."""
    filings = list(
        Application.objects.select_for_update(of=("self",))
        .filter(enterprise_id=enterprise_id, state__in=TRANSITIONS["bar"].sources)
        .order_by("pk")
    )
    with translation.override(settings.LANGUAGE_CODE):
        refusals = ban_refusals(filings)
    barred = [filing for filing in filings if filing.pk in refusals]
    for filing in barred:
        filing.decision_reason = refusals[filing.pk]
    move_many(barred, "bar", actor, comment=lambda filing: filing.decision_reason, update_fields=["decision_reason"])
    for filing in barred:
        notify_after_commit(
            filing.pk, Message(gettext_noop("您的申报未通过评价。理由：{reason}"), reason=filing.decision_reason)
        )


@transaction.atomic
@history_reason(gettext_lazy("撤销程序决定"))
def revocation_decide(
    *, actor, revocation_id: int, revoke: bool, finding: str, today: dt.date | None = None
) -> Revocation:
    """The finding (city officials): revoke (and announce) or dismiss (the registration stays valid)."""
    revocation, registration = _lock_revocation(revocation_id)
    application = lock_filing(registration.application_id)
    ensure_role(actor, application, (CITY,))
    if not revocation.is_open:
        raise TransitionError(_("该撤销程序已作出决定。"))
    if not revocation.decidable_on(today_or(today)):
        raise TransitionError(
            _("企业尚未申辩，申辩期限{deadline}届满前不能作出决定。").format(
                deadline=revocation.defence_deadline.isoformat()
            )
        )
    finding = (finding or "").strip()
    if not finding:
        raise ValidationError({"finding": [_("请填写认定意见。")]})
    now = timezone.now()
    if revoke:
        _revoke(registration, application, actor=actor, grounds=revocation.grounds, finding=finding, now=now)
        _end_barred_filings(registration.enterprise_id, actor)
        revocation.state = RevocationState.REVOKED
        revocation.announced_at = now
    else:
        revocation.state = RevocationState.DISMISSED
        notify_after_commit(
            application.pk,
            Message(
                gettext_noop("经审查，决定不予撤销您的企业入库登记（编号{number}）。{finding}"),
                number=registration.number,
                finding=finding,
            ),
        )
    revocation.finding = finding
    revocation.decided_by = actor
    revocation.decided_at = now
    revocation.updated_by = actor
    revocation.save(
        update_fields=["state", "announced_at", "finding", "decided_by", "decided_at", "updated_by", "updated_at"]
    )
    return revocation
