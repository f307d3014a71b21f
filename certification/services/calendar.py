"""The officials' calendar overrides (RULES.md §3) and the open deadlines they move.

Same conventions as the other services: keyword-only, one transaction, city officials only.

Decisions documented here:
- An override is a fact about the calendar (a holiday the State Council or the city declared), so
  adding or removing one recomputes every deadline still running that the day falls in: the end of
  each notice batch that has not ended (``end_date`` today or later) and the defence deadline of each
  revocation still waiting for its defence (state "noticed", deadline today or later). The dates come
  from the same rules as when they were first set (:mod:`certification.rules.notice`). Ended
  notices, registered filings and defences already submitted are never touched.
- A deadline may move later, or earlier but not into the past: an override that would end a
  running notice or defence period before today is refused with the batch or the enterprise named
  (enter it once that period is over).
- A notice moved past its campaign's ``notices_end_by`` still moves (the 10 working days are the
  rule the campaign's date serves); the official sees a warning naming the batch, and the city's
  officials are told in the same notification.
- Every moved deadline keeps a :class:`~certification.models.DeadlineChange` (old and new date, the
  override, its reason, who and when); after commit the enterprises of the moved filings and
  revocations and the city's officials are told.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from certification.models import Application, CalendarOverride, DeadlineChange, NoticeBatch, Revocation
from certification.selectors.calendar import defence_deadline_for, notice_end_for
from certification.selectors.campaign import campaigns_for
from certification.workflow import TransitionError, ensure_city, notify_after_commit, today_or
from enterprises.notifications import city_officials, tell
from smeportal.display import Message
from smeportal.history import history_reason


@dataclass
class CalendarChange:
    """What an override did: the override, the deadlines it moved, and the notices now ending late."""

    override: CalendarOverride
    changes: list[DeadlineChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写调整理由。")]})
    return reason


@transaction.atomic
@history_reason(gettext_lazy("工作日历调整"))
def calendar_override_add(
    *, actor, date: dt.date, kind: str, reason: str, today: dt.date | None = None
) -> CalendarChange:
    """A city official declares ``date`` a holiday or a working day (one override per date), and the
    open deadlines it falls in move."""
    ensure_city(actor)
    override = CalendarOverride(date=date, kind=kind, reason=_clean_reason(reason), created_by=actor, updated_by=actor)
    override.full_clean()
    override.save()
    return _recompute(actor=actor, override=override, removed=False, reason=override.reason, today=today_or(today))


@transaction.atomic
@history_reason(gettext_lazy("工作日历调整"))
def calendar_override_delete(*, actor, override_id: int, reason: str, today: dt.date | None = None) -> CalendarChange:
    """A city official removes an override (404 when it is gone already); the open deadlines it fell in
    move back."""
    ensure_city(actor)
    override = CalendarOverride.objects.select_for_update().filter(pk=override_id).first()
    if override is None:
        raise Http404
    reason = _clean_reason(reason)
    override.delete()
    return _recompute(actor=actor, override=override, removed=True, reason=reason, today=today_or(today))


def _recompute(*, actor, override: CalendarOverride, removed: bool, reason: str, today: dt.date) -> CalendarChange:
    """Move the running deadlines whose period contains the override's day; the calendar in the
    database already has the override added or removed."""
    result = CalendarChange(override=override)
    record = partial(
        DeadlineChange,
        override_date=override.date,
        override_kind=override.kind,
        override_removed=removed,
        reason=reason,
        created_by=actor,
        updated_by=actor,
    )
    cause = Message(
        gettext_noop("{date}调整为{kind}"),
        date=override.date.isoformat(),
        kind=Message(CalendarOverride.Kind(override.kind).label),
    )
    if removed:
        cause = Message(gettext_noop("撤销{date}的日历调整"), date=override.date.isoformat())
    batches = NoticeBatch.objects.select_for_update().filter(
        start_date__lte=override.date, end_date__gte=max(override.date, today)
    )
    moved_batches = []
    for batch in batches.order_by("start_date", "id"):
        new_end = notice_end_for(batch.start_date)
        if new_end == batch.end_date:
            continue
        if new_end < today:
            raise TransitionError(
                _("此调整将使公示“{title}”于{end}结束，早于今天，不能录入；请在该公示期结束后录入。").format(
                    title=batch.title, end=new_end.isoformat()
                )
            )
        result.changes.append(record(batch=batch, old_date=batch.end_date, new_date=new_end))
        batch.end_date, batch.updated_by = new_end, actor
        batch.save(update_fields=["end_date", "updated_by", "updated_at"])
        moved_batches.append(batch)
    result.warnings = _late_notices(moved_batches)
    revocations = (
        Revocation.objects.select_for_update(of=("self",))
        .select_related("registration__enterprise")
        .filter(
            state=Revocation.State.NOTICED,
            noticed_at__date__lt=override.date,
            defence_deadline__gte=max(override.date, today),
        )
    )
    moved_revocations = []
    for revocation in revocations.order_by("noticed_at", "id"):
        new_deadline = defence_deadline_for(timezone.localtime(revocation.noticed_at).date())
        if new_deadline == revocation.defence_deadline:
            continue
        if new_deadline < today:
            raise TransitionError(
                _(
                    "此调整将使{enterprise}的申辩期限提前至{deadline}，早于今天，不能录入；请在申辩期限届满后录入。"
                ).format(enterprise=revocation.registration.enterprise.name, deadline=new_deadline.isoformat())
            )
        result.changes.append(
            record(revocation=revocation, old_date=revocation.defence_deadline, new_date=new_deadline)
        )
        revocation.defence_deadline, revocation.updated_by = new_deadline, actor
        revocation.save(update_fields=["defence_deadline", "updated_by", "updated_at"])
        moved_revocations.append(revocation)
    DeadlineChange.objects.bulk_create(result.changes)
    _tell(result, moved_batches, moved_revocations, cause=cause, reason=reason)
    return result


def _late_notices(batches: list[NoticeBatch]) -> list[str]:
    """A warning for each moved batch that now ends after a campaign's date for notices."""
    if not batches:
        return []
    years: dict[int, set[int]] = {}
    for batch_id, year in Application.objects.filter(notice_batch__in=batches).values_list(
        "notice_batch_id", "evaluation_year"
    ):
        years.setdefault(batch_id, set()).add(year)
    campaigns = campaigns_for(set().union(*years.values()))
    warnings = []
    for batch in batches:
        late = sorted(year for year in years.get(batch.pk, ()) if batch.end_date > campaigns[year].notices_end_by)
        if late:
            warnings.append(
                _("公示“{title}”将于{end}结束，晚于{year}年度公示须完成的日期{limit}，请与省级主管部门协调。").format(
                    title=batch.title,
                    end=batch.end_date.isoformat(),
                    year=late[0],
                    limit=campaigns[late[0]].notices_end_by.isoformat(),
                )
            )
    return warnings


def _tell(
    result: CalendarChange, batches: list[NoticeBatch], revocations: list[Revocation], *, cause: Message, reason: str
) -> None:
    """After commit: each moved filing's and revocation's enterprise, and the city's officials."""
    if not result.changes:
        return
    old = {(change.batch_id, change.revocation_id): change.old_date for change in result.changes}
    lines = []
    for batch in batches:
        message = Message(
            gettext_noop("因{cause}（{reason}），“{title}”的公示截止日期由{old}调整为{new}。"),
            cause=cause,
            reason=reason,
            title=batch.title,
            old=old[(batch.pk, None)],
            new=batch.end_date,
        )
        lines.append(message)
        for application_id in batch.applications.values_list("pk", flat=True):
            notify_after_commit(application_id, message)
    for revocation in revocations:
        message = Message(
            gettext_noop("因{cause}（{reason}），{enterprise}的书面申辩截止日期由{old}调整为{new}。"),
            cause=cause,
            reason=reason,
            enterprise=revocation.registration.enterprise.name,
            old=old[(None, revocation.pk)],
            new=revocation.defence_deadline,
        )
        lines.append(message)
        notify_after_commit(revocation.registration.application_id, message)
    # One message of every line (the warnings are already text); each line is translated when read.
    parts = [*lines, *result.warnings]
    summary = Message(
        " ".join(f"{{p{n}}}" for n in range(len(parts))), **{f"p{n}": part for n, part in enumerate(parts)}
    )
    transaction.on_commit(
        lambda: tell(
            city_officials(),
            Message(gettext_noop("【工作日历调整】")),
            summary,
            reverse("certification:calendar_overrides"),
        )
    )
