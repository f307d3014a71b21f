"""The district's review of a filing (RULES.md §3): return for correction, on-site check, recommend,
reject, and the city's rejection of a recommended filing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.models import (
    DECLARED_FIELDS,
    Application,
    Registration,
)
from certification.states import WAITING_FOR_REVIEW, FilingState
from certification.workflow import (
    TransitionError,
    _lock,
    _move,
    _notify,
    _require_city,
    _require_district_reviewer,
    _today,
    _years_before,
)
from smeportal.text import join_list

REVOCATION_LOOKBACK_YEARS = 3  # on-site check when a registration was revoked within this many years


# On-site check reasons (RULES.md §3).
ON_SITE_SMALL_STAFF = "small_staff"


ON_SITE_HIGH_TECH_SHARE = "high_tech_staff_share"


ON_SITE_FIRST_TIME = "first_time_applicant"


ON_SITE_REVOKED_RECENTLY = "revoked_recently"


@transaction.atomic
def application_return(
    *, application_id: int, actor, comment: str = "", field_comments: Mapping[str, str] | None = None
) -> Application:
    application = _lock(application_id)
    _require_district_reviewer(actor, application)
    if application.state not in WAITING_FOR_REVIEW:
        raise TransitionError(_("只有审核中的申报可以退回修改。"))
    field_comments = {name: str(text).strip() for name, text in (field_comments or {}).items() if str(text).strip()}
    unknown = sorted(set(field_comments) - set(DECLARED_FIELDS))
    if unknown:
        raise ValidationError({"field_comments": [_("未知的申报项目：{names}").format(names="、".join(unknown))]})
    if not comment.strip() and not field_comments:
        raise ValidationError({"comment": [_("退回修改须填写意见。")]})
    _move(application, actor, FilingState.RETURNED, comment=comment.strip(), field_comments=field_comments)
    _notify(application.pk, _("您的申报已被退回修改，请根据审核意见修改后重新提交。"))
    return application


@transaction.atomic
def application_require_on_site_check(*, application_id: int, actor, comment: str = "") -> Application:
    application = _lock(application_id)
    _require_district_reviewer(actor, application)
    if application.state != FilingState.SUBMITTED:
        raise TransitionError(_("只有已提交的申报可以安排现场核查。"))
    _move(application, actor, FilingState.ON_SITE_CHECK, comment=comment)
    _notify(application.pk, _("评价机构将对您的企业进行现场核查。"))
    return application


@transaction.atomic
def application_record_on_site_check(
    *, application_id: int, actor, passed: bool, note: str, checked_on: dt.date | None = None
) -> Application:
    """Record the result; the filing stays in on-site check (event from and to it) until a decision."""
    application = _lock(application_id)
    _require_district_reviewer(actor, application)
    if application.state != FilingState.ON_SITE_CHECK:
        raise TransitionError(_("只有现场核查中的申报可以登记核查结果。"))
    if not note.strip():
        raise ValidationError({"note": [_("请填写现场核查记录。")]})
    application.on_site_checked_on = _today(checked_on)
    application.on_site_check_passed = bool(passed)
    application.on_site_check_note = note.strip()
    _move(
        application,
        actor,
        FilingState.ON_SITE_CHECK,
        comment=note.strip(),
        update_fields=["on_site_checked_on", "on_site_check_passed", "on_site_check_note"],
    )
    return application


def on_site_check_reasons(application: Application, *, today: dt.date | None = None) -> list[str]:
    """Why RULES.md §3 requires an on-site check before recommendation (empty: not required)."""
    reasons = []
    total, tech = application.total_staff, application.tech_staff
    if total is not None and total <= 5:
        reasons.append(ON_SITE_SMALL_STAFF)
    if total is not None and tech is not None and total >= 50 and tech * 10 >= total * 9:
        reasons.append(ON_SITE_HIGH_TECH_SHARE)
    if application.first_time_applicant:
        reasons.append(ON_SITE_FIRST_TIME)
    since = _years_before(_today(today), REVOCATION_LOOKBACK_YEARS)
    if Registration.objects.filter(
        enterprise_id=application.enterprise_id, revoked_at__isnull=False, revoked_at__date__gte=since
    ).exists():
        reasons.append(ON_SITE_REVOKED_RECENTLY)
    return reasons


ON_SITE_LABELS = {
    ON_SITE_SMALL_STAFF: gettext_lazy("职工总数不超过5人"),
    ON_SITE_HIGH_TECH_SHARE: gettext_lazy("职工总数50人以上且科技人员占比不低于90%"),
    ON_SITE_FIRST_TIME: gettext_lazy("首次申报"),
    ON_SITE_REVOKED_RECENTLY: gettext_lazy("近3年内曾被撤销入库登记"),
}


@transaction.atomic
def application_recommend(
    *, application_id: int, actor, comment: str = "", today: dt.date | None = None
) -> Application:
    application = _lock(application_id)
    _require_district_reviewer(actor, application)
    if application.state not in WAITING_FOR_REVIEW:
        raise TransitionError(_("只有审核中的申报可以推荐。"))
    checked = application.state == FilingState.ON_SITE_CHECK and application.on_site_checked_on is not None
    if checked and not application.on_site_check_passed:
        raise TransitionError(_("现场核查未通过，不能推荐。"))
    reasons = on_site_check_reasons(application, today=today)
    if reasons and not checked:
        raise TransitionError(
            _("该申报须先完成现场核查方可推荐（{reasons}）。").format(
                reasons=join_list(ON_SITE_LABELS[r] for r in reasons)
            )
        )
    if application.state == FilingState.ON_SITE_CHECK and not checked:
        raise TransitionError(_("请先登记现场核查结果。"))
    _move(application, actor, FilingState.RECOMMENDED, comment=comment)
    _notify(application.pk, _("您的申报已通过评价机构审核并推荐公示。"))
    return application


@transaction.atomic
def application_reject(*, application_id: int, actor, reason: str) -> Application:
    """Reject at the district review (under review or returned) or at the city review (recommended)."""
    application = _lock(application_id)
    if application.state == FilingState.RECOMMENDED:
        _require_city(actor, application)
    else:
        _require_district_reviewer(actor, application)
        if application.state not in (*WAITING_FOR_REVIEW, FilingState.RETURNED):
            raise TransitionError(_("该申报当前状态不能作出不予通过的决定。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写不予通过的理由。")]})
    application.decision_reason = reason
    _move(application, actor, FilingState.REJECTED, comment=reason, update_fields=["decision_reason"])
    _notify(application.pk, _("您的申报未通过评价。理由：{reason}").format(reason=reason))
    return application
