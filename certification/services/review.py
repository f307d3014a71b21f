"""The district's review of a filing (RULES.md §3): return for correction, on-site check, recommend,
reject, and the city's rejection of a recommended filing.

Each service locks the filing, takes its transition through the workflow table
(:mod:`certification.workflow`: scope and role, state, guards) and tells the enterprise after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from certification.models import DECLARED_FIELDS, Application
from certification.states import FilingState
from certification.workflow import (
    allow,
    checked_comment,
    lock_filing,
    move,
    notify_after_commit,
    record,
    today_or,
)
from smeportal.display import Message
from smeportal.text import join_list


@transaction.atomic
def application_return(
    *, application_id: int, actor, comment: str = "", field_comments: Mapping[str, str] | None = None
) -> Application:
    application = lock_filing(application_id)
    allow(application, "return", actor)
    field_comments = {name: str(text).strip() for name, text in (field_comments or {}).items() if str(text).strip()}
    unknown = sorted(set(field_comments) - set(DECLARED_FIELDS))
    if unknown:
        raise ValidationError({"field_comments": [_("未知的申报项目：{names}").format(names=join_list(unknown))]})
    if not comment.strip() and not field_comments:
        raise ValidationError({"comment": [_("退回修改须填写意见。")]})
    record([application], "return", actor, comment=checked_comment(comment.strip()), field_comments=field_comments)
    notify_after_commit(application.pk, Message(gettext_noop("您的申报已被退回修改，请根据审核意见修改后重新提交。")))
    return application


# The result of an on-site check; a new check starts without the result of an earlier one.
ON_SITE_RESULT_FIELDS = ("on_site_checked_on", "on_site_check_passed", "on_site_check_note")


@transaction.atomic
def application_require_on_site_check(*, application_id: int, actor, comment: str = "") -> Application:
    """Arrange an on-site check. The result of an earlier round (a check of the filing before it was
    returned and resubmitted) is cleared, so the recommendation waits for this check's result; the
    change history and the timeline keep the earlier one."""
    application = lock_filing(application_id)
    application.on_site_checked_on = None
    application.on_site_check_passed = None
    application.on_site_check_note = ""
    move(
        application,
        "require_on_site_check",
        actor,
        comment=checked_comment(comment),
        update_fields=ON_SITE_RESULT_FIELDS,
    )
    notify_after_commit(application.pk, Message(gettext_noop("评价机构将对您的企业进行现场核查。")))
    return application


@transaction.atomic
def application_record_on_site_check(
    *,
    application_id: int,
    actor,
    passed: bool,
    note: str,
    checked_on: dt.date | None = None,
    today: dt.date | None = None,
) -> Application:
    """Record the result; the filing stays in on-site check (event from and to it) until a decision.

    The check took place (``checked_on``, default today) on or before today and not before the filing's
    latest submission: a check of the figures as they were before a return does not count."""
    application = lock_filing(application_id)
    allow(application, "record_on_site_check", actor)
    errors = {}
    today = today_or(today)
    checked_on = checked_on or today
    submitted_on = application.last_submitted_on or application.submitted_on
    if checked_on > today:
        errors["checked_on"] = [_("核查日期不能晚于今天（{today}）。").format(today=today)]
    elif submitted_on and checked_on < submitted_on:
        errors["checked_on"] = [_("核查日期不能早于本次提交日期（{day}）。").format(day=submitted_on)]
    if not note.strip():
        errors["note"] = [_("请填写现场核查记录。")]
    if errors:
        raise ValidationError(errors)
    checked_comment(note.strip(), "note")
    application.on_site_checked_on = checked_on
    application.on_site_check_passed = bool(passed)
    application.on_site_check_note = note.strip()
    record(
        [application],
        "record_on_site_check",
        actor,
        comment=note.strip(),
        update_fields=ON_SITE_RESULT_FIELDS,
    )
    return application


@transaction.atomic
def application_recommend(
    *, application_id: int, actor, comment: str = "", today: dt.date | None = None
) -> Application:
    application = lock_filing(application_id)
    move(application, "recommend", actor, today=today, comment=checked_comment(comment))
    notify_after_commit(application.pk, Message(gettext_noop("您的申报已通过评价机构审核并推荐公示。")))
    return application


@transaction.atomic
def application_reject(*, application_id: int, actor, reason: str) -> Application:
    """Reject at the district review (under review or returned) or at the city review (recommended)."""
    application = lock_filing(application_id)
    transition = "reject_recommended" if application.state == FilingState.RECOMMENDED else "reject"
    allow(application, transition, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写不予通过的理由。")]})
    checked_comment(reason, "reason")
    application.decision_reason = reason
    record([application], transition, actor, comment=reason, update_fields=["decision_reason"])
    notify_after_commit(application.pk, Message(gettext_noop("您的申报未通过评价。理由：{reason}"), reason=reason))
    return application
