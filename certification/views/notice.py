"""City officials' notice batches (公示), objection decisions, registration and calendar overrides."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certification.forms.notice import (
    BatchFilterForm,
    BatchForm,
    CalendarOverrideDeleteForm,
    CalendarOverrideForm,
    ObjectionDecisionForm,
)
from certification.guards import ban_refusals
from certification.models import CalendarOverride, DeadlineChange, NoticeBatch, Objection
from certification.selectors.calendar import notice_end_for
from certification.selectors.campaign import deadline
from certification.selectors.notice import (
    NOTICE_SORTING,
    batch_filing_ids,
    batch_filings,
    batches_with_counts,
    notice_candidate_ids,
    notice_rows,
)
from certification.services import calendar as calendar_services
from certification.services import notice as notice_services
from certification.services.notice import notice_batch_create
from certification.services.registration import notice_batch_register_due
from certification.states import FilingState
from enterprises.permissions import city_official_required
from smeportal.listing import list_query, sort_headers, xlsx_download
from smeportal.pagination import paginate_without_count
from smeportal.text import join_clauses
from smeportal.views import run_service

PER_PAGE = 50  # a batch holds thousands of filings: its page and the batch form's table are paginated


@city_official_required
def batch_list(request):
    page = paginate_without_count(batches_with_counts(), request.GET.get("page"), 30)
    return render(
        request,
        "certification/notice/batch_list.html",
        {"page": page, "query": "", "today": timezone.localdate()},
    )


def _notice_columns():
    return [
        (_("企业"), "enterprise", ""),
        (_("区县/功能区"), "district", ""),
        (_("年度"), None, "d-none d-md-table-cell"),
        (_("自评得分"), "score", "text-end"),
        (_("推荐日期"), "recommended", "text-nowrap"),
    ]


@city_official_required
def batch_create(request):
    """One page: the recommended filings as a table with filters and select-all, the title and start (its
    end date previewed by htmx), and one POST that creates the batch."""
    filter_form = BatchFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_bound and filter_form.is_valid() else {}
    candidate_ids = notice_candidate_ids(filters, request.GET.get("sort"))
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["all_filtered"]:
            application_ids = list(candidate_ids)
        else:
            application_ids = [a.pk for a in form.cleaned_data["applications"]]
        done, batch = run_service(
            request,
            lambda: notice_batch_create(
                actor=request.user,
                title=form.cleaned_data["title"],
                start_date=form.cleaned_data["start_date"],
                application_ids=application_ids,
            ),
            form=form,
            success=lambda batch: _("已创建公示批次，公示期{start}至{end}。").format(
                start=batch.start_date, end=batch.end_date
            ),
        )
        if done:
            return redirect("certification:batch_detail", pk=batch.pk)
    page = paginate_without_count(candidate_ids, request.GET.get("page"), PER_PAGE)
    start = form.cleaned_data.get("start_date") if form.is_bound else None
    context = {
        "filter_form": filter_form,
        "form": form,
        "page": page,
        "candidates": notice_rows(page.object_list),
        "total": candidate_ids.count(),
        "headers": sort_headers(request, NOTICE_SORTING, _notice_columns()),
        "query": list_query(request),
        "selected": set(request.POST.getlist("applications")),
        "start": start,
        "end_date": notice_end_for(start) if start else None,
    }
    return render(request, "certification/notice/batch_create.html", context)


@require_GET
@city_official_required
def batch_end_date(request):
    """htmx partial: the end date of a window starting on ?start_date=YYYY-MM-DD."""
    field = forms.DateField()
    try:
        start = field.clean(request.GET.get("start_date", ""))
    except ValidationError:
        return HttpResponse(_("请选择有效的开始日期。"))
    try:
        notice_services.validate_notice_start(start)
    except ValidationError as error:
        return HttpResponse(join_clauses(error.messages))
    end = notice_end_for(start)
    return render(request, "certification/notice/_end_date.html", {"start": start, "end": end})


@city_official_required
def batch_detail(request, pk: int):
    batch = get_object_or_404(
        NoticeBatch.objects.prefetch_related(
            Prefetch("deadline_changes", queryset=DeadlineChange.objects.select_related("created_by")),
            Prefetch(
                "objections",
                queryset=Objection.objects.select_related("application__enterprise", "decided_by").order_by(
                    "created_at", "id"
                ),
            ),
        ),
        pk=pk,
    )
    today = timezone.localdate()
    filing_ids = batch_filing_ids(batch.pk, request.GET.get("sort"))
    page = paginate_without_count(filing_ids, request.GET.get("page"), PER_PAGE)
    filings = notice_rows(page.object_list)
    bans = ban_refusals(filing for filing in filings if filing.state == FilingState.UNDER_NOTICE)
    for filing in filings:
        filing.ban_refusal = bans.get(filing.pk)
    return render(
        request,
        "certification/notice/batch_detail.html",
        {
            "batch": batch,
            "page": page,
            "filings": filings,
            "total": filing_ids.count(),
            "headers": sort_headers(request, NOTICE_SORTING, _batch_columns()),
            "query": list_query(request),
            "is_open": batch.is_open_on(today),
            "is_over": batch.end_date < today,
            "deadline": deadline(_("公示结束"), batch.end_date, today) if batch.end_date >= today else None,
            "decision_form": ObjectionDecisionForm(initial={"upheld": "0"}),
        },
    )


@require_GET
@city_official_required
def batch_export(request, pk: int):
    """The batch's filings in the page's order, as .xlsx."""
    batch = get_object_or_404(NoticeBatch, pk=pk)
    headers = [label for label, _key, _css in _batch_columns()]
    headers.insert(1, _("统一社会信用代码"))

    def rows():
        for a in batch_filings(batch.pk, request.GET.get("sort")).iterator(chunk_size=2000):
            yield [
                a.enterprise.name,
                a.enterprise.credit_code,
                a.enterprise.managing_district.name,
                a.evaluation_year,
                a.score,
                a.recommended_on,
                a.get_state_display(),
                a.registration_number or "",
            ]

    return xlsx_download(request, "notice_batch", f"notice-batch-{batch.pk}.xlsx", batch.title, headers, rows())


def _batch_columns():
    return [*_notice_columns(), (_("状态"), "state", ""), (_("入库登记编号"), None, "")]


@require_POST
@city_official_required
def objection_decide(request, pk: int):
    objection = get_object_or_404(Objection, pk=pk)
    form = ObjectionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择处理结论并填写处理意见。"))
        return redirect("certification:batch_detail", pk=objection.batch_id)
    run_service(
        request,
        lambda: notice_services.objection_decide(
            actor=request.user,
            objection_id=objection.pk,
            upheld=form.cleaned_data["upheld"],
            note=form.cleaned_data["note"],
        ),
        success=_("已处理异议。"),
    )
    return redirect("certification:batch_detail", pk=objection.batch_id)


@require_POST
@city_official_required
def batch_register_due(request, pk: int):
    """Register now the filings of this batch whose notice has ended and that no objection holds."""
    batch = get_object_or_404(NoticeBatch, pk=pk)
    registrations = notice_batch_register_due(today=timezone.localdate(), actor=request.user, batch_id=batch.pk)
    if registrations:
        messages.success(request, _("已为本批次登记入库{count}家企业。").format(count=len(registrations)))
    else:
        messages.info(request, _("没有公示期满待登记的申报。"))
    return redirect("certification:batch_detail", pk=batch.pk)


def _calendar_change_messages(request, change) -> None:
    """After an override went through: the deadlines it moved, and any notice now ending late."""
    if change.changes:
        messages.info(
            request,
            _("已重新计算{count}项进行中的期限，并已通知相关企业和市级管理人员。").format(count=len(change.changes)),
        )
    for warning in change.warnings:
        messages.warning(request, warning)


def _calendar_page(
    request, form: CalendarOverrideForm, *, refused_delete: tuple[int, CalendarOverrideDeleteForm] | None = None
):
    """The overrides since last year with the add form; ``refused_delete`` is the override whose delete was
    refused and the delete form as the official typed it, shown again in its row with its errors."""
    since = dt.date(timezone.localdate().year - 1, 1, 1)
    overrides = CalendarOverride.objects.filter(date__gte=since).order_by("date")
    deleting, delete_form = refused_delete or (None, None)
    return render(
        request,
        "certification/notice/calendar_overrides.html",
        {"form": form, "overrides": overrides, "deleting": deleting, "delete_form": delete_form},
    )


@city_official_required
def calendar_overrides(request):
    form = CalendarOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, change = run_service(
            request,
            lambda: calendar_services.calendar_override_add(actor=request.user, **form.cleaned_data),
            form=form,
            success=lambda change: _("已添加{date}的日历调整。").format(date=change.override.date),
        )
        if done:
            _calendar_change_messages(request, change)
            return redirect("certification:calendar_overrides")
    return _calendar_page(request, form)


@require_POST
@city_official_required
def calendar_override_delete(request, pk: int):
    """Done: back to the overrides. Refused (no reason, or a notice it would end before today): the page
    again, the reason as the official typed it in the override's row with the error."""
    override = get_object_or_404(CalendarOverride, pk=pk)
    form = CalendarOverrideDeleteForm(request.POST)
    if form.is_valid():
        done, change = run_service(
            request,
            lambda: calendar_services.calendar_override_delete(
                actor=request.user, override_id=override.pk, reason=form.cleaned_data["reason"]
            ),
            form=form,
            success=_("已删除{date}的日历调整。").format(date=override.date),
        )
        if done:
            _calendar_change_messages(request, change)
            return redirect("certification:calendar_overrides")
    if form.errors:
        messages.error(request, join_clauses(message for errors in form.errors.values() for message in errors))
    return _calendar_page(request, CalendarOverrideForm(), refused_delete=(override.pk, form))
