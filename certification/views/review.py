"""The officials' review of filings: the list of their scope, a filing's detail and the review actions.

District officials review the filings of their managing district; city officials see every filing
(with a district filter) and take the city review of recommended filings. Each action is a POST that
calls one service: a wrong state (TransitionError) or bad input (ValidationError) becomes an error
message and a redirect back to the filing; PermissionDenied answers 403; out of scope answers 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification.forms.review import (
    CommentForm,
    OnSiteRecordForm,
    RejectForm,
    ReturnForm,
    ReviewFilterForm,
    field_label,
)
from certification.models import DECLARED_FIELDS, Application, Registration
from certification.selectors.filing import applications_visible_to
from certification.services.review import (
    ON_SITE_LABELS,
    REVOCATION_LOOKBACK_YEARS,
    application_recommend,
    application_record_on_site_check,
    application_reject,
    application_require_on_site_check,
    application_return,
    on_site_check_reasons,
)
from certification.states import WAITING_FOR_REVIEW, FilingState
from certification.workflow import TransitionError, _years_before
from enterprises.permissions import official_required
from enterprises.roles import is_city_official
from smeportal.pagination import paginate_without_count
from smeportal.text import join_clauses, join_list

PER_PAGE = 30


def reviewable_filings(user):
    """The filings an official sees in review: their scope, drafts never submitted left out."""
    return applications_visible_to(user).filter(submitted_on__isnull=False)


def _needs_on_site_check(application: Application) -> bool:
    """RULES.md §3 on the list page, from the row and its annotation (on_site_check_reasons per row)."""
    total, tech = application.total_staff, application.tech_staff
    return bool(
        (total is not None and total <= 5)
        or (total is not None and tech is not None and total >= 50 and tech * 10 >= total * 9)
        or application.first_time_applicant
        or application.revoked_recently
    )


@official_required
def review_list(request):
    city = is_city_official(request.user)
    form = ReviewFilterForm(request.GET or None, city=city)
    since = _years_before(timezone.localdate(), REVOCATION_LOOKBACK_YEARS)
    filings = reviewable_filings(request.user).annotate(
        revoked_recently=Exists(
            Registration.objects.filter(
                enterprise_id=OuterRef("enterprise_id"), revoked_at__isnull=False, revoked_at__date__gte=since
            )
        )
    )
    if form.is_valid():
        data = form.cleaned_data
        if data.get("year"):
            filings = filings.filter(evaluation_year=data["year"])
        if data.get("state"):
            filings = filings.filter(state=data["state"])
        if data.get("district"):
            filings = filings.filter(enterprise__managing_district=data["district"])
    page = paginate_without_count(filings.order_by("-submitted_on", "-id"), request.GET.get("page"), PER_PAGE)
    for application in page.object_list:
        application.on_site_required = application.state in WAITING_FOR_REVIEW and _needs_on_site_check(application)
        application.score = ((application.snapshot or {}).get("evaluation") or {}).get("total_score")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "certification/review/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "city": city},
    )


def _declared_rows(application: Application) -> list[dict]:
    rows = []
    for name in DECLARED_FIELDS:
        value = getattr(application, name)
        if name == "direct_paths":
            value = join_list(value or []) or "—"
        elif isinstance(value, bool):
            value = _("是") if value else _("否")
        rows.append({"name": name, "label": field_label(name), "value": "—" if value is None else value})
    return rows


@official_required
def review_detail(request, pk: int):
    application = get_object_or_404(
        reviewable_filings(request.user).select_related("evaluating_district", "notice_batch"), pk=pk
    )
    city = is_city_official(request.user)
    state = application.state
    on_site_reasons = [str(ON_SITE_LABELS[code]) for code in on_site_check_reasons(application)]
    events = list(application.events.select_related("actor").order_by("created_at", "id"))
    for event in events:
        event.field_comment_rows = [(field_label(name), text) for name, text in (event.field_comments or {}).items()]
    actions = {
        "return": state in WAITING_FOR_REVIEW,
        "require_on_site": state == FilingState.SUBMITTED,
        "record_on_site": state == FilingState.ON_SITE_CHECK,
        "recommend": state in WAITING_FOR_REVIEW,
        "reject": state in (*WAITING_FOR_REVIEW, FilingState.RETURNED) or (city and state == FilingState.RECOMMENDED),
    }
    context = {
        "application": application,
        "city": city,
        "declared": _declared_rows(application),
        "evaluation": (application.snapshot or {}).get("evaluation"),
        "on_site_reasons": on_site_reasons,
        "events": events,
        "actions": actions,
        "any_action": any(actions.values()),
        "return_form": ReturnForm(),
        "comment_form": CommentForm(),
        "on_site_form": OnSiteRecordForm(initial={"checked_on": timezone.localdate(), "passed": "1"}),
        "reject_form": RejectForm(),
        "ip_items": list(application.ip_items.all()),
        "rd_projects": list(application.rd_projects.all()),
        "attachments": list(application.attachments.all()),
    }
    return render(request, "certification/review/detail.html", context)


def _form_errors(form: forms.Form) -> str:
    return join_clauses(
        _("%(label)s：%(errors)s") % {"label": form.fields[name].label, "errors": join_list(errors)}
        if name in form.fields
        else join_list(errors)
        for name, errors in form.errors.items()
    )


def _act(request, pk: int, form_class, call, success: str):
    """Scope check (404), form check, then the service; errors become messages on the filing page."""
    application = get_object_or_404(reviewable_filings(request.user), pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("certification:review_detail", pk=application.pk)
    try:
        call(application, form)
    except TransitionError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("certification:review_detail", pk=application.pk)


@require_POST
@official_required
def review_return(request, pk: int):
    return _act(
        request,
        pk,
        ReturnForm,
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
        CommentForm,
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
        OnSiteRecordForm,
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
        CommentForm,
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
        RejectForm,
        lambda application, form: application_reject(
            application_id=application.pk, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("已作出不予通过的决定。"),
    )
