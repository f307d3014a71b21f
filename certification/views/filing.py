"""The enterprise's online filing: list, the multi-step form with the live score, detail and downloads.

Thin views: the writes are in :mod:`certification.services` / :mod:`certification.filing_services`;
only the enterprise's own users reach these pages (others get 404), except the attachment download,
which officials who can see the filing may use too."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from certification.evaluation_input import DIRECT_PATH_CHOICES
from certification.forms.filing import STEP_FORMS, STEP_LABELS, STEPS, AttachmentForm, IPItemForm, RDProjectForm
from certification.forms.review import declared_text
from certification.models import DECLARED_FIELDS, Application, ApplicationAttachment, ApplicationEvent
from certification.selectors.campaign import filing_campaign, filing_deadline, filing_year
from certification.selectors.filing import applications_visible_to, attachments_visible_to
from certification.services import filing_items
from certification.services.filing import (
    application_resubmit,
    application_save_draft,
    application_submit,
    application_withdraw,
)
from certification.services.filing_items import (
    attachment_add,
    attachment_remove,
    ip_item_add,
    ip_item_remove,
    rd_project_add,
    rd_project_remove,
    score_preview,
)
from certification.states import EDITABLE, UNDECIDED, FilingState
from certification.workflow import TransitionError
from enterprises.permissions import enterprise_user_required
from enterprises.roles import member_enterprise_id
from smeportal.uploads import stored_file_download
from smeportal.views import run_service

# The step on which each returned-for-correction field comment is shown.
FIELD_STEP = {
    "total_staff": "staff",
    "tech_staff": "staff",
    "sales_revenue": "finance",
    "total_costs": "finance",
    "total_assets": "finance",
    "rd_expense": "rd",
    "class1_ip": "ip",
    "class2_ip": "ip",
    "direct_paths": "direct",
    "resident_enterprise": "declarations",
    "audited_tax_collection": "declarations",
    "restricted_industry": "declarations",
    "compliance_violation": "declarations",
}


def _own_filings(user):
    return applications_visible_to(user).filter(enterprise_id=member_enterprise_id(user))


def _field_comments(application: Application) -> dict[str, str]:
    """The per-field comments of the latest return, while the filing is returned for correction."""
    if application.state != FilingState.RETURNED:
        return {}
    event = application.events.filter(to_state=FilingState.RETURNED).order_by("-created_at", "-id").first()
    return dict(event.field_comments or {}) if event else {}


def _label(name: str) -> str:
    return str(Application._meta.get_field(name).verbose_name)


def _score_context(application: Application) -> dict:
    evaluation = score_preview(application, on=timezone.localdate())
    missing = [(_label(name), [_("尚未填写")]) for name in application.missing_fields()]
    return {"evaluation": evaluation, "submitted": evaluation is None, "error_list": missing}


@enterprise_user_required
def filing_list(request):
    filings = list(_own_filings(request.user).order_by("-evaluation_year"))
    today = timezone.localdate()
    campaign = filing_campaign(today)
    current_year = campaign.year
    current = next((f for f in filings if f.evaluation_year == current_year), None)
    return render(
        request,
        "certification/filing/list.html",
        {
            "filings": filings,
            "current_year": current_year,
            "current": current,
            "deadline": filing_deadline(campaign, today),
            "window_open": campaign.dates.filing_open_on(today),
            "can_start": current is None or current.state == FilingState.WITHDRAWN,
        },
    )


@require_POST
@enterprise_user_required
def filing_start(request):
    done, application = run_service(
        request,
        lambda: filing_items.filing_start(actor=request.user, evaluation_year=filing_year(timezone.localdate())),
    )
    if not done:
        return redirect("certification:filing_list")
    return redirect("certification:filing_step", pk=application.pk, step=STEPS[0])


def _step_form(step: str, application: Application, data=None):
    kwargs = {"has_items": application.ip_items.exists()} if step == "ip" else {}
    return STEP_FORMS[step](data, instance=application, **kwargs)


def _render_step(request, application, step, *, form=None, ip_form=None, rd_form=None, upload_form=None, refusal=None):
    index = STEPS.index(step)
    comments = _field_comments(application)
    form = form or _step_form(step, application)
    context = {
        "application": application,
        "enterprise": application.enterprise,
        "step": step,
        "step_label": STEP_LABELS[step],
        "steps": [
            {"code": code, "label": STEP_LABELS[code], "number": i + 1, "current": code == step, "done": i < index}
            for i, code in enumerate(STEPS)
        ],
        "next_step": STEPS[index + 1] if index + 1 < len(STEPS) else None,
        "previous_step": STEPS[index - 1] if index else None,
        "form": form,
        "field_rows": [(field, comments.get(field.name)) for field in form],
        "step_comments": [(_label(name), text) for name, text in comments.items() if FIELD_STEP.get(name) == step],
        "refusal": refusal,
        **_score_context(application),
    }
    if step == "ip":
        context["ip_items"] = list(application.ip_items.all())
        context["ip_form"] = ip_form or IPItemForm(prefix="ip")
    elif step == "rd":
        context["rd_projects"] = list(application.rd_projects.all())
        context["rd_form"] = rd_form or RDProjectForm(prefix="rd")
    elif step == "attachments":
        context["attachments"] = list(application.attachments.all())
        context["upload_form"] = upload_form or AttachmentForm(prefix="att")
    elif step == "review":
        context["review_rows"] = _review_rows(application)
        context["ip_items"] = list(application.ip_items.all())
        context["rd_projects"] = list(application.rd_projects.all())
        context["attachments"] = list(application.attachments.all())
        context["all_comments"] = [(_label(name), text) for name, text in comments.items()]
    return render(request, "certification/filing/step.html", context)


def _review_rows(application: Application) -> list[tuple[str, object]]:
    names = [
        "total_staff",
        "tech_staff",
        "sales_revenue",
        "total_costs",
        "rd_expense",
        "total_assets",
        "class1_ip",
        "class2_ip",
        "resident_enterprise",
        "audited_tax_collection",
        "restricted_industry",
        "compliance_violation",
    ]
    rows = [(_label(name), getattr(application, name)) for name in names]
    labels = dict(DIRECT_PATH_CHOICES)
    paths = "、".join(str(labels.get(p, p)) for p in application.direct_paths or []) or _("无")
    rows.append((_label("direct_paths"), paths))
    return rows


@require_http_methods(["GET", "POST"])
@enterprise_user_required
def filing_step(request, pk: int, step: str):
    if step not in STEPS:
        raise Http404
    application = get_object_or_404(_own_filings(request.user), pk=pk)
    if application.state not in EDITABLE:
        if request.method == "POST":
            messages.error(request, _("只有草稿或退回修改的申报可以修改。"))
        return redirect("certification:filing_detail", pk=application.pk)
    if request.method == "GET":
        return _render_step(request, application, step)
    action = request.POST.get("action", "save")
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    try:
        return handler(request, application, step)
    except TransitionError as exc:
        messages.error(request, exc.message)
        return redirect("certification:filing_step", pk=application.pk, step=step)


def _save(request, application, step):
    form = _step_form(step, application, request.POST)
    if form.is_valid():
        done, _saved = run_service(
            request,
            lambda: application_save_draft(
                actor=request.user, evaluation_year=application.evaluation_year, data=form.service_data()
            ),
            form=form,
            success=_("已保存草稿。"),
        )
        if done:
            next_step = STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]
            return redirect("certification:filing_step", pk=application.pk, step=next_step)
        if not form.errors:
            return redirect("certification:filing_step", pk=application.pk, step=step)
    application.refresh_from_db()
    return _render_step(request, application, step, form=form)


def _add_item(form_class, prefix: str, service, form_kwarg: str):
    def action(request, application, step):
        form = form_class(request.POST, prefix=prefix)
        if form.is_valid():
            done, _item = run_service(
                request,
                lambda: service(application_id=application.pk, actor=request.user, data=form.cleaned_data),
                form=form,
                success=_("已添加。"),
            )
            if done or not form.errors:
                return redirect("certification:filing_step", pk=application.pk, step=step)
        return _render_step(request, application, step, **{form_kwarg: form})

    return action


def _remove_item(service, id_kwarg: str):
    def action(request, application, step):
        try:
            item_id = int(request.POST.get("item_id", ""))
        except ValueError as exc:
            raise Http404 from exc
        service(application_id=application.pk, actor=request.user, **{id_kwarg: item_id})
        messages.success(request, _("已删除。"))
        return redirect("certification:filing_step", pk=application.pk, step=step)

    return action


def _upload(request, application, step):
    form = AttachmentForm(request.POST, request.FILES, prefix="att")
    if form.is_valid():
        done, _attachment = run_service(
            request,
            lambda: attachment_add(
                application_id=application.pk,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            ),
            form=form,
            success=_("已上传附件。"),
        )
        if done or not form.errors:
            return redirect("certification:filing_step", pk=application.pk, step=step)
    return _render_step(request, application, step, upload_form=form)


def _submit(request, application, step):
    try:
        if application.state == FilingState.RETURNED:
            application_resubmit(
                application_id=application.pk, actor=request.user, comment=request.POST.get("comment", "")
            )
        else:
            application_submit(application_id=application.pk, actor=request.user)
    except TransitionError as exc:
        application.refresh_from_db()
        return _render_step(request, application, "review", refusal=exc)
    messages.success(request, _("申报已提交，请等待评价机构审核。"))
    return redirect("certification:filing_detail", pk=application.pk)


ACTIONS = {
    "save": _save,
    "add_ip": _add_item(IPItemForm, "ip", ip_item_add, "ip_form"),
    "remove_ip": _remove_item(ip_item_remove, "item_id"),
    "add_rd": _add_item(RDProjectForm, "rd", rd_project_add, "rd_form"),
    "remove_rd": _remove_item(rd_project_remove, "project_id"),
    "upload": _upload,
    "remove_attachment": _remove_item(attachment_remove, "attachment_id"),
    "submit": _submit,
}


@require_POST
@enterprise_user_required
def filing_score(request, pk: int, step: str):
    """The live score partial: the posted values of the step merged over the saved draft (not saved)."""
    if step not in STEPS:
        raise Http404
    application = get_object_or_404(_own_filings(request.user), pk=pk)
    form = _step_form(step, application, request.POST)
    form.is_valid()
    for name, value in form.service_data().items():
        setattr(application, name, value)
    application.recompute_derived()
    return render(request, "certification/filing/_score.html", _score_context(application))


@enterprise_user_required
def filing_detail(request, pk: int):
    application = get_object_or_404(
        _own_filings(request.user).prefetch_related(
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor").order_by("created_at", "id")),
            "ip_items",
            "rd_projects",
            Prefetch("attachments", queryset=ApplicationAttachment.objects.order_by("uploaded_at", "id")),
        ),
        pk=pk,
    )
    events = list(application.events.all())
    comments = {}
    if application.state == FilingState.RETURNED:
        returned = [event for event in events if event.to_state == FilingState.RETURNED]
        comments = dict(returned[-1].field_comments or {}) if returned else {}
    path_labels = dict(DIRECT_PATH_CHOICES)
    rows = [
        {
            "name": name,
            "label": _label(name),
            "value": [str(path_labels.get(p, p)) for p in application.direct_paths or []]
            if name == "direct_paths"
            else declared_text(name, getattr(application, name)),
            "comment": comments.get(name),
        }
        for name in DECLARED_FIELDS
    ]
    state = application.state
    return render(
        request,
        "certification/filing/detail.html",
        {
            "application": application,
            "events": events,
            "rows": rows,
            "other_comments": [(name, text) for name, text in comments.items() if name not in DECLARED_FIELDS],
            "ip_items": list(application.ip_items.all()),
            "rd_projects": list(application.rd_projects.all()),
            "attachments": list(application.attachments.all()),
            "editable": state in EDITABLE,
            "can_withdraw": state in UNDECIDED,
            "can_resubmit": state == FilingState.RETURNED,
            "evaluation": (application.snapshot or {}).get("evaluation"),
        },
    )


@require_POST
@enterprise_user_required
def filing_withdraw(request, pk: int):
    application = get_object_or_404(_own_filings(request.user), pk=pk)
    run_service(
        request,
        lambda: application_withdraw(
            application_id=application.pk, actor=request.user, comment=request.POST.get("comment", "")
        ),
        success=_("申报已撤回。"),
    )
    return redirect("certification:filing_detail", pk=application.pk)


@login_required
def attachment_download(request, pk: int):
    """The file, for the enterprise's users and the officials who can see the filing; everyone else 404."""
    attachment = get_object_or_404(attachments_visible_to(request.user), pk=pk)
    return stored_file_download(attachment.file, attachment.original_name)
