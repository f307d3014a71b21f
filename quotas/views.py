""" "Recompute now" for city officials: start a quota run and watch its progress (htmx polling); a date or
year refused is shown on the form, with what was typed."""

from __future__ import annotations

from functools import partial

from django import forms
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from enterprises.permissions import city_official_required

from .models import QuotaRun, check_snapshot_day
from .tasks import recompute_quotas


class RecomputeForm(forms.Form):
    """Optional date (not after today) and policy year of the run; today and this year when left empty."""

    as_of = forms.DateField(
        label=gettext_lazy("统计日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    year = forms.IntegerField(label=gettext_lazy("年度"), required=False, min_value=2000, max_value=2100)

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of is not None:
            check_snapshot_day(as_of)
        return as_of


@require_POST
@city_official_required
def recompute(request):
    form = RecomputeForm(request.POST)
    if not form.is_valid():
        return render(request, "quotas/recompute.html", {"form": form})
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
