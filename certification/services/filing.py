"""The filing workflow: every write that carries a business rule (RULES.md §3).

Each function is keyword-only, runs in one transaction, locks the rows it changes
(``select_for_update``), checks the actor's role, refuses a wrong state with
:class:`TransitionError` and writes one :class:`ApplicationEvent` per filing it moves.

Permissions: a record outside the actor's scope raises ``Http404`` (its existence does not leak);
a record inside the scope but an action the role may not take raises ``PermissionDenied``.
Bad input (an empty reason, an unknown field) raises ``ValidationError``.

Decisions documented here:
- A first-time applicant is an enterprise with no submitted filing of an earlier year.
- ``submitted_on`` is the first submission of the filing as it stands: a return for correction keeps it,
  a withdrawal clears it (the filing is the enterprise's own again, out of the officials' sight, until it
  is submitted anew on a new date).
- Revoked in calendar year Y: no filing for evaluation year Y; revoked for fraud: none for Y to
  Y + 3 (:data:`certification.rules.registration.FRAUD_BAN_YEARS`), checked by the workflow's guards
  when the filing is opened, at every submission, and again at its recommendation and registration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification import registry_facts, rules
from certification.evaluation import application_snapshot, evaluate_application
from certification.models import (
    DECLARED_FIELDS,
    EVIDENCE_FIELDS,
    FINANCE_COMPONENT_FIELDS,
    QUARTER_KEYS,
    Application,
)
from certification.notifications import notify_district_of_submission
from certification.states import FilingState
from certification.workflow import (
    NEW,
    TransitionError,
    allow,
    checked_comment,
    ensure_editable,
    lock_filing,
    move,
    record,
    today_or,
)
from enterprises.models import District, Enterprise
from enterprises.roles import member_enterprise_id
from smeportal.history import history_reason

DRAFT_FIELDS = (*DECLARED_FIELDS, *FINANCE_COMPONENT_FIELDS, "staff_quarters", *EVIDENCE_FIELDS)


def _validate_declared(application: Application) -> None:
    paths = application.direct_paths
    if not isinstance(paths, list) or not all(isinstance(p, str) and p in rules.DIRECT_PATHS for p in paths):
        raise ValidationError({"direct_paths": [_("直接确认条件不正确。")]})
    application.direct_paths = sorted(set(paths))
    application.full_clean(
        exclude=["enterprise", "state", "created_by", "updated_by", "evaluating_district", "notice_batch", "snapshot"],
        validate_unique=False,
    )


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


def _apply_registry_facts(application: Application, data: Mapping[str, object]) -> None:
    """The register's facts are not the applicant's to untick (:mod:`certification.rules.registry`): an
    attempt is refused, and every save declares them, so a draft made before the enterprise was listed
    catches up the next time it is saved."""
    facts = registry_facts.facts_of(application.enterprise)
    refused = [name for name in facts.established() if name in data and not data[name]]
    if refused:
        message = _("此项依据企业登记信息确定（{fact}），不能改为“否”。")
        raise ValidationError({name: [message.format(fact=registry_facts.fact_text(facts, name))] for name in refused})
    for name in facts.established():
        setattr(application, name, True)


def _freeze(application: Application, today: dt.date) -> None:
    """What a submission fixes: the evaluating district, first-time or not, and the snapshot."""
    district = District.objects.get(pk=application.enterprise.managing_district_id)
    application.evaluating_district = district
    application.first_time_applicant = not (
        Application.objects.filter(
            enterprise_id=application.enterprise_id,
            evaluation_year__lt=application.evaluation_year,
            submitted_on__isnull=False,
        ).exists()
    )
    evaluation = evaluate_application(application, on=today)
    application.snapshot = application_snapshot(application, evaluation=evaluation, district=district, today=today)


FROZEN_FIELDS = ["snapshot", "first_time_applicant", "evaluating_district", "direct_paths"]


CLEARED_BY_WITHDRAWAL = ["submitted_on", "snapshot", "first_time_applicant", "evaluating_district"]


@transaction.atomic
@history_reason(gettext_lazy("保存申报草稿"))
def application_save_draft(
    *, actor, evaluation_year: int, data: Mapping[str, object], reopen: bool = True
) -> Application:
    """Create or update the actor's enterprise's filing for the year (draft or returned only).

    Creating the filing writes an event (→ draft); so does reopening a withdrawn one, unless ``reopen``
    is false: saving a filing the caller holds (the form's steps, PATCH in the API) changes a draft or
    a returned filing only, and refuses a withdrawn one, even one withdrawn since the caller read it.
    Saving the figures of an existing draft writes none (drafts are saved at every step of the form).
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
    opening = application is None or (reopen and application.state == FilingState.WITHDRAWN)
    if application is None:
        application = Application(
            enterprise_id=enterprise_id, evaluation_year=evaluation_year, state=NEW, created_by=actor
        )
        application.enterprise = Enterprise.objects.get(pk=enterprise_id)
    if opening:
        allow(application, "open", actor)
    else:
        ensure_editable(application, actor)
    for name, value in data.items():
        setattr(application, name, value)
    _apply_registry_facts(application, data)
    application.recompute_derived(ip_items=application.ip_items.all() if application.pk else None)
    if "direct_paths" in data or set(data) & set(EVIDENCE_FIELDS):
        _check_direct_path_evidence(application)
    _validate_declared(application)
    application.updated_by = actor
    try:
        with transaction.atomic():
            if application.pk is not None:
                # The figures (and their history) first: reopening a withdrawn filing writes only its state.
                application.save()
            if opening:
                record([application], "open", actor)
    except IntegrityError as exc:
        raise TransitionError(_("该年度的申报已存在，请刷新后重试。")) from exc
    return application


@transaction.atomic
def application_submit(*, application_id: int, actor, today: dt.date | None = None) -> Application:
    application = lock_filing(application_id)
    today = today_or(today)
    allow(application, "submit", actor, today=today)
    _freeze(application, today)
    application.submitted_on = application.submitted_on or today
    record([application], "submit", actor, update_fields=[*FROZEN_FIELDS, "submitted_on"])
    notify_district_of_submission(application, resubmitted=False)
    return application


@transaction.atomic
def application_resubmit(*, application_id: int, actor, comment: str = "", today: dt.date | None = None) -> Application:
    application = lock_filing(application_id)
    today = today_or(today)
    allow(application, "resubmit", actor, today=today)
    comment = checked_comment(comment)
    _freeze(application, today)
    record([application], "resubmit", actor, comment=comment, update_fields=FROZEN_FIELDS)
    notify_district_of_submission(application, resubmitted=True)
    return application


@transaction.atomic
def application_withdraw(*, application_id: int, actor, comment: str = "") -> Application:
    """Withdraw an undecided filing. What its submission fixed is cleared, the first-submission date with it:
    a filing submitted again after a withdrawal is filed on that day (and flagged by it), whereas one
    returned for correction keeps its date."""
    application = lock_filing(application_id)
    application.submitted_on = application.first_time_applicant = application.evaluating_district = None
    application.snapshot = {}
    move(application, "withdraw", actor, comment=checked_comment(comment), update_fields=[*CLEARED_BY_WITHDRAWAL])
    return application
