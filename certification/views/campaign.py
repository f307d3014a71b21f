"""City officials' yearly campaigns: the list of years and the form of one year's dates."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.forms.campaign import CampaignForm
from certification.models import EvaluationCampaign
from certification.selectors.campaign import campaign_deadlines, campaign_for, filing_campaign
from certification.services.campaign import campaign_save
from enterprises.permissions import city_official_required
from smeportal.views import run_service


@city_official_required
def campaign_list(request):
    """Every stored campaign and this year's and next year's, stored or not, and the current campaign's
    dates still ahead."""
    today = timezone.localdate()
    this_year = today.year
    stored = {campaign.year: campaign for campaign in EvaluationCampaign.objects.all()}
    years = sorted(set(stored) | {this_year, this_year + 1}, reverse=True)
    campaigns = [stored.get(year) or EvaluationCampaign.with_defaults(year) for year in years]
    current = filing_campaign(today)
    context = {
        "campaigns": campaigns,
        "stored": set(stored),
        "current": current,
        "deadlines": campaign_deadlines(current, today),
    }
    return render(request, "certification/campaign/list.html", context)


@city_official_required
def campaign_edit(request, year: int):
    if not 2017 <= year <= 2100:
        return redirect("certification:campaign_list")
    campaign = campaign_for(year)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        done, _campaign = run_service(
            request,
            lambda: campaign_save(actor=request.user, year=year, data=form.cleaned_data),
            form=form,
            success=_("已保存{year}年度评价工作安排。").format(year=year),
        )
        if done:
            return redirect("certification:campaign_list")
    return render(request, "certification/campaign/edit.html", {"campaign": campaign, "form": form, "year": year})
