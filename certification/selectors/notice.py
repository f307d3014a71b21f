"""Reads of the notice batches (公示): the recommended filings a city official can put under notice, and a
batch's filings, each with its district, self-assessed score and the day it was recommended."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate

from certification.models import Application, ApplicationEvent, NoticeBatch, Objection
from certification.selectors.filing import FILING_JSON, snapshot_score
from certification.states import FilingState
from enterprises.models import Enterprise
from enterprises.selectors import search_enterprises
from smeportal.aggregates import count_of
from smeportal.listing import Sorting, nulls_last

# The filing's own copy of its district (KeepsEnterpriseDistrict): sorting thousands of filings by it
# does not look each one's enterprise up.
_DISTRICT = ("managing_district__sort_order", "managing_district__code")

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


def recommended_day_from_events() -> TruncDate:
    """The day of a filing's latest recommendation as its events say: what ``Application.recommended_on``
    holds, for rows written without the workflow (the demo's seeding)."""
    latest = (
        ApplicationEvent.objects.filter(application=OuterRef("pk"), to_state=FilingState.RECOMMENDED)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    return TruncDate(Subquery(latest))


def _with_row_values(filings: QuerySet[Application]) -> QuerySet[Application]:
    """The filings with what a notice table shows besides their own fields: district, score, registration."""
    # The day recommended is the filing's own (Application.recommended_on); the score is in the snapshot.
    # The registration number as a value: a filing without a registration then costs the template no
    # failed lookup (a raised exception and a dir() of the filing, per row of an open batch).
    return filings.select_related("enterprise__managing_district").annotate(
        score=snapshot_score(), registration_number=F("registration__number")
    )


def _candidates(filters: Mapping | None) -> QuerySet[Application]:
    filters = filters or {}
    filings = Application.objects.filter(state=FilingState.RECOMMENDED)
    if filters.get("district"):
        filings = filings.filter(managing_district=filters["district"])
    if filters.get("year"):
        filings = filings.filter(evaluation_year=filters["year"])
    if filters.get("q"):
        filings = filings.filter(enterprise__in=search_enterprises(Enterprise.objects.all(), filters["q"]))
    return filings


def notice_candidate_ids(filters: Mapping | None = None, sort: str | None = None) -> QuerySet:
    """The ids of the recommended filings not yet under notice, filtered by ``district``, ``year`` and ``q``
    (name or credit code), in the order ``sort`` names (by district, then the earliest recommended, by
    default); a page of them becomes rows with ``notice_rows``."""
    return _sorted_ids(_candidates(filters), sort)


def batch_filings(batch_id: int, sort: str | None = None) -> QuerySet[Application]:
    """A batch's filings with their registration number, in the order ``sort`` names."""
    return NOTICE_SORTING.order_by(_with_row_values(Application.objects.filter(notice_batch_id=batch_id)), sort)


def batch_filing_ids(batch_id: int, sort: str | None = None) -> QuerySet:
    """The ids of ``batch_filings``, in its order (see ``notice_rows``)."""
    return _sorted_ids(Application.objects.filter(notice_batch_id=batch_id), sort)


def _sorted_ids(filings: QuerySet[Application], sort: str | None) -> QuerySet:
    # A batch holds thousands of filings: the database sorts their ids alone (the score as an alias,
    # computed only when the order needs it), not their whole rows.
    return NOTICE_SORTING.order_by(filings.alias(score=snapshot_score()), sort).values_list("pk", flat=True)


def notice_rows(ids: list[int]) -> list[Application]:
    """The filings ``ids`` names (one page of ``notice_candidate_ids`` or ``batch_filing_ids``), in that order,
    with their district, score, day recommended and registration number."""
    return _in_order(_with_row_values(Application.objects.all()), ids)


def _in_order(filings: QuerySet[Application], ids: list[int]) -> list[Application]:
    """The filings ``ids`` names, fetched in one query and put back in the order of ``ids``."""
    by_id = filings.defer(*FILING_JSON).in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


# A batch's public list, by district and then name: each filing's ``notice_position`` is its place in this
# order, fixed when the batch is published (services.notice).
PUBLIC_NOTICE_ORDER = ("enterprise__managing_district__sort_order", "enterprise__name", "id")


def public_notice_order(ids: Iterable[int]) -> list[int]:
    """``ids`` in the order of a batch's public list."""
    return list(Application.objects.filter(pk__in=ids).order_by(*PUBLIC_NOTICE_ORDER).values_list("pk", flat=True))


def publicly_listed(prefix: str = "") -> Q:
    """A batch's filings the public list shows: not one its notice ended in a rejection (an objection upheld,
    a revocation's ban), which is no longer under notice and will not be registered."""
    return ~Q(**{f"{prefix}state": FilingState.REJECTED})


def public_notice_filing_ids(batch_id: int) -> QuerySet:
    """The ids of a published batch's listed filings in their public order, read from the index that keeps it."""
    return (
        Application.objects.filter(publicly_listed(), notice_batch_id=batch_id)
        .order_by("notice_position")
        .values_list("pk", flat=True)
    )


def public_notice_rows(ids: list[int]) -> list[Application]:
    """The filings ``ids`` names (a page of ``public_notice_filing_ids``), in that order, with their district."""
    return _in_order(Application.objects.select_related("enterprise__managing_district"), ids)


def notice_preview(batch_ids: list[int], size: int) -> list[Application]:
    """The first ``size`` filings (in the public order) of each batch in ``batch_ids`` that are listed, in one
    query."""
    return list(
        Application.objects.filter(publicly_listed(), notice_batch_id__in=batch_ids, notice_position__lte=size)
        .defer(*FILING_JSON)
        .select_related("enterprise__managing_district")
        .order_by("notice_batch_id", "notice_position")
    )


def batches_with_counts() -> QuerySet[NoticeBatch]:
    """The batches, newest first, each with its number of filings and of open objections. Counted per batch:
    joining both lists and counting distinct rows multiplied a batch's thousands of filings by its objections."""
    return NoticeBatch.objects.annotate(
        filing_count=count_of(Application.objects.filter(notice_batch=OuterRef("pk"))),
        open_objections=count_of(Objection.objects.filter(batch=OuterRef("pk"), status=Objection.Status.OPEN)),
    ).order_by("-start_date", "-id")
