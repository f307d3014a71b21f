"""The officials' review of filings: the list of their scope, a filing's detail and the review actions.

District officials review the filings of their managing district; city officials see every filing
(with a district filter) and take the city review of recommended filings. Each action is a POST that
calls one service: done, it redirects back to the filing; a wrong state (TransitionError) or bad input
(ValidationError) shows the filing's page again with an error message and the action's form as typed,
its errors under the fields; PermissionDenied answers 403; out of scope answers 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django import forms
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certification import registry_facts
from certification.evaluation_input import DIRECT_PATH_CHOICES, MIN_EVALUATION_YEAR
from certification.forms.review import (
    CommentForm,
    OnSiteRecordForm,
    RejectForm,
    ReturnForm,
    ReviewFilterForm,
    declared_text,
    field_label,
)
from certification.guards import on_site_grounds
from certification.models import DECLARED_FIELDS, EVIDENCE_BY_PATH, Application, Registration
from certification.rules import on_site
from certification.rules.review import REVIEW_WORKING_DAYS
from certification.selectors.calendar import calendar_overrides_since
from certification.selectors.filing import applications_visible_to, claim_flags
from certification.selectors.review import REVIEW_SORTING, review_queue, waiting_for_review
from certification.services.review import (
    application_recommend,
    application_record_on_site_check,
    application_reject,
    application_require_on_site_check,
    application_return,
)
from certification.states import WAITING_FOR_REVIEW
from certification.workflow import available
from enterprises.permissions import official_required
from enterprises.roles import is_city_official
from smeportal.listing import list_query, sort_headers, xlsx_download
from smeportal.pagination import paginate_without_count
from smeportal.text import join_clauses, join_list
from smeportal.views import run_service

PER_PAGE = 30


def _needs_on_site_check(application: Application) -> bool:
    """RULES.md §3 on the list page, from the row and its ``revoked_recently`` annotation."""
    return bool(
        on_site.on_site_grounds(
            total_staff=application.total_staff,
            tech_staff=application.tech_staff,
            first_time_applicant=application.first_time_applicant,
            revoked_recently=application.revoked_recently,
        )
    )


def _columns(city: bool):
    return [
        (_("企业"), "enterprise", ""),
        (_("年度"), "year", ""),
        (_("状态"), "state", ""),
        (_("自评得分"), "score", "text-end d-none d-sm-table-cell"),
        (_("提交日期"), "submitted", "d-none d-md-table-cell"),
        (_("已等待（工作日）"), "waiting", "text-end"),
        *([(_("区县/功能区"), "district", "d-none d-md-table-cell")] if city else []),
    ]


def _selection(request):
    """The filter form, the filings it selects (the waiting ones by default, longest waiting first) and
    whether the user is a city official."""
    city = is_city_official(request.user)
    form = ReviewFilterForm(request.GET or None, city=city)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, review_queue(request.user, filters, request.GET.get("sort")), city


@official_required
def review_list(request):
    form, filings, city = _selection(request)
    since = on_site.revocation_lookback_start(timezone.localdate())
    filings_shown = filings.annotate(
        revoked_recently=Exists(
            Registration.objects.filter(
                enterprise_id=OuterRef("enterprise_id"), revoked_at__isnull=False, revoked_at__date__gte=since
            )
        )
    )
    page = paginate_without_count(filings_shown, request.GET.get("page"), PER_PAGE)
    today = timezone.localdate()
    oldest = min((a.waiting_since for a in page.object_list if a.waiting_since), default=None)
    overrides = calendar_overrides_since(today, since=oldest)
    for application in page.object_list:
        application.on_site_required = application.state in WAITING_FOR_REVIEW and _needs_on_site_check(application)
        application.waiting = waiting_for_review(application, today, overrides)
    context = {
        "form": form,
        "page": page,
        "total": filings.count(),
        "headers": sort_headers(request, REVIEW_SORTING, _columns(city)),
        "query": list_query(request),
        "city": city,
        "review_working_days": REVIEW_WORKING_DAYS,
    }
    return render(request, "certification/review/list.html", context)


@require_GET
@official_required
def review_export(request):
    """The queue as the page selects and orders it, as .xlsx (with days waiting and the overdue mark)."""
    _form, filings, _city = _selection(request)
    today = timezone.localdate()
    # Every year a wait can start in: the queue's filings are of the evaluation years the portal accepts.
    overrides = calendar_overrides_since(today, since=dt.date(MIN_EVALUATION_YEAR, 1, 1))
    headers = [_("企业名称"), _("统一社会信用代码"), _("年度"), _("状态"), _("自评得分"), _("提交日期"),
               _("已等待（工作日）"), _("是否超期"), _("区县/功能区")]  # fmt: skip
    yes = _("是")

    def rows():
        for application in filings.iterator(chunk_size=2000):
            waiting = waiting_for_review(application, today, overrides)
            yield [
                application.enterprise.name,
                application.enterprise.credit_code,
                application.evaluation_year,
                application.get_state_display(),
                application.score,
                application.submitted_on,
                waiting.days if waiting else None,
                yes if waiting and waiting.overdue else "",
                application.enterprise.managing_district.name,
            ]

    return xlsx_download(request, "review_queue", f"review-queue-{today:%Y%m%d}.xlsx", _("申报审核"), headers, rows())


def _declared_rows(application: Application) -> list[dict]:
    """The declaration, with what the register says next to the flags it can establish (and a mismatch)."""
    facts = registry_facts.facts_of(application.enterprise)
    mismatched = set(registry_facts.contradictions(application))
    path_labels = dict(DIRECT_PATH_CHOICES)
    rows = []
    for name in DECLARED_FIELDS:
        value = getattr(application, name)
        if name == "direct_paths":
            value = join_list(path_labels.get(path, path) for path in value or []) or "—"
        elif isinstance(value, bool):
            value = _("是") if value else _("否")
        row = {"name": name, "label": field_label(name), "value": "—" if value is None else declared_text(name, value)}
        if name in registry_facts.REGISTRY_FLAGS:
            row["registry"] = registry_facts.fact_text(facts, name)
            row["mismatch"] = name in mismatched
        rows.append(row)
    return rows


def _evidence_rows(application: Application, today) -> list[dict]:
    """Each claimed direct path with its evidence and, when the evidence does not bear it today, why."""
    problems = application.direct_path_problems(on=today)
    path_labels = dict(DIRECT_PATH_CHOICES)
    rows = []
    for path in application.direct_paths or []:
        items = []
        for name in EVIDENCE_BY_PATH.get(path, ()):
            value = getattr(application, name)
            if name == "institution_level":
                value = application.get_institution_level_display()
            items.append((field_label(name), "—" if value in (None, "") else value))
        rows.append({"path": path, "label": path_labels.get(path, path), "items": items, "problem": problems.get(path)})
    return rows


# The forms of the review actions on the detail page, each with its own ids (two of them are comment forms).
ACTION_FORMS = {
    "return_form": (ReturnForm, "return_%s"),
    "recommend_form": (CommentForm, "recommend_%s"),
    "require_on_site_form": (CommentForm, "require_on_site_%s"),
    "on_site_form": (OnSiteRecordForm, "on_site_%s"),
    "reject_form": (RejectForm, "reject_%s"),
}


def _blank_form(name: str) -> forms.Form:
    form_class, auto_id = ACTION_FORMS[name]
    if form_class is OnSiteRecordForm:
        return form_class(auto_id=auto_id, initial={"checked_on": timezone.localdate(), "passed": "1"})
    return form_class(auto_id=auto_id)


def _render_detail(request, pk: int, bound: Mapping[str, forms.Form] | None = None):
    """The filing's review page; ``bound`` holds the action form the official sent and was refused, shown
    again as typed with its errors (the other action forms are blank)."""
    application = get_object_or_404(
        applications_visible_to(request.user).select_related("evaluating_district", "notice_batch"), pk=pk
    )
    city = is_city_official(request.user)
    on_site_reasons = [_(on_site.LABELS[code]) for code in on_site_grounds(application, timezone.localdate())]
    events = list(application.events.select_related("actor").order_by("created_at", "id"))
    for event in events:
        event.field_comment_rows = [(field_label(name), text) for name, text in (event.field_comments or {}).items()]
    possible = available(application, request.user)
    actions = {
        "return": "return" in possible,
        "require_on_site": "require_on_site_check" in possible,
        "record_on_site": "record_on_site_check" in possible,
        "recommend": "recommend" in possible,
        "reject": bool(possible & {"reject", "reject_recommended"}),
    }
    context = {
        "application": application,
        "city": city,
        "declared": _declared_rows(application),
        "evidence": _evidence_rows(application, timezone.localdate()),
        "evaluation": (application.snapshot or {}).get("evaluation"),
        "on_site_reasons": on_site_reasons,
        "events": events,
        "actions": actions,
        "any_action": any(actions.values()),
        **{name: (bound or {}).get(name) or _blank_form(name) for name in ACTION_FORMS},
        "ip_items": list(application.ip_items.all()),
        "rd_projects": list(application.rd_projects.all()),
        "attachments": list(application.attachments.all()),
    }
    flags = claim_flags(
        application,
        ip_items=context["ip_items"],
        rd_projects=context["rd_projects"],
        attachments=context["attachments"],
    )
    context["flags"] = flags
    context["section_flags"] = {
        section: [f for f in flags if f.section == section] for section in ("ip", "rd", "attachments")
    }
    return render(request, "certification/review/detail.html", context)


@official_required
def review_detail(request, pk: int):
    return _render_detail(request, pk)


def _form_errors(form: forms.Form) -> str:
    return join_clauses(
        _("%(label)s：%(errors)s") % {"label": form.fields[name].label, "errors": join_list(errors)}
        if name in form.fields
        else join_list(errors)
        for name, errors in form.errors.items()
    )


def _act(request, pk: int, form_name: str, call, success: str):
    """Scope check (404), form check, then the service. Done: back to the filing's page. Refused (bad
    input or a state that does not allow it): the filing's page again, with the form as the official
    typed it, its errors under the fields and summed up at the top, so nothing typed is lost."""
    application = get_object_or_404(applications_visible_to(request.user), pk=pk)
    form_class, auto_id = ACTION_FORMS[form_name]
    form = form_class(request.POST, auto_id=auto_id)
    if form.is_valid():
        done, _result = run_service(request, lambda: call(application, form), success=success, form=form)
        if done:
            return redirect("certification:review_detail", pk=application.pk)
    if form.errors:
        messages.error(request, _form_errors(form))
    return _render_detail(request, application.pk, {form_name: form})


@require_POST
@official_required
def review_return(request, pk: int):
    return _act(
        request,
        pk,
        "return_form",
        lambda application, form: application_return(
            application_id=application.pk,
            actor=request.user,
            comment=form.cleaned_data["comment"],
            field_comments=form.field_comments(),
        ),
        _("已退回企业修改。"),
    )


@require_POST
@official_required
def review_require_on_site(request, pk: int):
    return _act(
        request,
        pk,
        "require_on_site_form",
        lambda application, form: application_require_on_site_check(
            application_id=application.pk, actor=request.user, comment=form.cleaned_data["comment"]
        ),
        _("已安排现场核查。"),
    )


@require_POST
@official_required
def review_record_on_site(request, pk: int):
    return _act(
        request,
        pk,
        "on_site_form",
        lambda application, form: application_record_on_site_check(
            application_id=application.pk,
            actor=request.user,
            passed=form.cleaned_data["passed"],
            note=form.cleaned_data["note"],
            checked_on=form.cleaned_data["checked_on"],
        ),
        _("已登记现场核查结果。"),
    )


@require_POST
@official_required
def review_recommend(request, pk: int):
    return _act(
        request,
        pk,
        "recommend_form",
        lambda application, form: application_recommend(
            application_id=application.pk, actor=request.user, comment=form.cleaned_data["comment"]
        ),
        _("已推荐公示。"),
    )


@require_POST
@official_required
def review_reject(request, pk: int):
    return _act(
        request,
        pk,
        "reject_form",
        lambda application, form: application_reject(
            application_id=application.pk, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("已作出不予通过的决定。"),
    )
