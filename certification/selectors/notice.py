"""Reads of the notice batches (公示): the recommended filings a city official can put under notice, and a
batch's filings, each with its district, self-assessed score and the day it was recommended."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncDate

from certification.models import Application, ApplicationEvent
from certification.selectors.filing import snapshot_score
from certification.states import FilingState
from enterprises.models import Enterprise
from enterprises.selectors import search_enterprises
from smeportal.listing import Sorting, nulls_last

_DISTRICT = ("enterprise__managing_district__sort_order", "enterprise__managing_district__code")

# The batch form's table and a batch's list of filings share their columns and sort keys.
NOTICE_SORTING = Sorting(
    keys={
        "enterprise": ("enterprise__name", "id"),
        "district": (*_DISTRICT, nulls_last("recommended_on"), "id"),
        "score": (nulls_last("score"), "id"),
        "recommended": (nulls_last("recommended_on"), "id"),
        "state": ("state", "id"),
    },
    default="district",
)


def _with_score_and_recommendation(filings: QuerySet[Application]) -> QuerySet[Application]:
    recommended = (
        ApplicationEvent.objects.filter(application=OuterRef("pk"), to_state=FilingState.RECOMMENDED)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    return filings.select_related("enterprise__managing_district").annotate(
        score=snapshot_score(),
        recommended_on=TruncDate(Subquery(recommended)),
    )


def notice_candidates(filters: Mapping | None = None, sort: str | None = None) -> QuerySet[Application]:
    """The recommended filings not yet under notice, filtered by ``district``, ``year`` and ``q`` (name or
    credit code), in the order ``sort`` names (by district, then the earliest recommended, by default)."""
    filters = filters or {}
    filings = Application.objects.filter(state=FilingState.RECOMMENDED)
    if filters.get("district"):
        filings = filings.filter(enterprise__managing_district=filters["district"])
    if filters.get("year"):
        filings = filings.filter(evaluation_year=filters["year"])
    if filters.get("q"):
        filings = filings.filter(enterprise__in=search_enterprises(Enterprise.objects.all(), filters["q"]))
    return NOTICE_SORTING.order_by(_with_score_and_recommendation(filings), sort)


def batch_filings(batch_id: int, sort: str | None = None) -> QuerySet[Application]:
    """A batch's filings with their registration, in the order ``sort`` names."""
    filings = Application.objects.filter(notice_batch_id=batch_id).select_related("registration")
    return NOTICE_SORTING.order_by(_with_score_and_recommendation(filings), sort)
