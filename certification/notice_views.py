"""Public notice batches for city officials: create, follow, decide objections, register, calendar overrides."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from enterprises.permissions import role_required
from enterprises.roles import is_city_official
from smeportal.pagination import paginate_without_count

from . import notice_services
from .models import Application, CalendarOverride, NoticeBatch, Objection
from .rules.workdays import nth_working_day
from .selectors import calendar_overrides_for
from .services import TransitionError

State = Application.State
city_official_required = role_required(is_city_official)


def notice_end_date(start: dt.date) -> dt.date:
    """The last day of a notice window starting on ``start``, on the official calendar with overrides."""
    overrides = calendar_overrides_for([start.year, start.year + 1])
    return nth_working_day(start, notice_services.NOTICE_WORKING_DAYS, overrides)


def _errors_text(error: ValidationError) -> str:
    return "；".join(error.messages)


# --- Forms --------------------------------------------------------------------------------------


class RecommendedChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.enterprise.name}（{obj.evaluation_year}）"


class BatchForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("公示标题"), max_length=200)
    start_date = forms.DateField(
        label=gettext_lazy("公示开始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    applications = RecommendedChoiceField(
        label=gettext_lazy("公示的申报"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = (
            Application.objects.filter(state=State.RECOMMENDED)
            .select_related("enterprise__managing_district")
            .order_by("enterprise__managing_district__sort_order", "submitted_on", "id")
        )
        self.fields["start_date"].widget.attrs.update(
            {
                "hx-get": reverse("certification:batch_end_date"),
                "hx-trigger": "change",
                "hx-target": "#end-date-preview",
            }
        )


class ObjectionDecisionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=gettext_lazy("处理结论"),
        choices=[("0", gettext_lazy("异议不成立")), ("1", gettext_lazy("异议成立"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=gettext_lazy("处理意见"), widget=forms.Textarea(attrs={"rows": 2}))


class CalendarOverrideForm(forms.ModelForm):
    class Meta:
        model = CalendarOverride
        fields = ["date", "kind", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


# --- Batches ------------------------------------------------------------------------------------


@city_official_required
def batch_list(request):
    batches = NoticeBatch.objects.annotate(
        filing_count=Count("applications", distinct=True),
        open_objections=Count("objections", filter=Q(objections__status=Objection.Status.OPEN), distinct=True),
    ).order_by("-start_date", "-id")
    page = paginate_without_count(batches, request.GET.get("page"), 30)
    return render(
        request,
        "certification/notice/batch_list.html",
        {"page": page, "query": "", "today": timezone.localdate()},
    )


@city_official_required
def batch_create(request):
    """Two steps without JavaScript: the first POST shows the computed end date, the second creates."""
    form = BatchForm(request.POST or None)
    end_date = None
    if request.method == "POST" and form.is_valid():
        end_date = notice_end_date(form.cleaned_data["start_date"])
        if request.POST.get("confirmed") == "1":
            try:
                batch = notice_services.notice_batch_create(
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    start_date=form.cleaned_data["start_date"],
                    application_ids=[a.pk for a in form.cleaned_data["applications"]],
                )
            except TransitionError as error:
                messages.error(request, error.message)
            except ValidationError as error:
                messages.error(request, _errors_text(error))
            else:
                messages.success(
                    request,
                    _("已创建公示批次，公示期{start}至{end}。").format(start=batch.start_date, end=batch.end_date),
                )
                return redirect("certification:batch_detail", pk=batch.pk)
    return render(request, "certification/notice/batch_create.html", {"form": form, "end_date": end_date})


@require_GET
@city_official_required
def batch_end_date(request):
    """htmx partial: the end date of a window starting on ?start_date=YYYY-MM-DD."""
    field = forms.DateField()
    try:
        start = field.clean(request.GET.get("start_date", ""))
    except ValidationError:
        return HttpResponse(_("请选择有效的开始日期。"))
    end = notice_end_date(start)
    return render(request, "certification/notice/_end_date.html", {"start": start, "end": end})


@city_official_required
def batch_detail(request, pk: int):
    batch = get_object_or_404(
        NoticeBatch.objects.prefetch_related(
            Prefetch(
                "applications",
                queryset=Application.objects.select_related("enterprise__managing_district", "registration").order_by(
                    "enterprise__name", "id"
                ),
            ),
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
    return render(
        request,
        "certification/notice/batch_detail.html",
        {
            "batch": batch,
            "is_open": batch.is_open_on(today),
            "is_over": batch.end_date < today,
            "decision_form": ObjectionDecisionForm(initial={"upheld": "0"}),
        },
    )


@require_POST
@city_official_required
def objection_decide(request, pk: int):
    objection = get_object_or_404(Objection, pk=pk)
    form = ObjectionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择处理结论并填写处理意见。"))
        return redirect("certification:batch_detail", pk=objection.batch_id)
    try:
        notice_services.objection_decide(
            actor=request.user,
            objection_id=objection.pk,
            upheld=form.cleaned_data["upheld"],
            note=form.cleaned_data["note"],
        )
    except TransitionError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, _errors_text(error))
    else:
        messages.success(request, _("已处理异议。"))
    return redirect("certification:batch_detail", pk=objection.batch_id)


@require_POST
@city_official_required
def batch_register_due(request, pk: int):
    """Register now every filing whose window has ended and that no objection holds (all batches)."""
    batch = get_object_or_404(NoticeBatch, pk=pk)
    registrations = notice_services.notice_batch_register_due(today=timezone.localdate(), actor=request.user)
    if registrations:
        messages.success(
            request,
            _("已登记入库{count}家企业（所有公示期满的批次）。").format(count=len(registrations)),
        )
    else:
        messages.info(request, _("没有公示期满待登记的申报。"))
    return redirect("certification:batch_detail", pk=batch.pk)


# --- Calendar overrides -------------------------------------------------------------------------


@city_official_required
def calendar_overrides(request):
    form = CalendarOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        override = notice_services.calendar_override_add(actor=request.user, **form.cleaned_data)
        messages.success(request, _("已添加{date}的日历调整。").format(date=override.date))
        return redirect("certification:calendar_overrides")
    since = dt.date(timezone.localdate().year - 1, 1, 1)
    overrides = CalendarOverride.objects.filter(date__gte=since).order_by("date")
    return render(request, "certification/notice/calendar_overrides.html", {"form": form, "overrides": overrides})


@require_POST
@city_official_required
def calendar_override_delete(request, pk: int):
    override = notice_services.calendar_override_delete(actor=request.user, override_id=pk)
    messages.success(request, _("已删除{date}的日历调整。").format(date=override.date))
    return redirect("certification:calendar_overrides")
