"""The filing workflow: every write that carries a business rule (RULES.md §3).

Each function is keyword-only, runs in one transaction, locks the rows it changes
(``select_for_update``), checks the actor's role, refuses a wrong state with
:class:`TransitionError` and writes one :class:`ApplicationEvent` per filing it moves.

Permissions: a record outside the actor's scope raises ``Http404`` (its existence does not leak);
a record inside the scope but an action the role may not take raises ``PermissionDenied``.
Bad input (an empty reason, an unknown field) raises ``ValidationError``.

Decisions documented here:
- A first-time applicant is an enterprise with no submitted filing of an earlier year.
- Revoked in calendar year Y: no filing for evaluation year Y; revoked for fraud: none for Y to
  Y + 3 (``FRAUD_BAN_YEARS``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from enterprises.models import District
from enterprises.roles import is_city_official, member_enterprise_id, official_district_id
from smeportal.text import join_list

from . import rules
from .models import (
    DECLARED_COUNT_FIELDS,
    DECLARED_FIELDS,
    DECLARED_FLAG_FIELDS,
    DECLARED_NUMBER_FIELDS,
    EVIDENCE_FIELDS,
    FINANCE_COMPONENT_FIELDS,
    QUARTER_KEYS,
    REVIEW_WAITING_STATES,
    Application,
    ApplicationEvent,
    Registration,
)
from .notifications import notify_enterprise

State = Application.State

FRAUD_BAN_YEARS = 3
REVOCATION_LOOKBACK_YEARS = 3  # on-site check when a registration was revoked within this many years
EDITABLE_STATES = (State.DRAFT, State.RETURNED)
UNDER_REVIEW = REVIEW_WAITING_STATES  # submitted or under on-site check: the district's review queue
DRAFT_FIELDS = (*DECLARED_FIELDS, *FINANCE_COMPONENT_FIELDS, "staff_quarters", *EVIDENCE_FIELDS)

# On-site check reasons (RULES.md §3).
ON_SITE_SMALL_STAFF = "small_staff"
ON_SITE_HIGH_TECH_SHARE = "high_tech_staff_share"
ON_SITE_FIRST_TIME = "first_time_applicant"
ON_SITE_REVOKED_RECENTLY = "revoked_recently"


class TransitionError(Exception):
    """A transition the filing's current state (or the calendar) does not allow; the message is for users."""

    def __init__(self, message: str, *, reasons: Iterable[rules.Reason] = (), gap: Iterable[rules.Gap] = ()):
        super().__init__(message)
        self.message = message
        self.reasons = list(reasons)
        self.gap = list(gap)


# --- Permissions --------------------------------------------------------------------------------


def _in_scope(actor, application: Application) -> bool:
    if is_city_official(actor):
        return True
    district_id = official_district_id(actor)
    if district_id is not None and district_id == application.enterprise.managing_district_id:
        return True
    enterprise_id = member_enterprise_id(actor)
    return enterprise_id is not None and enterprise_id == application.enterprise_id


def _deny(actor, application: Application):
    if _in_scope(actor, application):
        raise PermissionDenied(_("您无权执行此操作。"))
    raise Http404


def _require_enterprise_user(actor, application: Application) -> None:
    enterprise_id = member_enterprise_id(actor)
    if enterprise_id is None or enterprise_id != application.enterprise_id:
        _deny(actor, application)


def _require_district_reviewer(actor, application: Application) -> None:
    """A district official of the enterprise's managing district, or a city official."""
    if is_city_official(actor):
        return
    district_id = official_district_id(actor)
    if district_id is None or district_id != application.enterprise.managing_district_id:
        _deny(actor, application)


def _require_city(actor, application: Application | None = None) -> None:
    if is_city_official(actor):
        return
    if application is None:
        raise PermissionDenied(_("只有市级管理人员可以执行此操作。"))
    _deny(actor, application)


# --- Helpers ------------------------------------------------------------------------------------


def _lock(application_id: int) -> Application:
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Http404
    return application


def _move(
    application: Application,
    actor,
    to_state: str,
    *,
    comment: str = "",
    field_comments: Mapping[str, str] | None = None,
    update_fields: Iterable[str] = (),
) -> ApplicationEvent:
    previous = application.state
    application.state = to_state
    application.updated_by = actor if getattr(actor, "pk", None) else None
    application.save(update_fields=["state", "updated_at", "updated_by", *update_fields])
    return ApplicationEvent.objects.create(
        application=application,
        actor=application.updated_by,
        from_state=previous,
        to_state=to_state,
        comment=comment,
        field_comments=dict(field_comments or {}),
    )


def _notify(application_id: int, message: str) -> None:
    transaction.on_commit(partial(notify_enterprise, application_id, str(message)))


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _ensure_may_apply(enterprise_id: int, evaluation_year: int) -> None:
    revoked = Registration.objects.filter(enterprise_id=enterprise_id, revoked_at__isnull=False)
    if revoked.filter(revoked_at__year=evaluation_year).exists():
        raise TransitionError(_("该企业本年度已被撤销入库登记，当年不得再次申报。"))
    if revoked.filter(
        revocation_grounds=Registration.Grounds.FRAUD, revoked_at__year__gte=evaluation_year - FRAUD_BAN_YEARS
    ).exists():
        raise TransitionError(_("该企业因弄虚作假被撤销入库登记，{years}年内不得申报。").format(years=FRAUD_BAN_YEARS))


def _validate_declared(application: Application) -> None:
    paths = application.direct_paths
    if not isinstance(paths, list) or not all(isinstance(p, str) and p in rules.DIRECT_PATHS for p in paths):
        raise ValidationError({"direct_paths": [_("直接确认条件不正确。")]})
    application.direct_paths = sorted(set(paths))
    application.full_clean(
        exclude=["enterprise", "created_by", "updated_by", "evaluating_district", "notice_batch", "snapshot"],
        validate_unique=False,
    )


def _evaluation_dict(evaluation: rules.Evaluation) -> dict:
    return {
        "eligible": evaluation.eligible,
        "path": evaluation.path,
        "total_score": evaluation.total_score,
        "scores": {
            "tech_staff": evaluation.scores.tech_staff,
            "rd": evaluation.scores.rd,
            "rd_by_sales": evaluation.scores.rd_by_sales,
            "rd_by_costs": evaluation.scores.rd_by_costs,
            "ip": evaluation.scores.ip,
        },
        "reasons": [{"code": r.code, "message": r.message} for r in evaluation.reasons],
        "gap": [
            {"code": g.code, "message": g.message, "amount": None if g.amount is None else str(g.amount)}
            for g in evaluation.gap
        ],
    }


def _declared_dict(application: Application) -> dict:
    data: dict = {"evaluation_year": application.evaluation_year}
    data.update({name: str(getattr(application, name)) for name in DECLARED_NUMBER_FIELDS})
    data.update({name: getattr(application, name) for name in DECLARED_COUNT_FIELDS})
    data.update({name: getattr(application, name) for name in DECLARED_FLAG_FIELDS})
    data["direct_paths"] = sorted(application.direct_paths or [])
    return data


DIRECT_PATH_EVIDENCE = "direct_path_evidence"


def evaluate_application(application: Application, *, on: dt.date) -> rules.Evaluation:
    """The engine's result for the declared data on the evaluation date ``on``.

    A claimed direct path whose evidence fails on that date (e.g. an expired high-tech certificate)
    is not counted; the reasons then start with one ``direct_path_evidence`` message per such path.
    """
    evaluation = rules.evaluate(application.declaration(on=on), gettext=gettext)
    problems = application.direct_path_problems(on=on)
    if not problems:
        return evaluation
    notes = [rules.Reason(DIRECT_PATH_EVIDENCE, message) for message in problems.values()]
    return dataclasses.replace(evaluation, reasons=[*notes, *evaluation.reasons])


def _details_dict(application: Application) -> dict:
    """Components, quarters, evidence, IP items, R&D projects and the attachment list, for the snapshot."""
    data = {name: getattr(application, name) for name in (*FINANCE_COMPONENT_FIELDS, *EVIDENCE_FIELDS)}
    data["staff_quarters"] = list(application.staff_quarters or [])
    if application.pk is None:  # not saved yet (bulk seeding): it has no items, projects or attachments
        return {**data, "ip_items": [], "rd_projects": [], "attachments": []}
    data["ip_items"] = list(
        application.ip_items.order_by("id").values(
            "id",
            "kind",
            "number",
            "title",
            "granted_on",
            "in_force",
            "related_to_main_products",
            "held_by_enterprise",
            "disputed",
        )
    )
    data["rd_projects"] = list(
        application.rd_projects.order_by("id").values(
            "id", "name", "started_on", "ended_on", "budget", "expense_last_year"
        )
    )
    data["attachments"] = list(
        application.attachments.order_by("id").values("id", "kind", "original_name", "size", "uploaded_at")
    )
    return data


def _clean_quarters(value) -> list[dict]:
    """Four quarters of non-negative numbers (kept as strings); blank values allowed while drafting."""
    if value in (None, ""):
        return []
    error = ValidationError({"staff_quarters": [_("分季度人数格式不正确：须为四个季度的期初、期末人数。")]})
    if not isinstance(value, (list, tuple)) or len(value) not in (0, 4):
        raise error
    cleaned = []
    for quarter in value:
        if not isinstance(quarter, Mapping) or set(quarter) - set(QUARTER_KEYS):
            raise error
        row = {}
        for key in QUARTER_KEYS:
            raw = quarter.get(key)
            if raw in (None, ""):
                row[key] = None
                continue
            try:
                number = Decimal(str(raw))
            except InvalidOperation as exc:
                raise error from exc
            if not number.is_finite() or number < 0:
                raise error
            row[key] = str(number)
        cleaned.append(row)
    if all(v is None for row in cleaned for v in row.values()):
        return []
    return cleaned


def _check_direct_path_evidence(application: Application) -> None:
    """Refuse claiming a direct path without its evidence (expiry is judged on the evaluation date)."""
    problems = application.direct_path_problems(on=dt.date.min)
    if problems:
        raise ValidationError({"direct_paths": list(problems.values())})


def _evaluate_and_freeze(application: Application, today: dt.date) -> None:
    """Run the engine on the declared data; refuse when not eligible; freeze the snapshot."""
    missing = application.missing_fields()
    if missing:
        labels = join_list(Application._meta.get_field(name).verbose_name for name in missing)
        raise TransitionError(_("以下申报数据尚未填写：{fields}。").format(fields=labels))
    evaluation = evaluate_application(application, on=today)
    if not evaluation.eligible:
        raise TransitionError(
            _("自评未达到科技型中小企业评价条件，不能提交：{reasons}").format(
                reasons="；".join(reason.message for reason in evaluation.reasons)
            ),
            reasons=evaluation.reasons,
            gap=evaluation.gap,
        )
    district = District.objects.get(pk=application.enterprise.managing_district_id)
    application.evaluating_district = district
    application.first_time_applicant = not (
        Application.objects.filter(
            enterprise_id=application.enterprise_id,
            evaluation_year__lt=application.evaluation_year,
            submitted_on__isnull=False,
        ).exists()
    )
    application.snapshot = application_snapshot(application, evaluation=evaluation, district=district, today=today)


def application_snapshot(
    application: Application, *, evaluation: rules.Evaluation, district: District, today: dt.date
) -> dict:
    """The data frozen at submission: declaration, engine result, district, enterprise, details.

    ``first_time_applicant`` must already be set. Used by ``_evaluate_and_freeze`` and by the demo
    seeding (demo.seeding), which builds snapshots of unsaved filings in bulk.
    """
    return {
        "declaration": _declared_dict(application),
        "evaluation": _evaluation_dict(evaluation),
        "ruleset_year": rules.ruleset_for(application.evaluation_year).first_year,
        "first_time_applicant": application.first_time_applicant,
        "evaluating_district": {"id": district.pk, "code": district.code, "name": district.name},
        "enterprise": {
            "credit_code": application.enterprise.credit_code,
            "name": application.enterprise.name,
            "established_on": application.enterprise.established_on.isoformat(),
        },
        "frozen_on": today.isoformat(),
        "details": _details_dict(application),
    }


# --- Enterprise: draft, submit, resubmit, withdraw ----------------------------------------------


@transaction.atomic
def application_save_draft(*, actor, evaluation_year: int, data: Mapping[str, object]) -> Application:
    """Create or update the actor's enterprise's filing for the year (draft or returned only).

    Creating the filing writes an event (→ draft); so does reopening a withdrawn one. Saving the
    figures of an existing draft writes none (drafts are saved at every step of the form).
    ``data`` may also hold the finance components, ``staff_quarters`` and the direct-path evidence;
    the derived figures (totals, staff averages, IP counts from items) are recomputed here.
    """
    enterprise_id = member_enterprise_id(actor)
    if enterprise_id is None:
        raise PermissionDenied(_("只有企业用户可以填写申报。"))
    unknown = sorted(set(data) - set(DRAFT_FIELDS))
    if unknown:
        raise ValidationError({name: [_("未知的申报项目。")] for name in unknown})
    data = dict(data)
    if "staff_quarters" in data:
        data["staff_quarters"] = _clean_quarters(data["staff_quarters"])
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .filter(enterprise_id=enterprise_id, evaluation_year=evaluation_year)
        .first()
    )
    opening_from: str | None = None
    if application is None:
        _ensure_may_apply(enterprise_id, evaluation_year)
        application = Application(enterprise_id=enterprise_id, evaluation_year=evaluation_year, created_by=actor)
        opening_from = ""
    elif application.state == State.WITHDRAWN:
        _ensure_may_apply(enterprise_id, evaluation_year)
        opening_from = State.WITHDRAWN
    elif application.state not in EDITABLE_STATES:
        raise TransitionError(_("只有草稿或退回修改的申报可以修改。"))
    for name, value in data.items():
        setattr(application, name, value)
    application.recompute_derived(ip_items=application.ip_items.all() if application.pk else None)
    if "direct_paths" in data or set(data) & set(EVIDENCE_FIELDS):
        _check_direct_path_evidence(application)
    _validate_declared(application)
    application.updated_by = actor
    if opening_from is not None:
        application.state = State.DRAFT
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        raise TransitionError(_("该年度的申报已存在，请刷新后重试。")) from exc
    if opening_from is not None:
        ApplicationEvent.objects.create(
            application=application, actor=actor, from_state=opening_from, to_state=State.DRAFT
        )
    return application


@transaction.atomic
def application_submit(*, application_id: int, actor, today: dt.date | None = None) -> Application:
    application = _lock(application_id)
    _require_enterprise_user(actor, application)
    if application.state != State.DRAFT:
        raise TransitionError(_("只有草稿状态的申报可以提交。"))
    today = _today(today)
    _evaluate_and_freeze(application, today)
    application.submitted_on = application.submitted_on or today
    _move(
        application,
        actor,
        State.SUBMITTED,
        update_fields=["snapshot", "submitted_on", "first_time_applicant", "evaluating_district", "direct_paths"],
    )
    return application


@transaction.atomic
def application_resubmit(*, application_id: int, actor, comment: str = "", today: dt.date | None = None) -> Application:
    application = _lock(application_id)
    _require_enterprise_user(actor, application)
    if application.state != State.RETURNED:
        raise TransitionError(_("只有退回修改的申报可以重新提交。"))
    _evaluate_and_freeze(application, _today(today))
    _move(
        application,
        actor,
        State.SUBMITTED,
        comment=comment,
        update_fields=["snapshot", "first_time_applicant", "evaluating_district", "direct_paths"],
    )
    return application


@transaction.atomic
def application_withdraw(*, application_id: int, actor, comment: str = "") -> Application:
    application = _lock(application_id)
    _require_enterprise_user(actor, application)
    if application.state not in (State.DRAFT, State.RETURNED, *UNDER_REVIEW):
        raise TransitionError(_("已作出决定的申报不能撤回。"))
    _move(application, actor, State.WITHDRAWN, comment=comment)
    return application


# --- District review ----------------------------------------------------------------------------


@transaction.atomic
def application_return(
    *, application_id: int, actor, comment: str = "", field_comments: Mapping[str, str] | None = None
) -> Application:
    application = _lock(application_id)
    _require_district_reviewer(actor, application)
    if application.state not in UNDER_REVIEW:
        raise TransitionError(_("只有审核中的申报可以退回修改。"))
    field_comments = {name: str(text).strip() for name, text in (field_comments or {}).items() if str(text).strip()}
    unknown = sorted(set(field_comments) - set(DECLARED_FIELDS))
    if unknown:
        raise ValidationError({"field_comments": [_("未知的申报项目：{names}").format(names="、".join(unknown))]})
    if not comment.strip() and not field_comments:
        raise ValidationError({"comment": [_("退回修改须填写意见。")]})
    _move(application, actor, State.RETURNED, comment=comment.strip(), field_comments=field_comments)
    _notify(application.pk, _("您的申报已被退回修改，请根据审核意见修改后重新提交。"))
    return application


@transaction.atomic
def application_require_on_site_check(*, application_id: int, actor, comment: str = "") -> Application:
    application = _lock(application_id)
    _require_district_reviewer(actor, application)
    if application.state != State.SUBMITTED:
        raise TransitionError(_("只有已提交的申报可以安排现场核查。"))
    _move(application, actor, State.ON_SITE_CHECK, comment=comment)
    _notify(application.pk, _("评价机构将对您的企业进行现场核查。"))
    return application


@transaction.atomic
def application_record_on_site_check(
    *, application_id: int, actor, passed: bool, note: str, checked_on: dt.date | None = None
) -> Application:
    """Record the result; the filing stays in on-site check (event from and to it) until a decision."""
    application = _lock(application_id)
    _require_district_reviewer(actor, application)
    if application.state != State.ON_SITE_CHECK:
        raise TransitionError(_("只有现场核查中的申报可以登记核查结果。"))
    if not note.strip():
        raise ValidationError({"note": [_("请填写现场核查记录。")]})
    application.on_site_checked_on = _today(checked_on)
    application.on_site_check_passed = bool(passed)
    application.on_site_check_note = note.strip()
    _move(
        application,
        actor,
        State.ON_SITE_CHECK,
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
    if application.state not in UNDER_REVIEW:
        raise TransitionError(_("只有审核中的申报可以推荐。"))
    checked = application.state == State.ON_SITE_CHECK and application.on_site_checked_on is not None
    if checked and not application.on_site_check_passed:
        raise TransitionError(_("现场核查未通过，不能推荐。"))
    reasons = on_site_check_reasons(application, today=today)
    if reasons and not checked:
        raise TransitionError(
            _("该申报须先完成现场核查方可推荐（{reasons}）。").format(
                reasons=join_list(ON_SITE_LABELS[r] for r in reasons)
            )
        )
    if application.state == State.ON_SITE_CHECK and not checked:
        raise TransitionError(_("请先登记现场核查结果。"))
    _move(application, actor, State.RECOMMENDED, comment=comment)
    _notify(application.pk, _("您的申报已通过评价机构审核并推荐公示。"))
    return application


@transaction.atomic
def application_reject(*, application_id: int, actor, reason: str) -> Application:
    """Reject at the district review (under review or returned) or at the city review (recommended)."""
    application = _lock(application_id)
    if application.state == State.RECOMMENDED:
        _require_city(actor, application)
    else:
        _require_district_reviewer(actor, application)
        if application.state not in (*UNDER_REVIEW, State.RETURNED):
            raise TransitionError(_("该申报当前状态不能作出不予通过的决定。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写不予通过的理由。")]})
    application.decision_reason = reason
    _move(application, actor, State.REJECTED, comment=reason, update_fields=["decision_reason"])
    _notify(application.pk, _("您的申报未通过评价。理由：{reason}").format(reason=reason))
    return application


# --- Public notice and objections ---------------------------------------------------------------
