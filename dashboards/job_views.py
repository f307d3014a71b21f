"""The background jobs page for city officials (后台任务): every kind of job, newest first, with its state,
duration and error, filtered by kind and state, sorted by a column, counted and exported to Excel."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from enterprises.permissions import city_official_required
from smeportal.listing import list_total, xlsx_download
from smeportal.models import BackgroundJob
from smeportal.pagination import paginate_without_count

from . import jobs

PER_PAGE = 50
SORT_CHOICES = [
    ("created", gettext_lazy("创建时间")),
    ("kind", gettext_lazy("任务类型")),
    ("state", gettext_lazy("状态")),
    ("duration", gettext_lazy("耗时")),
]
ALL = ("", gettext_lazy("全部"))


class JobFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("任务类型"), required=False, choices=[ALL, *jobs.KINDS.items()])
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False, choices=[ALL, *BackgroundJob.Status.choices])
    sort = forms.ChoiceField(label=gettext_lazy("排序"), required=False, choices=SORT_CHOICES)


def _selected_jobs(request):
    """The jobs the page's filters select, in its order; with the bound form and the sort key."""
    form = JobFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    sort = values.get("sort") or jobs.DEFAULT_SORT
    return jobs.background_jobs(kind=values.get("kind", ""), state=values.get("state", ""), sort=sort), form, sort


@require_GET
@city_official_required
def background_jobs(request):
    rows, form, sort = _selected_jobs(request)
    page = paginate_without_count(rows, request.GET.get("page"), PER_PAGE)
    page.object_list = [jobs.job(row) for row in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    without_sort = query.copy()
    without_sort.pop("sort", None)
    return render(
        request,
        "dashboards/jobs.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "sort": sort,
            "sort_query": without_sort.urlencode(),
            **list_total(rows),
        },
    )


@require_GET
@city_official_required
def background_jobs_export(request):
    """The jobs the page's filters select, in its order, as .xlsx (recorded in the security log)."""
    rows, _form, _sort = _selected_jobs(request)
    headers = [
        _("任务类型"),
        _("对象"),
        _("状态"),
        _("发起人"),
        _("创建时间"),
        _("开始时间"),
        _("完成时间"),
        _("耗时"),
        _("错误信息"),
    ]

    def written():
        for job in map(jobs.job, rows.iterator(chunk_size=2000)):
            yield [
                str(job.kind_label),
                str(job.label),
                str(job.status_label),
                job.requested_by or _("系统"),
                *(_local(moment) for moment in (job.created, job.started, job.finished)),
                job.elapsed,
                job.error,
            ]

    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_download(request, "background_jobs", f"background-jobs-{stamp}.xlsx", _("后台任务"), headers, written())


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""
