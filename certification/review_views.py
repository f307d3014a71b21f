"""The officials' review of filings: the list of their scope, a filing's detail and the review actions.

District officials review the filings of their managing district; city officials see every filing
(with a district filter) and take the city review of recommended filings. Each action is a POST that
calls one service: a wrong state (TransitionError) or bad input (ValidationError) becomes an error
message and a redirect back to the filing; PermissionDenied answers 403; out of scope answers 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from enterprises.models import District
from enterprises.permissions import official_required
from enterprises.roles import is_city_official
from smeportal.pagination import paginate_without_count
from smeportal.text import join_clauses, join_list

from . import services
from .models import DECLARED_FIELDS, Application, Registration
from .selectors import applications_visible_to
from .services import ON_SITE_LABELS, UNDER_REVIEW, TransitionError

State = Application.State

# Declared items an official may comment on one by one when returning a filing.
COMMENTABLE_FIELDS = tuple(
    name
    for name in (
        "total_staff",
        "tech_staff",
        "sales_revenue",
        "total_costs",
        "rd_expense",
        "total_assets",
        "class1_ip",
        "class2_ip",
        "direct_paths",
    )
    if name in DECLARED_FIELDS  # the service accepts comments on declared items only
)
PER_PAGE = 30


def field_label(name: str) -> str:
    return str(Application._meta.get_field(name).verbose_name)


def reviewable_filings(user):
    """The filings an official sees in review: their scope, drafts never submitted left out."""
    return applications_visible_to(user).filter(submitted_on__isnull=False)


# --- Forms --------------------------------------------------------------------------------------


class ReviewFilterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("评价年度"), required=False, min_value=2000, max_value=2100)
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    district = forms.ModelChoiceField(
        label=gettext_lazy("区县/功能区"), required=False, queryset=District.objects.none()
    )

    def __init__(self, *args, city: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("全部"))] + [
            (value, label) for value, label in State.choices if value != State.DRAFT
        ]
        if city:
            self.fields["district"].queryset = District.objects.all()
        else:
            del self.fields["district"]


class ReturnForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("总体意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in COMMENTABLE_FIELDS:
            self.fields[f"field_{name}"] = forms.CharField(label=field_label(name), required=False, max_length=500)

    def field_comments(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[f"field_{name}"].strip()
            for name in COMMENTABLE_FIELDS
            if self.cleaned_data.get(f"field_{name}", "").strip()
        }


class CommentForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OnSiteRecordForm(forms.Form):
    checked_on = forms.DateField(
        label=gettext_lazy("核查日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    passed = forms.TypedChoiceField(
        label=gettext_lazy("核查结论"),
        choices=[("1", gettext_lazy("通过")), ("0", gettext_lazy("不通过"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=gettext_lazy("核查记录"), widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("不予通过理由"), widget=forms.Textarea(attrs={"rows": 2}))


# --- Pages --------------------------------------------------------------------------------------


def _needs_on_site_check(application: Application) -> bool:
    """RULES.md §3 on the list page, from the row and its annotation (services.on_site_check_reasons per row)."""
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
    since = services._years_before(timezone.localdate(), services.REVOCATION_LOOKBACK_YEARS)
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
        application.on_site_required = application.state in UNDER_REVIEW and _needs_on_site_check(application)
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
    on_site_reasons = [str(ON_SITE_LABELS[code]) for code in services.on_site_check_reasons(application)]
    events = list(application.events.select_related("actor").order_by("created_at", "id"))
    for event in events:
        event.field_comment_rows = [(field_label(name), text) for name, text in (event.field_comments or {}).items()]
    actions = {
        "return": state in UNDER_REVIEW,
        "require_on_site": state == State.SUBMITTED,
        "record_on_site": state == State.ON_SITE_CHECK,
        "recommend": state in UNDER_REVIEW,
        "reject": state in (*UNDER_REVIEW, State.RETURNED) or (city and state == State.RECOMMENDED),
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


# --- Actions ------------------------------------------------------------------------------------


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
        lambda application, form: services.application_return(
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
        lambda application, form: services.application_require_on_site_check(
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
        lambda application, form: services.application_record_on_site_check(
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
        lambda application, form: services.application_recommend(
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
        lambda application, form: services.application_reject(
            application_id=application.pk, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("已作出不予通过的决定。"),
    )
