"""Reads of spot checks (抽查): the draw's population, the year's draw, the checks a user may see.

A check belongs to the district it was assigned to at the draw (``SpotCheck.district``), so a district
official sees their district's checks even after an enterprise moved; city officials see all; everyone
else none (an enterprise is not told it was drawn by this list).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from certification.guards import ban_refusals
from certification.models import Application, EvaluationCampaign, Registration, SpotCheck, SpotCheckDraw
from certification.states import FilingState
from enterprises.scoping import enterprise_scope

HIGH_TECH_CERTIFICATE = "high_tech_certificate"  # Application.direct_paths entry of the certificate path

# The orders the checks list offers: key → fields (the id last keeps pages stable).
SORTS = {
    "district": ("district__sort_order", "district__code", "registration__number", "id"),
    "number": ("registration__number", "id"),
    "enterprise": ("registration__enterprise__name", "id"),
    "state": ("state", "district__sort_order", "registration__number", "id"),
    "checked": ("-checked_at", "id"),
}
DEFAULT_SORT = "district"


@dataclass(frozen=True)
class Population:
    """The registrations a year's sample is drawn from, and how many certificate confirmations were left out."""

    ids: list[int]
    excluded: int


def spot_check_population(year: int) -> Population:
    """The year's registrations not revoked, without those whose filing was confirmed directly by a
    high-tech certificate (its direct paths name the certificate). One query; the JSON list is read in
    Python because SQLite has no JSON containment lookup."""
    ids, excluded = [], 0
    rows = Registration.objects.filter(evaluation_year=year, revoked_at__isnull=True).values_list(
        "pk", "application__direct_paths"
    )
    for pk, paths in rows.iterator(chunk_size=2000):
        if HIGH_TECH_CERTIFICATE in (paths or ()):
            excluded += 1
        else:
            ids.append(pk)
    return Population(ids=sorted(ids), excluded=excluded)


def draw_of(year: int) -> SpotCheckDraw | None:
    return SpotCheckDraw.objects.select_related("drawn_by").filter(year=year).first()


def spot_checks_visible_to(user) -> QuerySet[SpotCheck]:
    """All checks for city officials, their district's for district officials, none for anyone else."""
    scope = enterprise_scope(user)
    checks = SpotCheck.objects.select_related(
        "draw", "district", "registration__enterprise", "checked_by", "revocation"
    )
    if scope.everything:
        return checks
    if scope.district_id is not None:
        return checks.filter(district_id=scope.district_id)
    return checks.none()


def filter_spot_checks(
    checks: QuerySet[SpotCheck], *, year: int | None = None, district_id: int | None = None, state: str = ""
) -> QuerySet[SpotCheck]:
    if year is not None:
        checks = checks.filter(draw__year=year)
    if district_id is not None:
        checks = checks.filter(district_id=district_id)
    if state:
        checks = checks.filter(state=state)
    return checks


def sorted_spot_checks(checks: QuerySet[SpotCheck], sort: str) -> QuerySet[SpotCheck]:
    return checks.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


@dataclass(frozen=True)
class DistrictProgress:
    district_name: str
    assigned: int
    passed: int
    failed: int

    @property
    def total(self) -> int:
        return self.assigned + self.passed + self.failed


def progress_by_district(checks: QuerySet[SpotCheck]) -> list[DistrictProgress]:
    """How many checks each district has, by state (one query)."""
    State = SpotCheck.State
    rows = (
        checks.order_by()
        .values("district__sort_order", "district__code", "district__name")
        .annotate(
            assigned=Count("id", filter=Q(state=State.ASSIGNED)),
            passed=Count("id", filter=Q(state=State.PASSED)),
            failed=Count("id", filter=Q(state=State.FAILED)),
        )
        .order_by("district__sort_order", "district__code")
    )
    return [DistrictProgress(row["district__name"], row["assigned"], row["passed"], row["failed"]) for row in rows]


# The states from which a filing of the year may still be registered, so the draw waits for them.
ON_THE_WAY_TO_REGISTRATION = (FilingState.RECOMMENDED, FilingState.UNDER_NOTICE)


def filings_awaiting_registration(campaign: EvaluationCampaign, today: dt.date) -> int:
    """How many of the campaign year's filings may still be registered: recommended or under notice, of
    an enterprise not barred from the year, while the year's registrations are still made."""
    if today > campaign.registration_valid_until:
        return 0
    filings = list(
        Application.objects.filter(evaluation_year=campaign.year, state__in=ON_THE_WAY_TO_REGISTRATION).only(
            "pk", "enterprise_id", "evaluation_year"
        )
    )
    barred = ban_refusals(filings)
    return sum(1 for filing in filings if filing.pk not in barred)
