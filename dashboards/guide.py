"""The help page (办事指南): the procedure, the current campaign's dates, what each filing state means,
and where each role does its work. Open to everyone."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from certification.selectors.campaign import campaign_deadlines, filing_campaign
from certification.states import MEANINGS, FilingState


def guide(request):
    today = timezone.localdate()
    campaign = filing_campaign(today)
    context = {
        "campaign": campaign,
        "deadlines": campaign_deadlines(campaign, today),
        "states": [(state.label, MEANINGS[state]) for state in FilingState],
    }
    return render(request, "help.html", context)
