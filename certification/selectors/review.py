"""The officials' review queue: the filings of their scope, filtered and sorted as the list page asks.

By default the queue is the work waiting for the official: filings submitted (or resubmitted) and not
yet decided, the longest waiting first. A filing waits since its latest submission (a resubmission
after a return starts the wait again), which the workflow stores on the filing; or since its first
submission when none was stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import DateField, QuerySet
from django.db.models.functions import Coalesce

from certification.models import Application
from certification.rules import review
from certification.rules.workdays import CalendarOverrides
from certification.selectors.filing import FILING_JSON, applications_visible_to, snapshot_score
from certification.states import WAITING_FOR_REVIEW
from smeportal.listing import Sorting, nulls_last

WAITING = ""  # the state filter's default: every state that waits for a review
ALL = "all"

REVIEW_SORTING = Sorting(
    keys={
        "enterprise": ("enterprise__name", "id"),
        "year": ("evaluation_year", "id"),
        "state": ("state", "id"),
        "score": (nulls_last("score"), "id"),
        "waiting": (nulls_last("waiting_since"), "id"),
        "submitted": (nulls_last("submitted_on"), "id"),
        "district": ("managing_district__sort_order", "managing_district__code", "id"),  # the filing's own copy
    },
    default="waiting",
)


def waiting_since():
    """The day a filing's wait starts: its latest submission, stored by the workflow; the first submission
    for a filing with none stored. Indexed (``application_waiting_since``) for the waiting states."""
    return Coalesce("last_submitted_on", "submitted_on", output_field=DateField())


def review_queue(user, filters: Mapping | None = None, sort: str | None = None) -> QuerySet[Application]:
    """The filings ``user`` reviews, with ``waiting_since`` (a date) and ``score``, filtered by ``year``, ``state``
    (:data:`WAITING` by default, :data:`ALL`, or one state) and, for city officials, ``district``.

    Rows for lists (the queue, its export, the workbench): the filing's JSON, the submission's snapshot the
    largest, is neither shown there nor read."""
    filters = filters or {}
    filings = (
        applications_visible_to(user)
        .defer(*FILING_JSON)
        .annotate(
            waiting_since=waiting_since(),
            score=snapshot_score(),
        )
    )
    if filters.get("year"):
        filings = filings.filter(evaluation_year=filters["year"])
    state = filters.get("state") or WAITING
    if state == WAITING:
        filings = filings.filter(state__in=WAITING_FOR_REVIEW)
    elif state != ALL:
        filings = filings.filter(state=state)
    if filters.get("district"):
        filings = filings.filter(managing_district=filters["district"])
    return REVIEW_SORTING.order_by(filings, sort)


@dataclass(frozen=True)
class Waiting:
    """How long a filing has waited for the district's review (certification/rules/review.py)."""

    days: int  # working days since its latest submission, that day not counted
    due: dt.date
    overdue: bool


def waiting_for_review(application: Application, today: dt.date, overrides: CalendarOverrides) -> Waiting | None:
    """The wait of a filing of :func:`review_queue` from its latest submission; None once it does not wait."""
    since = application.waiting_since
    if application.state not in WAITING_FOR_REVIEW or since is None:
        return None
    return Waiting(
        days=review.working_days_waiting(since, today, overrides),
        due=review.review_due(since, overrides),
        overdue=review.is_overdue(since, today, overrides),
    )
