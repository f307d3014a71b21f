"""Read-only selectors of the dashboards: queries over the quota SNAPSHOTS that return view models.

Each selector is one query over ``TechShareSnapshot`` or ``DepartmentShareSnapshot`` (a handful of
rows per date), so a page costs the same at a hundred enterprises and at a million; what it returns
is a view model of ``dashboards.view_models``, which the page, its charts and its .xlsx exports all
read. The one read outside the snapshots is the district's list of filings waiting for review (the
page's 10 oldest, or all of them for the export), through the certification selectors, so that a
user sees only the filings in their scope.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from certification.models import Application
from certification.selectors.filing import applications_visible_to
from certification.states import WAITING_FOR_REVIEW
from quotas.models import DepartmentShareSnapshot, TechShareSnapshot

from .view_models import (
    HORIZON_YEARS,
    DepartmentRow,
    Horizon,
    HorizonCompare,
    HorizonRow,
    LeagueRow,
    Overview,
    Trend,
    TrendSeries,
    WaitingFiling,
    breakdown_from,
    candidates_from,
    percent,
)

CITY = TechShareSnapshot.CITY
WORK_LIST_LIMIT = 10


# --- Dates and years --------------------------------------------------------------------------


def snapshot_years() -> list[int]:
    """The policy years that have a city snapshot, newest first (one query)."""
    return list(
        TechShareSnapshot.objects.filter(scope_key=CITY)
        .order_by("-policy_year")
        .values_list("policy_year", flat=True)
        .distinct()
    )


def latest_as_of(year: int | None = None, *, on_or_before: dt.date | None = None) -> dt.date | None:
    """The latest snapshot date (of a policy year, not after a date), or None (one query)."""
    qs = TechShareSnapshot.objects.filter(scope_key=CITY)
    if year is not None:
        qs = qs.filter(policy_year=year)
    if on_or_before is not None:
        qs = qs.filter(as_of__lte=on_or_before)
    return qs.aggregate(latest=Max("as_of"))["latest"]


@dataclass(frozen=True)
class Selection:
    """The year and date the page shows, chosen from the filters (default: the latest snapshot)."""

    years: list[int]
    year: int | None
    as_of: dt.date | None
    requested_date: dt.date | None = None


def select_period(year: int | None = None, date: dt.date | None = None) -> Selection:
    """Two queries: the years with snapshots, then the latest snapshot date of the year not after ``date``."""
    years = snapshot_years()
    if year is None or year not in years:
        year = years[0] if years else None
    as_of = latest_as_of(year, on_or_before=date) if year is not None else None
    return Selection(years=years, year=year, as_of=as_of, requested_date=date)


# --- The league of districts ------------------------------------------------------------------


def _ranks(rows: list[TechShareSnapshot]) -> dict[str, int]:
    """Competition ranking by share (equal shares share a rank: 1, 2, 2, 4)."""
    shares = sorted((row.share for row in rows), reverse=True)
    return {row.scope_key: 1 + sum(1 for s in shares if s > row.share) for row in rows}


def _tied_with(ranks: dict[str, int]) -> dict[str, int]:
    """Per scope, how many other scopes share its rank."""
    seen = Counter(ranks.values())
    return {key: seen[rank] - 1 for key, rank in ranks.items()}


def _name_of(snapshot: TechShareSnapshot) -> str:
    if snapshot.scope_key == CITY:
        return _("全市")
    return snapshot.district.name if snapshot.district_id else snapshot.scope_key


def _league_row(
    snapshot: TechShareSnapshot,
    *,
    rank: int | None,
    tied_with: int,
    previous_rank: int | None,
    previous_share: Decimal | None,
) -> LeagueRow:
    return LeagueRow(
        code=snapshot.scope_key,
        name=_name_of(snapshot),
        is_city=snapshot.scope_key == CITY,
        newly_registered=snapshot.newly_registered,
        candidates=snapshot.candidates,
        filed=snapshot.filed,
        recommended=snapshot.recommended,
        registered=snapshot.registered,
        valid_registrations=snapshot.valid_registrations,
        share_percent=percent(snapshot.share),
        target_percent=percent(snapshot.target),
        met=snapshot.met,
        short_by=snapshot.short_by,
        computed_at=snapshot.computed_at,
        rank=rank,
        tied_with=tied_with,
        previous_rank=previous_rank,
        share_change=None if previous_share is None else percent(snapshot.share - previous_share),
        breakdown=breakdown_from(snapshot.breakdown),
        closest_candidates=candidates_from(snapshot.closest_candidates),
    )


def city_overview(as_of: dt.date | None) -> Overview:
    """The city row and every district row of a date, ranked, with the change since the previous date.

    One query: the previous snapshot date is a subquery, and both dates' rows come back together.
    """
    if as_of is None:
        return Overview(as_of=None)
    previous = TechShareSnapshot.objects.filter(scope_key=CITY, as_of__lt=as_of).order_by("-as_of").values("as_of")[:1]
    rows = list(
        TechShareSnapshot.objects.filter(Q(as_of=as_of) | Q(as_of=Subquery(previous)))
        .select_related("district")
        .order_by("as_of", "scope_key")
    )
    current = [row for row in rows if row.as_of == as_of]
    earlier = [row for row in rows if row.as_of != as_of]
    overview = Overview(as_of=as_of, previous_as_of=earlier[0].as_of if earlier else None)
    current_districts = [row for row in current if row.scope_key != CITY]
    ranks = _ranks(current_districts)
    tied_with = _tied_with(ranks)
    previous_ranks = _ranks([row for row in earlier if row.scope_key != CITY])
    previous_shares = {row.scope_key: row.share for row in earlier}
    for snapshot in current:
        row = _league_row(
            snapshot,
            rank=ranks.get(snapshot.scope_key),
            tied_with=tied_with.get(snapshot.scope_key, 0),
            previous_rank=previous_ranks.get(snapshot.scope_key),
            previous_share=previous_shares.get(snapshot.scope_key),
        )
        if row.is_city:
            overview.city = row
        else:
            overview.districts.append(row)
    # Ties in share keep a stable order: more registered first, then the districts' own order.
    order = {row.scope_key: (row.district.sort_order if row.district_id else 0) for row in current_districts}
    overview.districts.sort(key=lambda row: (row.rank, -row.registered, order[row.code], row.code))
    return overview


# --- Trend ------------------------------------------------------------------------------------


def district_trend(
    scope_keys: list[str] | None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Trend:
    """The share over time of the given scopes (None: every scope), for a chart. One query."""
    qs = TechShareSnapshot.objects.all()
    if scope_keys is not None:
        qs = qs.filter(scope_key__in=scope_keys)
    if since is not None:
        qs = qs.filter(as_of__gte=since)
    if until is not None:
        qs = qs.filter(as_of__lte=until)
    values = qs.order_by("as_of").values_list("scope_key", "as_of", "share", "district__name", "district__sort_order")
    dates: list[dt.date] = []
    by_scope: dict[str, dict] = {}
    for scope_key, as_of, share, district_name, sort_order in values:
        if not dates or dates[-1] != as_of:
            dates.append(as_of)
        entry = by_scope.setdefault(
            scope_key,
            {
                "name": _("全市") if scope_key == CITY else (district_name or scope_key),
                "order": (0 if scope_key == CITY else 1, sort_order or 0, scope_key),
                "shares": {},
            },
        )
        entry["shares"][as_of] = percent(share)
    series = [
        TrendSeries(key=key, name=entry["name"], shares=[entry["shares"].get(day) for day in dates])
        for key, entry in sorted(by_scope.items(), key=lambda item: item[1]["order"])
    ]
    return Trend(dates=dates, series=series)


def period_trend(period: Selection, scope_keys: list[str] | None = None) -> Trend:
    """The trend since the first snapshot up to the selected date, across the plan's years (the share
    counts from the plan's baseline, so the years follow on); empty (no query) without a date."""
    if period.as_of is None:
        return Trend()
    return district_trend(scope_keys, until=period.as_of)


# --- Departments ------------------------------------------------------------------------------


def department_rows(year: int | None, as_of: dt.date | None) -> list[DepartmentRow]:
    """The departments' figures of a year on the latest department snapshot date not after ``as_of``.

    One query (the date is a subquery); the department names come with a join.
    """
    if year is None or as_of is None:
        return []
    day = DepartmentShareSnapshot.objects.filter(year=year, as_of__lte=as_of).order_by("-as_of").values("as_of")[:1]
    snapshots = (
        DepartmentShareSnapshot.objects.filter(year=year, as_of=Subquery(day))
        .select_related("department")
        .order_by("department__code", "department_id")
    )
    return [
        DepartmentRow(
            name=snapshot.department.name,
            as_of=snapshot.as_of,
            computed_at=snapshot.computed_at,
            agreements=snapshot.agreements,
            new_agreements=snapshot.new_agreements,
            share_percent=percent(snapshot.share),
            target_percent=percent(snapshot.target),
            met=snapshot.met,
            short_by=snapshot.short_by,
            task=snapshot.task,
            assisted_enterprises=snapshot.assisted_enterprises,
            task_percent=percent(snapshot.task_progress),
        )
        for snapshot in snapshots
    ]


# --- The district dashboard's work lists ------------------------------------------------------


WAITING_FIELDS = (
    "pk",
    "enterprise_id",
    "enterprise__name",
    "enterprise__credit_code",
    "evaluation_year",
    "state",
    "submitted_on",
)


def _waiting_filings(values) -> Iterator[WaitingFiling]:
    states = dict(Application.State.choices)
    for pk, enterprise_id, name, credit_code, year, state, submitted_on in values:
        yield WaitingFiling(
            id=pk,
            enterprise_id=enterprise_id,
            enterprise_name=name,
            credit_code=credit_code,
            evaluation_year=year,
            state_label=str(states[state]),
            submitted_on=submitted_on,
        )


def filings_waiting_all(user, district) -> Iterator[WaitingFiling]:
    """Every filing of the district waiting for its review, oldest first, for the export: one query,
    read in chunks, so that a long list streams into the workbook."""
    return _waiting_filings(_waiting(user, district).values_list(*WAITING_FIELDS).iterator(chunk_size=2000))


def filings_waiting(user, district) -> tuple[int, list[WaitingFiling]]:
    """The count and the 10 oldest filings of the district waiting for the district's review (two queries)."""
    qs = _waiting(user, district)
    count = qs.count()
    first = list(_waiting_filings(qs.values_list(*WAITING_FIELDS)[:WORK_LIST_LIMIT])) if count else []
    return count, first


def _waiting(user, district) -> QuerySet[Application]:
    return (
        applications_visible_to(user)
        .filter(managing_district=district, state__in=WAITING_FOR_REVIEW, submitted_on__isnull=False)
        .order_by("submitted_on", "pk")
    )


# --- The plan's horizon -----------------------------------------------------------------------

HORIZON_SHOWN_YEARS = 6  # the year-end columns: this year and the five before


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def plan_horizon(as_of: dt.date | None, scope_keys: list[str] | None = None) -> Horizon:
    """The share of the given scopes (None: every scope) on ``as_of`` against the latest snapshot one,
    three and five years before, and on each year's last snapshot (two queries: the days, then their rows)."""
    if as_of is None:
        return Horizon()
    days = list(
        TechShareSnapshot.objects.filter(scope_key=CITY, as_of__lte=as_of)
        .order_by("as_of")
        .values_list("as_of", flat=True)
    )
    compared_on = [max((d for d in days if d <= _years_before(as_of, n)), default=None) for n in HORIZON_YEARS]
    year_end = {day.year: day for day in days if day.year > as_of.year - HORIZON_SHOWN_YEARS}
    year_end[as_of.year] = as_of
    years = sorted(year_end)
    wanted = {as_of, *year_end.values(), *(d for d in compared_on if d is not None)}
    rows_qs = TechShareSnapshot.objects.filter(as_of__in=wanted)
    if scope_keys is not None:
        rows_qs = rows_qs.filter(scope_key__in=scope_keys)
    values = rows_qs.order_by().values_list("scope_key", "as_of", "share", "district__name", "district__sort_order")
    shares: dict[str, dict[dt.date, Decimal]] = {}
    names: dict[str, tuple] = {}
    for scope_key, day, share, district_name, sort_order in values:
        shares.setdefault(scope_key, {})[day] = percent(share)
        names[scope_key] = (0 if scope_key == CITY else 1, sort_order or 0, scope_key, district_name)
    rows = []
    for scope_key, (*_order, district_name) in sorted(names.items(), key=lambda item: item[1][:3]):
        own = shares[scope_key]
        now = own.get(as_of)
        compares = []
        for n, day in zip(HORIZON_YEARS, compared_on, strict=True):
            then = own.get(day) if day else None
            change = None if now is None or then is None else now - then
            compares.append(HorizonCompare(years=n, share_percent=then, change=change))
        rows.append(
            HorizonRow(
                code=scope_key,
                name=_("全市") if scope_key == CITY else (district_name or scope_key),
                is_city=scope_key == CITY,
                share_percent=now,
                compares=compares,
                year_ends=[own.get(year_end[year]) for year in years],
            )
        )
    return Horizon(as_of=as_of, compared_on=compared_on, years=years, rows=rows)
