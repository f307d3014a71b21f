"""Assistance pages: department home, agreements, service records, enterprises without assistance,
the enterprise's own view with feedback, and the city overview. Thin: services write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assistance.permissions import (
    agreement_scope_required,
    department_or_city_required,
    department_or_official_required,
    department_required,
    is_department_user,
)
from enterprises.permissions import city_official_required, enterprise_user_required
from enterprises.roles import member_enterprise_id
from smeportal.listing import Header, list_query, list_total, sort_headers, xlsx_download
from smeportal.pagination import paginate_without_count
from smeportal.uploads import stored_file_download
from smeportal.views import run_service

from . import rules, services
from .forms import AgreementForm, AgreementListFilterForm, FeedbackForm, ServiceRecordForm, WithoutAssistanceFilterForm
from .models import AssistanceAgreement, Department, ServiceRecord
from .roles import member_department_id
from .selectors import (
    AGREEMENT_SORTING,
    WITHOUT_ASSISTANCE_SORTING,
    agreements_listed,
    agreements_visible_to,
    agreements_with_records,
    can_manage_department,
    department_progress,
    departments_progress,
    enterprise_by_name_or_code,
    enterprise_suggestions,
    new_enterprises_without_assistance,
    open_issues,
    with_record_counts,
)

HOME_AGREEMENTS = 20


def selected_year(request) -> int:
    """The page's ``?year=``, this year without one; a year no agreement can have is a 404."""
    if not (text := request.GET.get("year")):
        return timezone.localdate().year
    if (year := rules.parse_year(text)) is None:
        raise Http404
    return year


def _department_page(request, department: Department):
    year = selected_year(request)
    agreements = with_record_counts(
        agreements_visible_to(request.user).filter(department=department, year=year).order_by("-signed_on", "-id")
    )[:HOME_AGREEMENTS]
    context = {
        "department": department,
        "year": year,
        "progress": department_progress(department, year),
        "agreements": agreements,
        "agreement_headers": [Header(label, css) for label, _key, css in _agreement_columns(show_department=False)],
        "issues": open_issues(department, year)[:20],
        "can_edit": can_manage_department(request.user, department.pk),
    }
    return render(request, "assistance/department_home.html", context)


@department_required
@require_GET
def department_home(request):
    department = get_object_or_404(Department, pk=member_department_id(request.user))
    return _department_page(request, department)


@city_official_required
@require_GET
def department_detail(request, pk: int):
    return _department_page(request, get_object_or_404(Department, pk=pk))


@city_official_required
@require_GET
def overview(request):
    year = selected_year(request)
    return render(request, "assistance/overview.html", {"year": year, "rows": departments_progress(year)})


def _agreement_columns(*, show_department: bool = True):
    return [
        (_("企业"), "enterprise", ""),
        *([(_("部门"), "department", "d-none d-md-table-cell")] if show_department else []),
        (_("年度"), "year", ""),
        (_("签订日期"), "signed", "d-none d-md-table-cell"),
        (_("责任人"), None, "d-none d-md-table-cell"),
        (_("新企业"), None, ""),
        (_("状态"), None, "d-none d-md-table-cell"),
        (_("服务次数"), None, "d-none d-md-table-cell text-end"),
    ]


@department_or_official_required
@require_GET
def agreement_list(request):
    form = AgreementListFilterForm(request.GET or None)
    agreements = agreements_listed(request.user, **form.filters(), sort=request.GET.get("sort"))
    context = {
        "form": form,
        "page": paginate_without_count(agreements, request.GET.get("page")),
        **list_total(agreements),
        "headers": sort_headers(request, AGREEMENT_SORTING, _agreement_columns()),
        "query": list_query(request),
        "can_create": is_department_user(request.user),
    }
    return render(request, "assistance/agreement_list.html", context)


def _agreement_values(form: AgreementForm) -> dict:
    data = form.cleaned_data
    return {
        "signed_on": data["signed_on"],
        "measures": data["measures"],
        "goals": data["goals"],
        "responsible_officer": data["responsible_officer"],
        "status": data["status"],
    }


def _prefill(request) -> dict:
    """The enterprise and year a "sign an agreement" link names (``?enterprise=<credit code>&year=``);
    the form checks them like typed values when it is posted."""
    initial = {}
    if enterprise := request.GET.get("enterprise", "").strip()[:200]:
        initial["enterprise"] = enterprise
    if year := rules.parse_year(request.GET.get("year", "")):
        initial["year"] = year
    return initial


@department_required
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    form = AgreementForm(request.POST or None, request.FILES or None, initial=_prefill(request))
    if request.method == "POST" and form.is_valid():
        done, agreement = run_service(
            request,
            lambda: services.agreement_create(
                actor=request.user,
                department_id=member_department_id(request.user),
                enterprise_id=form.cleaned_data["enterprise"].pk,
                year=form.cleaned_data["year"],
                document=form.cleaned_data.get("document"),
                **_agreement_values(form),
            ),
            form=form,
            success=_("帮扶协议已保存。"),
        )
        if done:
            return redirect(agreement)
    # The firm a code names, by name and district, so the user sees whom they sign with (a link fills in the code).
    named = enterprise_by_name_or_code(form["enterprise"].value() or "")
    return render(request, "assistance/agreement_form.html", {"form": form, "agreement": None, "named": named})


def _managed_agreement(request, pk: int) -> AssistanceAgreement:
    agreement = get_object_or_404(agreements_visible_to(request.user), pk=pk)
    if not can_manage_department(request.user, agreement.department_id):
        raise Http404
    return agreement


@department_or_city_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk: int):
    agreement = _managed_agreement(request, pk)
    initial = {name: getattr(agreement, name) for name in services.AGREEMENT_FIELDS}
    form = AgreementForm(request.POST or None, request.FILES or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            request,
            lambda: services.agreement_update(
                actor=request.user,
                agreement_id=agreement.pk,
                document=form.cleaned_data.get("document"),
                **_agreement_values(form),
            ),
            form=form,
            success=_("帮扶协议已更新。"),
        )
        if done:
            return redirect(agreement)
    return render(request, "assistance/agreement_form.html", {"form": form, "agreement": agreement})


@require_POST
@department_or_city_required
def agreement_archive(request, pk: int):
    agreement = _managed_agreement(request, pk)
    try:
        services.agreement_archive(actor=request.user, agreement_id=agreement.pk)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
        return redirect(agreement)
    messages.success(request, _("帮扶协议已归档。"))
    return redirect("assistance:agreement_list")


def _agreement_page(request, pk: int, *, refused_feedback: tuple[int, FeedbackForm] | None = None):
    """The agreement with its service records; ``refused_feedback`` (record id, bound form) shows a refused
    feedback again under its record, with its errors and the text as typed."""
    agreement = get_object_or_404(agreements_with_records(agreements_visible_to(request.user)), pk=pk)
    refused_record_id, refused_form = refused_feedback or (None, None)
    context = {
        "agreement": agreement,
        "records": agreement.service_records.all(),
        "can_edit": can_manage_department(request.user, agreement.department_id),
        "is_enterprise": member_enterprise_id(request.user) == agreement.enterprise_id,
        "feedback_form": FeedbackForm(),
        "refused_feedback_record": refused_record_id,
        "refused_feedback_form": refused_form,
    }
    return render(request, "assistance/agreement_detail.html", context)


@agreement_scope_required
@require_GET
def agreement_detail(request, pk: int):
    return _agreement_page(request, pk)


@agreement_scope_required
@require_GET
def agreement_document(request, pk: int):
    agreement = get_object_or_404(agreements_visible_to(request.user), pk=pk)
    if not agreement.document:
        raise Http404
    name = agreement.document.name.rsplit("/", 1)[-1]
    return stored_file_download(agreement.document, f"agreement-{agreement.pk}-{name}")


@department_or_city_required
@require_http_methods(["GET", "POST"])
def record_create(request, pk: int):
    agreement = _managed_agreement(request, pk)
    form = ServiceRecordForm(request.POST or None, initial={"date": timezone.localdate()}, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            request,
            lambda: services.service_record_create(actor=request.user, agreement_id=agreement.pk, **form.cleaned_data),
            form=form,
            success=_("服务记录已保存。"),
        )
        if done:
            return redirect(agreement)
    return render(request, "assistance/record_form.html", {"form": form, "agreement": agreement, "record": None})


@department_or_city_required
@require_http_methods(["GET", "POST"])
def record_edit(request, pk: int):
    record = get_object_or_404(
        ServiceRecord.objects.select_related("agreement__enterprise"),
        pk=pk,
        agreement__in=agreements_visible_to(request.user).values("pk"),
    )
    agreement = record.agreement
    if not can_manage_department(request.user, agreement.department_id):
        raise Http404
    instance = ServiceRecord.objects.get(pk=record.pk)
    form = ServiceRecordForm(request.POST or None, instance=instance, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            request,
            lambda: services.service_record_update(actor=request.user, record_id=record.pk, **form.cleaned_data),
            form=form,
            success=_("服务记录已更新。"),
        )
        if done:
            return redirect(agreement)
    return render(request, "assistance/record_form.html", {"form": form, "agreement": agreement, "record": record})


@require_POST
@enterprise_user_required
def record_feedback(request, pk: int):
    """Save the enterprise's feedback; a refused one (empty, too long) is shown again on the agreement's page
    under its record, with the reason and the text as typed."""
    record = get_object_or_404(
        ServiceRecord.objects.only("pk", "agreement_id"),
        pk=pk,
        agreement__enterprise_id=member_enterprise_id(request.user),
        agreement__archived=False,
    )
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            done, _result = run_service(
                request,
                lambda: services.service_record_feedback(
                    actor=request.user, record_id=record.pk, feedback=form.cleaned_data["feedback"]
                ),
                form=form,
                success=_("感谢您的评价。"),
            )
        except (ServiceRecord.DoesNotExist, PermissionDenied):
            raise Http404 from None
        if done:
            return redirect("assistance:agreement_detail", pk=record.agreement_id)
    form.fields["feedback"].widget.attrs["autofocus"] = True  # the page opens at the refused feedback
    return _agreement_page(request, record.agreement_id, refused_feedback=(record.pk, form))


@enterprise_user_required
@require_GET
def my_agreements(request):
    agreements = agreements_with_records(agreements_visible_to(request.user)).order_by("-year", "-signed_on")
    return render(request, "assistance/my_agreements.html", {"agreements": agreements, "feedback_form": FeedbackForm()})


def _without_assistance_columns():
    return [
        (_("企业名称"), "name", ""),
        (_("统一社会信用代码"), None, "d-none d-md-table-cell"),
        (_("管理区县/功能区"), "district", ""),
        (_("成立日期"), "established", ""),
        (_("来源"), None, "d-none d-md-table-cell"),
        (_("产业集群"), None, "d-none d-md-table-cell"),
    ]


def _without_assistance_selection(request):
    """The filter form, the year and the new enterprises without assistance the page's query selects."""
    form = WithoutAssistanceFilterForm(request.GET or None)
    year = timezone.localdate().year
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        year = data["year"] or year
        filters = {
            "district_id": data["district"].pk if data["district"] else None,
            "cluster_id": data["cluster"].pk if data["cluster"] else None,
            "industry_section": data["industry_section"],
        }
    return form, year, new_enterprises_without_assistance(year, **filters, sort=request.GET.get("sort"))


@department_or_city_required
@require_GET
def without_assistance(request):
    form, year, enterprises = _without_assistance_selection(request)
    context = {
        "form": form,
        "page": paginate_without_count(enterprises, request.GET.get("page")),
        **list_total(enterprises),
        "headers": sort_headers(request, WITHOUT_ASSISTANCE_SORTING, _without_assistance_columns()),
        "query": list_query(request),
        "year": year,
        "can_sign": is_department_user(request.user),
    }
    return render(request, "assistance/without_assistance.html", context)


@department_or_city_required
@require_GET
def without_assistance_export(request):
    """The list as the page selects and orders it, as .xlsx: the firms to call for the 20% share."""
    _form, year, enterprises = _without_assistance_selection(request)
    headers = [label for label, _key, _css in _without_assistance_columns()]

    def rows():
        for e in enterprises.iterator(chunk_size=2000):
            yield [
                e.name,
                e.credit_code,
                e.managing_district.name,
                e.established_on,
                e.get_origin_display() + (f"（{e.introduced_on:%Y-%m-%d}）" if e.introduced_on else ""),
                e.cluster.name if e.cluster else "",
            ]

    filename = f"new-enterprises-without-assistance-{year}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_download(request, "without_assistance", filename, _("待帮扶新企业"), headers, rows())


@department_required
@require_GET
def enterprise_search(request):
    """htmx suggestions for the enterprise field of the agreement form."""
    suggestions = enterprise_suggestions(request.GET.get("enterprise", ""))
    return render(request, "assistance/_enterprise_suggestions.html", {"suggestions": suggestions})
