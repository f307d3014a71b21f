"""The background jobs page for city officials (后台任务): every kind of job, newest first, with its state,
duration and error, filtered by kind and state and sorted by a column."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from enterprises.permissions import city_official_required
from smeportal.models import BackgroundJob
from smeportal.pagination import paginate_without_count

from . import jobs

PER_PAGE = 50
SORT_CHOICES = [
    ("created", _("创建时间")),
    ("kind", _("任务类型")),
    ("state", _("状态")),
    ("duration", _("耗时")),
]


class JobFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("任务类型"), required=False, choices=[("", _("全部")), *jobs.KINDS.items()])
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *BackgroundJob.Status.choices])
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES)


@require_GET
@city_official_required
def background_jobs(request):
    form = JobFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    sort = values.get("sort") or jobs.DEFAULT_SORT
    rows = jobs.background_jobs(kind=values.get("kind", ""), state=values.get("state", ""), sort=sort)
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
        },
    )
