"""City officials keep each year's evaluation campaign (its windows and deadlines)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from certification.models import EvaluationCampaign
from certification.workflow import ensure_city

CAMPAIGN_FIELDS = (
    "filing_opens",
    "filing_closes",
    "batch_cutoffs",
    "notices_end_by",
    "spot_checks_due",
    "summary_due",
    "registration_valid_until",
    "award_window_years",
    "spot_check_share",
    "on_site_small_staff_max",
    "on_site_high_tech_staff_min",
    "on_site_high_tech_share_percent",
    "on_site_revocation_lookback_years",
)


@transaction.atomic
def campaign_save(*, actor, year: int, data: Mapping[str, object]) -> EvaluationCampaign:
    """Create or change the campaign of ``year`` (city officials); the dates must come in order."""
    ensure_city(actor)
    campaign = EvaluationCampaign.objects.select_for_update().filter(year=year).first()
    if campaign is None:
        campaign = EvaluationCampaign.with_defaults(year)
        campaign.created_by = actor
    for name in CAMPAIGN_FIELDS:
        if name in data:
            setattr(campaign, name, data[name])
    campaign.updated_by = actor
    campaign.full_clean(exclude=["created_by", "updated_by"])
    campaign.save()
    return campaign
