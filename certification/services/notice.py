"""Public notice (公示) of recommended filings and the objections to them (RULES.md §3); the calendar's
overrides are in :mod:`certification.services.calendar`. Same conventions as the other services:
keyword-only, one transaction, rows locked, roles checked, one event per filing moved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from certification.models import (
    Application,
    NoticeBatch,
    Objection,
)
from certification.selectors.calendar import NOTICE_START_RANGE, notice_end_for
from certification.selectors.campaign import campaigns_for
from certification.selectors.notice import PUBLIC_NOTICE_ORDER
from certification.states import FilingState
from certification.workflow import (
    TransitionError,
    ensure_city,
    lock_filing,
    move,
    move_many,
    notify_after_commit,
    today_or,
)
from enterprises.roles import has_confirmed_enterprise, is_official
from smeportal.display import Message, source_text
from smeportal.text import join_list
from smeportal.uploads import check_upload


def validate_notice_start(start_date: dt.date) -> None:
    """A notice starts on a day the calendar can count 10 working days from (:data:`NOTICE_START_RANGE`):
    ValidationError on ``start_date`` otherwise. The batch form and its end-date preview ask it too."""
    first, last = NOTICE_START_RANGE
    if not first <= start_date <= last:
        raise ValidationError({"start_date": [_("公示开始日期须在{start}至{end}之间。").format(start=first, end=last)]})


@transaction.atomic
def notice_batch_create(
    *,
    actor,
    title: str,
    start_date: dt.date,
    application_ids: Iterable[int],
    today: dt.date | None = None,
) -> NoticeBatch:
    """Put recommended filings under public notice for 10 working days on the official calendar.

    A notice starts today or later (a backdated notice would have ended before anyone could object), and
    ends by the date the campaign of each filing's year sets for notices (RULES.md §3)."""
    ensure_city(actor)
    ids = sorted(set(application_ids))
    if not ids:
        raise ValidationError({"application_ids": [_("请选择要公示的申报。")]})
    if not title.strip():
        raise ValidationError({"title": [_("请填写公示标题。")]})
    validate_notice_start(start_date)
    today = today_or(today)
    if start_date < today:
        raise ValidationError({"start_date": [_("公示开始日期不能早于今天（{today}）。").format(today=today)]})
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .filter(pk__in=ids)
        .order_by(*PUBLIC_NOTICE_ORDER)
    )
    if len(applications) != len(ids):
        raise Http404
    wrong = [a for a in applications if a.state != FilingState.RECOMMENDED]
    if wrong:
        raise TransitionError(
            _("只有已推荐的申报可以公示：{names}").format(names=join_list(a.enterprise.name for a in wrong))
        )
    end_date = notice_end_for(start_date)
    campaigns = campaigns_for({application.evaluation_year for application in applications})
    late = sorted({year for year, campaign in campaigns.items() if end_date > campaign.notices_end_by})
    if late:
        raise TransitionError(
            _("公示将于{end}结束，晚于{year}年度公示须完成的日期{limit}。").format(
                end=end_date, year=late[0], limit=campaigns[late[0]].notices_end_by
            )
        )
    batch = NoticeBatch.objects.create(
        title=title.strip(),
        start_date=start_date,
        end_date=end_date,
        created_by=actor,
        updated_by=actor,
    )
    for position, application in enumerate(applications, start=1):
        application.notice_batch = batch
        application.notice_position = position
    move_many(applications, "publish", actor, comment=batch.title, update_fields=["notice_batch", "notice_position"])
    message = Message(
        gettext_noop("您的申报已进入公示，公示期{start}至{end}。"), start=batch.start_date, end=batch.end_date
    )
    for application in applications:
        notify_after_commit(application.pk, message)
    return batch


@transaction.atomic
def objection_file(
    *,
    actor,
    application_id: int,
    real_name: str,
    contact: str,
    statement: str,
    evidence=None,
    today: dt.date | None = None,
) -> Objection:
    """A real-name objection with evidence, during the window of the filing's batch, by an official or a
    verified account of a confirmed enterprise. Each account files at most
    ``settings.OBJECTIONS_PER_ACCOUNT_AND_FILING`` objections on a filing, and all its evidence together
    stays within ``settings.OBJECTION_EVIDENCE_BUDGET_BYTES``: an open objection holds a registration, so
    an objection must cost the objector something to file."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请登录后提出异议。"))
    if not (is_official(actor) or has_confirmed_enterprise(actor)):
        raise PermissionDenied(_("只有通过验证的账号可以提出异议。"))
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("notice_batch")
        .filter(pk=application_id, state=FilingState.UNDER_NOTICE, notice_batch__published=True)
        .first()
    )
    if application is None:
        raise Http404
    if not application.notice_batch.is_open_on(today_or(today)):
        raise TransitionError(_("不在公示期内，不能提出异议。"))
    filed = Objection.objects.filter(objector=actor)
    limit = settings.OBJECTIONS_PER_ACCOUNT_AND_FILING
    if filed.filter(application=application).count() >= limit:
        raise TransitionError(_("同一账号对同一申报最多提出{limit}次异议。").format(limit=limit))
    errors = {}
    if not (real_name or "").strip():
        errors["real_name"] = [_("异议须署真实姓名。")]
    if not (statement or "").strip():
        errors["statement"] = [_("请填写异议内容。")]
    if not (contact or "").strip():
        errors["contact"] = [_("请填写联系方式。")]
    if evidence is None:
        errors["evidence"] = [_("异议须附证明材料。")]
    else:
        try:
            check_upload(evidence)
        except ValidationError as problem:
            errors["evidence"] = problem.messages
        else:
            used = filed.aggregate(total=Sum("evidence_size"))["total"] or 0
            budget = settings.OBJECTION_EVIDENCE_BUDGET_BYTES
            if used + evidence.size > budget:
                errors["evidence"] = [_("您提交的证明材料已达{budget}的上限。").format(budget=filesizeformat(budget))]
    if errors:
        raise ValidationError(errors)
    objection = Objection(
        application=application,
        batch=application.notice_batch,
        objector=actor,
        real_name=real_name.strip(),
        contact=contact.strip(),
        statement=statement.strip(),
        created_by=actor,
        updated_by=actor,
    )
    objection.evidence = evidence
    objection.evidence_size = evidence.size
    objection.save()
    return objection


@transaction.atomic
def objection_decide(*, actor, objection_id: int, upheld: bool, note: str) -> Objection:
    """Decide an open objection; an upheld one rejects the filing (it will not be registered)."""
    ensure_city(actor)
    objection = Objection.objects.select_for_update(of=("self",)).filter(pk=objection_id).first()
    if objection is None:
        raise Http404
    if objection.status != Objection.Status.OPEN:
        raise TransitionError(_("该异议已处理。"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("请填写处理意见。")]})
    application = lock_filing(objection.application_id)
    objection.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    objection.decided_by = actor
    objection.decided_at = timezone.now()
    objection.decision_note = note
    objection.updated_by = actor
    objection.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_by", "updated_at"])
    if upheld and application.state == FilingState.UNDER_NOTICE:
        message = Message(gettext_noop("公示异议成立：{note}"), note=note)
        # Stored in the portal's language, not the official's: the enterprise reads it (README "Display conventions").
        reason = source_text(message)
        application.decision_reason = reason
        move(application, "uphold_objection", actor, comment=reason, update_fields=["decision_reason"])
        notify_after_commit(application.pk, message)
    return objection
