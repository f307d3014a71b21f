"""The enterprise's multi-step filing form with its live score.

Each step saves the draft; every way off a step with figures through the form (the step bar,
"上一步", the links of the live score) is a submit button of the step's form with the target step
(``goto``), so what was typed is saved first or shown again with its errors, never dropped. The step
bar marks the steps that need work; the live score answers with each field's error as it is typed and
keeps the last good score while a value is refused. Only the enterprise's own users reach these pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from certification import registry_facts, rules
from certification.evaluation import DIRECT_PATH_EVIDENCE
from certification.evaluation_input import DIRECT_PATH_CHOICES
from certification.forms.filing import STEP_FORMS, STEP_LABELS, STEPS, AttachmentForm, IPItemForm, RDProjectForm
from certification.forms.transition import ResubmissionForm
from certification.models import DECLARED_FIELDS, Application
from certification.selectors.filing import claim_flags
from certification.services.filing import application_resubmit, application_save_draft, application_submit
from certification.services.filing_items import (
    attachment_add,
    attachment_remove,
    ip_item_add,
    ip_item_remove,
    rd_project_add,
    rd_project_remove,
    score_preview,
)
from certification.states import EDITABLE, FilingState
from certification.views.filing import declared_label, own_filings
from certification.workflow import TransitionError
from enterprises.permissions import enterprise_user_required
from smeportal.views import add_form_errors, run_service

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


# The step that changes what a failed condition (a reason of the engine) depends on.
REASON_STEP = {
    rules.NOT_RESIDENT: "declarations",
    rules.TAX_COLLECTION_NOT_AUDITED: "declarations",
    rules.STAFF_OVER_CAP: "staff",
    rules.REVENUE_OVER_CAP: "finance",
    rules.ASSETS_OVER_CAP: "finance",
    rules.RESTRICTED_INDUSTRY: "declarations",
    rules.COMPLIANCE_VIOLATION: "declarations",
    rules.TECH_STAFF_SCORE_ZERO: "staff",
    DIRECT_PATH_EVIDENCE: "direct",
}

# What marks a step in the step bar: an icon and a word, so it does not rest on colour.
MARKERS = {
    "error": ("✖", gettext_lazy("需修改"), "text-bg-danger"),
    "comment": ("✎", gettext_lazy("有退回意见"), "text-bg-warning"),
    "evidence": ("⚠", gettext_lazy("缺证明"), "text-bg-light border"),
}


def _field_comments(application: Application) -> dict[str, str]:
    """The per-field comments of the latest return, while the filing is returned for correction."""
    if application.state != FilingState.RETURNED:
        return {}
    event = application.events.filter(to_state=FilingState.RETURNED).order_by("-created_at", "-id").first()
    return dict(event.field_comments or {}) if event else {}


def _step_target(step: str | None, application: Application) -> dict | None:
    if step is None:
        return None
    return {
        "code": step,
        "label": STEP_LABELS[step],
        "url": reverse("certification:filing_step", kwargs={"pk": application.pk, "step": step}),
    }


def _gap_step(gap: rules.Gap, reasons: list[rules.Reason]) -> str | None:
    """The step where a suggestion is acted on: a lever's own field, or the first unmet basic condition's."""
    if gap.code == rules.GAP_BASIC_CONDITIONS:
        return next((REASON_STEP[r.code] for r in reasons if r.code in rules.BASIC_CONDITION_CODES), None)
    return FIELD_STEP.get(gap.code)


def _score_context(application: Application, step: str) -> dict:
    """The live score with each failed condition and suggestion linked to the step that changes it; on a
    step with a form the links are buttons of that form, so following one saves what was typed first."""
    evaluation = score_preview(application, on=timezone.localdate())
    missing = [(declared_label(name), [_("尚未填写")]) for name in application.missing_fields()]
    context = {
        "evaluation": evaluation,
        "submitted": evaluation is None,
        "error_list": missing,
        "step_form": bool(STEP_FORMS[step].base_fields),
    }
    if evaluation is not None:
        context["reason_rows"] = [
            {"code": r.code, "message": r.message, "target": _step_target(REASON_STEP.get(r.code), application)}
            for r in evaluation.reasons
        ]
        context["gap_rows"] = [
            {
                "code": g.code,
                "message": g.message,
                "target": _step_target(_gap_step(g, evaluation.reasons), application),
            }
            for g in evaluation.gap
        ]
    return context


def _step_markers(application: Application, step: str, *, form, comments: dict, flags, today) -> dict[str, list]:
    """Each step's markers: figures missing, evidence or values not valid (error), return comments
    (comment), claims without their items (evidence)."""
    errors = {FIELD_STEP[name] for name in application.missing_fields()}
    if application.direct_path_problems(on=today):
        errors.add("direct")
    if registry_facts.contradictions(application):
        errors.add("declarations")
    if form.errors:
        errors.add(step)
    kinds = {
        "error": errors,
        "comment": {FIELD_STEP[name] for name in comments if name in FIELD_STEP},
        "evidence": {flag.section for flag in flags},
    }
    return {
        code: [
            {"kind": kind, "icon": MARKERS[kind][0], "text": MARKERS[kind][1], "css": MARKERS[kind][2]}
            for kind in MARKERS
            if code in kinds[kind]
        ]
        for code in STEPS
    }


def _error_rows(form) -> list[dict]:
    """A form's errors, each with the id of its field (empty for errors of the whole step)."""
    rows = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        rows.append(
            {
                "name": name,
                "label": field.label if field else "",
                "messages": errors,
                "id": form[name].id_for_label if field else "",
            }
        )
    return rows


def _step_form(step: str, application: Application, data=None):
    kwargs = {"has_items": application.ip_items.exists()} if step == "ip" else {}
    return STEP_FORMS[step](data, instance=application, **kwargs)


def _render_step(
    request,
    application,
    step,
    *,
    form=None,
    ip_form=None,
    rd_form=None,
    upload_form=None,
    comment_form=None,
    refusal=None,
    goto=None,
):
    index = STEPS.index(step)
    today = timezone.localdate()
    comments = _field_comments(application)
    form = form or _step_form(step, application)
    ip_items = list(application.ip_items.all())
    rd_projects = list(application.rd_projects.all())
    attachments = list(application.attachments.all())
    flags = claim_flags(application, ip_items=ip_items, rd_projects=rd_projects, attachments=attachments)
    markers = _step_markers(application, step, form=form, comments=comments, flags=flags, today=today)
    context = {
        "application": application,
        "enterprise": application.enterprise,
        "step": step,
        "step_label": STEP_LABELS[step],
        "steps": [
            {
                "code": code,
                "label": STEP_LABELS[code],
                "number": i + 1,
                "current": code == step,
                "done": i < index,
                "markers": markers[code],
            }
            for i, code in enumerate(STEPS)
        ],
        "next_step": STEPS[index + 1] if index + 1 < len(STEPS) else None,
        "previous_step": STEPS[index - 1] if index else None,
        "form": form,
        "field_rows": [(field, comments.get(field.name)) for field in form],
        "form_errors": _error_rows(form),
        "goto": _step_target(goto, application) if goto != step else None,
        "step_comments": [
            (declared_label(name), text) for name, text in comments.items() if FIELD_STEP.get(name) == step
        ],
        "step_flags": [flag for flag in flags if flag.section == step],
        "refusal": refusal,
        "ip_items": ip_items,
        "rd_projects": rd_projects,
        "attachments": attachments,
        **_score_context(application, step),
    }
    if step == "ip":
        context["ip_form"] = ip_form or IPItemForm(prefix="ip")
    elif step == "rd":
        context["rd_form"] = rd_form or RDProjectForm(prefix="rd")
    elif step == "attachments":
        context["upload_form"] = upload_form or AttachmentForm(prefix="att")
    elif step == "review":
        context["review_rows"] = _review_rows(application)
        context["comment_form"] = comment_form or ResubmissionForm()
        context["all_comments"] = [(declared_label(name), text) for name, text in comments.items()]
        context["flags"] = [{"flag": flag, "target": _step_target(flag.section, application)} for flag in flags]
    return render(request, "certification/filing/step.html", context)


def _review_rows(application: Application) -> list[tuple[str, object]]:
    # The declared figures and flags in their declared order; the direct paths follow as one line.
    rows = [(declared_label(name), getattr(application, name)) for name in DECLARED_FIELDS if name != "direct_paths"]
    labels = dict(DIRECT_PATH_CHOICES)
    paths = "、".join(str(labels.get(p, p)) for p in application.direct_paths or []) or _("无")
    rows.append((declared_label("direct_paths"), paths))
    return rows


@require_http_methods(["GET", "POST"])
@enterprise_user_required
def filing_step(request, pk: int, step: str):
    if step not in STEPS:
        raise Http404
    application = get_object_or_404(own_filings(request.user), pk=pk)
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
    """Save the step's draft, then go where the user asked: the next step, or the step of the step bar,
    the "previous" button or a suggestion they clicked (``goto``). What cannot be saved is shown again on
    the same step with its errors, never dropped on the way to another step."""
    goto = request.POST.get("goto")
    target = goto if goto in STEPS else STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]
    form = _step_form(step, application, request.POST)
    if form.is_valid():
        done, _saved = run_service(
            request,
            lambda: application_save_draft(
                actor=request.user,
                evaluation_year=application.evaluation_year,
                data=form.service_data(),
                reopen=False,
            ),
            form=form,
            success=_("已保存草稿。"),
        )
        if done:
            return redirect("certification:filing_step", pk=application.pk, step=target)
    application.refresh_from_db()
    return _render_step(request, application, step, form=form, goto=target)


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
    """Submitted: the filing's page. Refused (by the workflow, or the comment by its limit): the review step
    again, with the refusal and the comment as typed."""
    comment_form = ResubmissionForm(request.POST)
    if not comment_form.is_valid():
        return _render_step(request, application, "review", comment_form=comment_form)
    try:
        if application.state == FilingState.RETURNED:
            application_resubmit(
                application_id=application.pk, actor=request.user, comment=comment_form.cleaned_data["comment"]
            )
        else:
            application_submit(application_id=application.pk, actor=request.user)
    except TransitionError as exc:
        application.refresh_from_db()
        return _render_step(request, application, "review", refusal=exc, comment_form=comment_form)
    except ValidationError as error:
        add_form_errors(comment_form, error)
        application.refresh_from_db()
        return _render_step(request, application, "review", comment_form=comment_form)
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
    """The live score partial: the posted values of the step merged over the saved draft (not saved).

    Every field's live error is swapped in out of band (empty when it is fine). Values that are not valid
    leave the score as it was (``HX-Reswap: none``): the panel keeps the last good score and lists the
    errors beside it, instead of a score of values the form would refuse."""
    if step not in STEPS:
        raise Http404
    application = get_object_or_404(own_filings(request.user), pk=pk)
    form = _step_form(step, application, request.POST)
    context = {"form": form, "form_errors": [], "step": step}
    if not form.is_valid():
        context["form_errors"] = _error_rows(form)
        response = render(request, "certification/filing/_score_live.html", context)
        response["HX-Reswap"] = "none"
        return response
    for name, value in form.service_data().items():
        setattr(application, name, value)
    application.recompute_derived()
    return render(
        request,
        "certification/filing/_score_live.html",
        {**context, **_score_context(application, step), "fresh": True},
    )
