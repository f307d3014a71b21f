"""Writes of a filing's details: starting a filing, IP items, R&D projects and attachments.

Same conventions as :mod:`certification.services`: keyword-only, one transaction, the filing row
locked, only the enterprise's own users, only while the filing is editable (draft or returned).
Adding or removing an IP item recounts ``class1_ip`` / ``class2_ip`` from the items."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification import registry_facts, rules
from certification.evaluation import evaluate_application
from certification.models import (
    DECLARED_COUNT_FIELDS,
    DECLARED_NUMBER_FIELDS,
    EVIDENCE_FIELDS,
    FINANCE_COMPONENT_FIELDS,
    Application,
    ApplicationAttachment,
    IntellectualProperty,
    RDProject,
)
from certification.services.filing import application_save_draft
from certification.workflow import ensure_editable, lock_filing
from enterprises.models import Enterprise
from enterprises.roles import member_enterprise_id
from smeportal.history import history_reason, record_saved
from smeportal.uploads import check_upload

IP_FIELDS = (
    "kind",
    "number",
    "title",
    "granted_on",
    "in_force",
    "related_to_main_products",
    "held_by_enterprise",
    "disputed",
)


RD_FIELDS = ("name", "started_on", "ended_on", "budget", "expense_last_year")


# Figures copied from last year's filing into a new one (the enterprise corrects them).
COPIED_FIELDS = (
    *DECLARED_NUMBER_FIELDS,
    *DECLARED_COUNT_FIELDS,
    *FINANCE_COMPONENT_FIELDS,
    "staff_quarters",
    *EVIDENCE_FIELDS,
)


def _editable(application_id: int, actor) -> Application:
    application = lock_filing(application_id)
    ensure_editable(application, actor)
    return application


def _recount_ip(application: Application, actor) -> None:
    items = list(application.ip_items.all())
    if items:
        application.recompute_derived(ip_items=items)
    else:
        application.class1_ip = application.class2_ip = 0
    application.updated_by = actor
    application.save(update_fields=["class1_ip", "class2_ip", "updated_at", "updated_by"])


@transaction.atomic
@history_reason(gettext_lazy("新建申报"))
def filing_start(*, actor, evaluation_year: int) -> Application:
    """Open the actor's enterprise's filing for the year, prefilled from the enterprise record
    (conditions (三)/(四)) and from last year's filing (figures, evidence, IP items, R&D projects).
    An existing filing of that year is returned unchanged."""
    enterprise_id = member_enterprise_id(actor)
    if enterprise_id is None:
        raise PermissionDenied(_("只有企业用户可以填写申报。"))
    existing = Application.objects.filter(enterprise_id=enterprise_id, evaluation_year=evaluation_year).first()
    if existing is not None and existing.state != Application.State.WITHDRAWN:
        return existing
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    facts = registry_facts.facts_of(enterprise)
    data: dict = {name: getattr(facts, name) for name in registry_facts.REGISTRY_FLAGS}
    previous = (
        Application.objects.filter(enterprise_id=enterprise_id, evaluation_year__lt=evaluation_year)
        .order_by("-evaluation_year")
        .first()
    )
    if previous is not None and existing is None:
        data.update({name: getattr(previous, name) for name in COPIED_FIELDS})
        data["direct_paths"] = list(previous.direct_paths or [])
    application = application_save_draft(actor=actor, evaluation_year=evaluation_year, data=data)
    if previous is not None and existing is None:
        copied = IntellectualProperty.objects.bulk_create(
            IntellectualProperty(application=application, **{f: getattr(item, f) for f in IP_FIELDS})
            for item in previous.ip_items.all()
        )
        copied += RDProject.objects.bulk_create(
            RDProject(application=application, **{f: getattr(p, f) for f in RD_FIELDS})
            for p in previous.rd_projects.all()
        )
        record_saved(copied)
    return application


def _clean_item(model, fields, data: Mapping[str, object], application: Application):
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValidationError({name: [_("未知的项目。")] for name in unknown})
    item = model(application=application, **data)
    item.full_clean(exclude=["application"])
    return item


@transaction.atomic
@history_reason(gettext_lazy("添加知识产权"))
def ip_item_add(*, application_id: int, actor, data: Mapping[str, object]) -> IntellectualProperty:
    application = _editable(application_id, actor)
    item = _clean_item(IntellectualProperty, IP_FIELDS, data, application)
    item.save()
    _recount_ip(application, actor)
    return item


@transaction.atomic
@history_reason(gettext_lazy("删除知识产权"))
def ip_item_remove(*, application_id: int, item_id: int, actor) -> None:
    application = _editable(application_id, actor)
    deleted, _count = IntellectualProperty.objects.filter(pk=item_id, application=application).delete()
    if not deleted:
        raise Http404
    _recount_ip(application, actor)


@transaction.atomic
@history_reason(gettext_lazy("添加研发项目"))
def rd_project_add(*, application_id: int, actor, data: Mapping[str, object]) -> RDProject:
    application = _editable(application_id, actor)
    project = _clean_item(RDProject, RD_FIELDS, data, application)
    project.save()
    return project


@transaction.atomic
@history_reason(gettext_lazy("删除研发项目"))
def rd_project_remove(*, application_id: int, project_id: int, actor) -> None:
    application = _editable(application_id, actor)
    deleted, _count = RDProject.objects.filter(pk=project_id, application=application).delete()
    if not deleted:
        raise Http404


@transaction.atomic
@history_reason(gettext_lazy("上传申报材料"))
def attachment_add(*, application_id: int, actor, kind: str, upload) -> ApplicationAttachment:
    """Store a PDF/JPG/PNG (judged by content) of at most settings.MAX_UPLOAD_BYTES."""
    application = _editable(application_id, actor)
    if kind not in ApplicationAttachment.Kind.values:
        raise ValidationError({"kind": [_("材料类型不正确。")]})
    try:
        check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    original_name = (getattr(upload, "name", "") or "")[-200:]
    attachment = ApplicationAttachment(
        application=application, kind=kind, original_name=original_name, size=upload.size, uploaded_by=actor
    )
    attachment.file.save(original_name or "upload", upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
@history_reason(gettext_lazy("删除申报材料"))
def attachment_remove(*, application_id: int, attachment_id: int, actor) -> None:
    application = _editable(application_id, actor)
    attachment = ApplicationAttachment.objects.filter(pk=attachment_id, application=application).first()
    if attachment is None:
        raise Http404
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def score_preview(application: Application, *, on) -> rules.Evaluation | None:
    """The engine's result for an unsaved (merged) filing, or None while figures are missing."""
    if application.missing_fields():
        return None
    try:
        return evaluate_application(application, on=on)
    except ValueError:
        return None
