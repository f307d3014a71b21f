""" "Recompute now" for city officials: start a quota run and watch its progress (htmx polling)."""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from enterprises.permissions import city_official_required

from .models import QuotaRun
from .tasks import recompute_quotas


class RecomputeForm(forms.Form):
    """Optional date and policy year of the run; today and this year when left empty."""

    as_of = forms.DateField(label=gettext_lazy("统计日期"), required=False)
    year = forms.IntegerField(label=gettext_lazy("年度"), required=False, min_value=2000, max_value=2100)


@require_POST
@city_official_required
def recompute(request):
    form = RecomputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("统计日期或年度无效。"))
        return redirect("dashboards:city")
    as_of = form.cleaned_data["as_of"] or timezone.localdate()
    year = form.cleaned_data["year"] or as_of.year
    with transaction.atomic():
        run = QuotaRun.objects.create(as_of=as_of, year=year, requested_by=request.user, stage=_("排队中"))
        transaction.on_commit(partial(recompute_quotas.delay, run.pk))
    return redirect("quotas:run", pk=run.pk)


@require_GET
@city_official_required
def quota_run(request, pk: int):
    run = get_object_or_404(QuotaRun.objects.select_related("requested_by"), pk=pk)
    if request.headers.get("HX-Request"):
        return render(request, "quotas/_run_progress.html", {"run": run})
    return render(request, "quotas/run.html", {"run": run})
