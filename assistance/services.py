"""Writes of the assistance app: each function is keyword-only, permission-checked and one transaction.

Refusals: ``PermissionDenied`` when the actor's role may not do this at all, ``DoesNotExist`` when
the record is outside the actor's scope (views answer 404), ``ValidationError`` with a Chinese
message for invalid data.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Enterprise
from enterprises.roles import is_city_official, member_enterprise_id
from smeportal.history import history_reason, record_rows

from . import newness, rules
from .models import AssistanceAgreement, Department, DepartmentTarget, QuotaPolicy, ServiceRecord, validate_measures
from .selectors import can_manage_department, new_enterprise_q

AGREEMENT_FIELDS = ("signed_on", "measures", "goals", "responsible_officer", "status")


@transaction.atomic
def departments_load(*, departments: list[dict]) -> int:
    """Upsert departments by code, keeping their order from the file. Idempotent."""
    Department.objects.bulk_create(
        [Department(sort_order=i, **row) for i, row in enumerate(departments)],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "sort_order"],
    )
    return len(departments)


def _require_department(actor, department_id: int) -> None:
    if not can_manage_department(actor, department_id):
        raise PermissionDenied(_("只能管理本部门的帮扶协议。"))


def _signable_enterprise(enterprise_id: int | None) -> Enterprise:
    """The enterprise, when an agreement can be signed with it (:func:`rules.enterprise_problem`, the rule the
    Excel upload checks its rows by, at validation and at commit)."""
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first() if enterprise_id else None
    problem = rules.enterprise_problem(
        enterprise.status if enterprise else None, confirmed=enterprise is not None and enterprise.confirmed
    )
    if problem == rules.UNKNOWN_ENTERPRISE:
        raise ValidationError({"enterprise": _("未找到该企业，请输入准确的企业名称或统一社会信用代码。")})
    if problem == rules.NOT_OPERATING:
        message = _("该企业登记状态为“%(status)s”，不能签订帮扶协议。") % {"status": enterprise.get_status_display()}
        raise ValidationError({"enterprise": message})
    if problem == rules.UNCONFIRMED_ENTERPRISE:
        raise ValidationError({"enterprise": _("该企业的自主登记尚待区县确认，确认前不能签订帮扶协议。")})
    return enterprise


def _check_signed_on(signed_on: dt.date, year: int) -> None:
    """The signing date is in the agreement's year and not after today (:func:`rules.signed_on_problem`, the rule
    the Excel upload checks its rows by)."""
    problem = rules.signed_on_problem(signed_on, year=year, today=timezone.localdate()) if signed_on else None
    if problem == rules.SIGNED_IN_FUTURE:
        raise ValidationError({"signed_on": _("签订日期不能晚于今天。")})
    if signed_on is None or problem == rules.SIGNED_OUTSIDE_YEAR:
        raise ValidationError({"signed_on": _("签订日期必须在协议年度（%(year)s年）内。") % {"year": year}})


def _check_measures(measures) -> None:
    try:
        validate_measures(measures)
    except ValidationError as error:
        raise ValidationError({"measures": error.messages}) from None


def _duplicate_error(year: int) -> ValidationError:
    message = _("本部门与该企业在%(year)s年已签订帮扶协议，不能重复录入。") % {"year": year}
    return ValidationError({"enterprise": message})


def counts_as_new_for(enterprise: Enterprise, year: int, policy: QuotaPolicy | None = None) -> bool:
    policy = policy or QuotaPolicy.for_year(year)
    return newness.is_new_enterprise(
        established_on=enterprise.established_on,
        introduced_on=enterprise.introduced_on,
        origin=enterprise.origin,
        agreement_year=year,
        window_years=policy.new_window_years,
    )


def _policy_open(year: int) -> QuotaPolicy:
    policy = QuotaPolicy.for_year(year)
    if policy.closed:
        raise ValidationError(_("%(year)s年度已关闭，不能再新增或修改该年度的帮扶协议。") % {"year": year})
    return policy


@transaction.atomic
@history_reason(gettext_lazy("新建帮扶协议"))
def agreement_create(
    *,
    actor,
    department_id: int,
    enterprise_id: int,
    year: int,
    signed_on: dt.date,
    measures: list[str],
    responsible_officer: str,
    goals: str = "",
    status: str = AssistanceAgreement.Status.ACTIVE,
    document=None,
) -> AssistanceAgreement:
    _require_department(actor, department_id)
    enterprise = _signable_enterprise(enterprise_id)
    _check_signed_on(signed_on, year)
    _check_measures(measures)
    policy = _policy_open(year)
    if AssistanceAgreement.objects.filter(
        department_id=department_id, enterprise=enterprise, year=year, archived=False
    ).exists():
        raise _duplicate_error(year)
    agreement = AssistanceAgreement(
        department_id=department_id,
        enterprise=enterprise,
        year=year,
        signed_on=signed_on,
        measures=list(measures),
        goals=goals,
        responsible_officer=responsible_officer,
        status=status,
        counts_as_new=counts_as_new_for(enterprise, year, policy),
        created_by=actor,
        updated_by=actor,
    )
    if document:
        agreement.document = document
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError:  # a concurrent duplicate got in first
        raise _duplicate_error(year) from None
    return agreement


def _agreement_for_update(actor, agreement_id: int) -> AssistanceAgreement:
    agreement = (
        AssistanceAgreement.objects.select_for_update()
        .select_related("enterprise")
        .get(pk=agreement_id, archived=False)
    )
    if not can_manage_department(actor, agreement.department_id):
        raise AssistanceAgreement.DoesNotExist
    return agreement


@transaction.atomic
@history_reason(gettext_lazy("修改帮扶协议"))
def agreement_update(*, actor, agreement_id: int, document=None, **changes) -> AssistanceAgreement:
    """Change signed_on, measures, goals, responsible_officer or status (and the document)."""
    unknown = set(changes) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"agreement_update cannot change {sorted(unknown)}")
    agreement = _agreement_for_update(actor, agreement_id)
    policy = _policy_open(agreement.year)
    if "signed_on" in changes:
        _check_signed_on(changes["signed_on"], agreement.year)
        _check_no_record_before(agreement, changes["signed_on"])
    if "measures" in changes:
        _check_measures(changes["measures"])
        changes["measures"] = list(changes["measures"])
    for name, value in changes.items():
        setattr(agreement, name, value)
    if document:
        agreement.document = document
    agreement.counts_as_new = counts_as_new_for(agreement.enterprise, agreement.year, policy)
    agreement.updated_by = actor
    agreement.save()
    return agreement


def _check_no_record_before(agreement: AssistanceAgreement, signed_on: dt.date) -> None:
    """A signing date moved later leaves no service record of the agreement before it (the rule of
    :func:`rules.service_date_problem`, asked of the earliest record). The agreement's row is locked, so no
    record is added or redated meanwhile."""
    if signed_on <= agreement.signed_on:  # unchanged or earlier: no record is before it that was not already
        return
    first = agreement.service_records.aggregate(first=Min("date"))["first"]
    if first is None:
        return
    problem = rules.service_date_problem(first, signed_on=signed_on, today=timezone.localdate())
    if problem == rules.SERVICE_BEFORE_SIGNING:
        message = _("签订日期（%(signed_on)s）不能晚于本协议已有的服务记录：最早一次服务在%(first)s。") % {
            "signed_on": signed_on.isoformat(),
            "first": first.isoformat(),
        }
        raise ValidationError({"signed_on": message})


@transaction.atomic
@history_reason(gettext_lazy("归档帮扶协议"))
def agreement_archive(*, actor, agreement_id: int) -> AssistanceAgreement:
    """Archive instead of deleting: the agreement leaves lists and counts but is kept."""
    agreement = _agreement_for_update(actor, agreement_id)
    _policy_open(agreement.year)
    agreement.archived = True
    agreement.updated_by = actor
    agreement.save(update_fields=["archived", "updated_by", "updated_at"])
    return agreement


def record_date_errors(date: dt.date | None, resolved_on: dt.date | None, *, signed_on: dt.date) -> dict[str, str]:
    """What is wrong with a service record's dates under an agreement signed on ``signed_on``, field → message
    (none when nothing is): the contact is neither after today nor before the signing
    (:func:`rules.service_date_problem`), the resolution is not after today nor before the contact. Every
    field at fault gets its error. The record form asks it too, so the page says it before the service does."""
    today = timezone.localdate()
    errors = {}
    problem = rules.service_date_problem(date, signed_on=signed_on, today=today) if date is not None else None
    if problem == rules.SERVICE_IN_FUTURE:
        errors["date"] = _("服务日期不能晚于今天。")
    elif problem == rules.SERVICE_BEFORE_SIGNING:
        errors["date"] = _("服务日期不能早于协议的签订日期（%(signed_on)s）。") % {"signed_on": signed_on.isoformat()}
    if resolved_on is not None and resolved_on > today:
        errors["resolved_on"] = _("解决日期不能晚于今天。")
    elif resolved_on is not None and date is not None and resolved_on < date:
        errors["resolved_on"] = _("解决日期不能早于服务日期。")
    return errors


def _check_record_dates(date: dt.date, resolved_on: dt.date | None, *, signed_on: dt.date) -> None:
    if errors := record_date_errors(date, resolved_on, signed_on=signed_on):
        raise ValidationError(errors)


RECORD_FIELDS = ("date", "kind", "issues_raised", "resolution", "resolved_on")


@transaction.atomic
@history_reason(gettext_lazy("新建服务记录"))
def service_record_create(*, actor, agreement_id: int, **values) -> ServiceRecord:
    unknown = set(values) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"service_record_create got {sorted(unknown)}")
    agreement = _agreement_for_update(actor, agreement_id)
    _check_record_dates(values.get("date"), values.get("resolved_on"), signed_on=agreement.signed_on)
    return ServiceRecord.objects.create(agreement=agreement, created_by=actor, updated_by=actor, **values)


@transaction.atomic
@history_reason(gettext_lazy("修改服务记录"))
def service_record_update(*, actor, record_id: int, **changes) -> ServiceRecord:
    unknown = set(changes) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"service_record_update cannot change {sorted(unknown)}")
    record = (
        ServiceRecord.objects.select_for_update()
        .select_related("agreement")
        .get(pk=record_id, agreement__archived=False)
    )
    if not can_manage_department(actor, record.agreement.department_id):
        raise ServiceRecord.DoesNotExist
    for name, value in changes.items():
        setattr(record, name, value)
    _check_record_dates(record.date, record.resolved_on, signed_on=record.agreement.signed_on)
    record.updated_by = actor
    record.save()
    return record


@transaction.atomic
@history_reason(gettext_lazy("企业反馈服务记录"))
def service_record_feedback(*, actor, record_id: int, feedback: str) -> ServiceRecord:
    """The enterprise leaves (or replaces) its feedback on a service record of its own agreement."""
    enterprise_id = member_enterprise_id(actor)
    if enterprise_id is None:
        raise PermissionDenied(_("只有企业用户可以评价服务。"))
    record = ServiceRecord.objects.select_for_update().get(
        pk=record_id, agreement__enterprise_id=enterprise_id, agreement__archived=False
    )
    feedback = (feedback or "").strip()
    if not feedback:
        raise ValidationError({"feedback": _("请填写评价内容。")})
    record.enterprise_feedback = feedback
    record.feedback_at = timezone.now()
    record.save(update_fields=["enterprise_feedback", "feedback_at", "updated_at"])
    return record


@transaction.atomic
def department_target_set(*, actor, department_id: int, year: int, enterprises_to_assist: int) -> DepartmentTarget:
    if not is_city_official(actor):
        raise PermissionDenied(_("只有市级管理人员可以下达帮扶任务。"))
    if enterprises_to_assist is None or enterprises_to_assist < 0:
        raise ValidationError({"enterprises_to_assist": _("帮扶任务数不能为负数。")})
    target, _created = DepartmentTarget.objects.update_or_create(
        department_id=department_id,
        year=year,
        defaults={"enterprises_to_assist": enterprises_to_assist, "updated_by": actor},
        create_defaults={"enterprises_to_assist": enterprises_to_assist, "created_by": actor, "updated_by": actor},
    )
    return target


@history_reason(gettext_lazy("重算新设立企业标记"))
def agreements_refresh_newness(*, year: int, window_years: int) -> int:
    """Recompute counts_as_new of the year's agreements in the database (two set-based updates), and
    record the flags that changed (one insert each way)."""
    agreements = AssistanceAgreement.objects.filter(year=year)
    is_new = new_enterprise_q(year=year, window_years=window_years, prefix="enterprise__")
    changed = 0
    for now_new, flipped in ((True, agreements.filter(is_new, counts_as_new=False)),
                             (False, agreements.exclude(is_new).filter(counts_as_new=True))):  # fmt: skip
        rows = list(flipped.values_list("pk", "enterprise_id"))
        changed += AssistanceAgreement.objects.filter(pk__in=[pk for pk, _enterprise in rows]).update(
            counts_as_new=now_new
        )
        record_rows(AssistanceAgreement, rows, {"counts_as_new": [not now_new, now_new]})
    return changed


# What the year's figures and counts_as_new flags rest on: fixed once the year is closed.
FROZEN_WHEN_CLOSED = ("year", "new_window_years", "new_enterprise_target")


@transaction.atomic
def policy_save(*, actor, policy: QuotaPolicy) -> QuotaPolicy:
    """Save a year's policy as edited (a new one, or a stored one with new values). When the "new" window of an
    open year changes, re-apply it to the year's agreements: every agreement of a year counts by that year's
    policy, whenever it was saved (the flags follow the policy until the year is closed)."""
    if not is_city_official(actor):
        raise PermissionDenied(_("只有市级管理人员可以修改年度指标政策。"))
    stored = QuotaPolicy.objects.select_for_update().filter(pk=policy.pk).first() if policy.pk else None
    frozen = stored is not None and stored.closed
    if frozen and any(getattr(policy, name) != getattr(stored, name) for name in FROZEN_WHEN_CLOSED):
        message = _("%(year)s年度已关闭，不能再修改其年度、新企业认定窗口或新企业帮扶占比目标。")
        raise ValidationError(message % {"year": stored.year})
    if stored is None:
        policy.created_by = actor
    policy.updated_by = actor
    policy.save()
    if policy.closed:
        return policy
    # A new row replaces the default window; a row moved to another year leaves its former year on the default.
    was = stored or QuotaPolicy(year=policy.year)
    if (was.year, was.new_window_years) != (policy.year, policy.new_window_years):
        for year in sorted({was.year, policy.year}):
            agreements_refresh_newness(year=year, window_years=QuotaPolicy.for_year(year).new_window_years)
    return policy


@transaction.atomic
@history_reason(gettext_lazy("关闭年度配额政策"))
def policy_close_year(*, actor, year: int) -> QuotaPolicy:
    """Settle the year's counts_as_new flags from the current registry data, then freeze them."""
    if not is_city_official(actor):
        raise PermissionDenied(_("只有市级管理人员可以关闭年度。"))
    policy, _created = QuotaPolicy.objects.select_for_update().get_or_create(
        year=year, defaults={"created_by": actor, "updated_by": actor}
    )
    if policy.closed:
        return policy
    agreements_refresh_newness(year=year, window_years=policy.new_window_years)
    policy.closed = True
    policy.closed_at = timezone.now()
    policy.updated_by = actor
    policy.save(update_fields=["closed", "closed_at", "updated_by", "updated_at"])
    return policy
