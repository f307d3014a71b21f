"""Read-only selectors of the dashboards, over the quota SNAPSHOTS only.

The pages never touch the enterprise table for their figures: each selector is one query over
``TechShareSnapshot`` or ``DepartmentShareSnapshot`` (a handful of rows per date), so a page costs
the same at a hundred enterprises and at a million. The only reads outside the snapshots are the
district dashboard's work lists (filings waiting for review, candidates closest to eligibility),
which are limited to 10 rows and use the certification selectors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certification.models import Application
from certification.rules import closeness
from certification.selectors.filing import applications_visible_to
from certification.states import WAITING_FOR_REVIEW
from enterprises.models import Enterprise
from quotas.models import DepartmentShareSnapshot, TechShareSnapshot

CITY = TechShareSnapshot.CITY
WORK_LIST_LIMIT = 10
FUNNEL_STEPS = ("newly_registered", "candidates", "filed", "recommended", "registered")
BREAKDOWN_KINDS = ("origin", "founder_category", "cluster")


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


@dataclass
class ScopeRow:
    """One scope's figures on a date, with its rank among the districts and the change since the previous date."""

    snapshot: TechShareSnapshot
    name: str
    code: str
    rank: int | None = None
    previous_rank: int | None = None
    previous_share: Decimal | None = None

    def __getattr__(self, name):  # the snapshot's fields: newly_registered, share, met, short_by, breakdown, …
        if name == "snapshot":
            raise AttributeError(name)
        return getattr(self.snapshot, name)

    @property
    def is_city(self) -> bool:
        return self.snapshot.scope_key == CITY

    @property
    def share_percent(self) -> Decimal:
        return percent(self.snapshot.share)

    @property
    def target_percent(self) -> Decimal:
        return percent(self.snapshot.target)

    @property
    def rank_change(self) -> int | None:
        """Places moved up (positive) or down (negative) since the previous snapshot; None if new."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def share_change(self) -> Decimal | None:
        """The change of the share in percentage points since the previous snapshot."""
        if self.previous_share is None:
            return None
        return percent(self.snapshot.share - self.previous_share)

    @property
    def funnel(self) -> list[tuple[str, int]]:
        return [(step, getattr(self.snapshot, step)) for step in FUNNEL_STEPS]


@dataclass
class Overview:
    as_of: dt.date | None
    previous_as_of: dt.date | None = None
    city: ScopeRow | None = None
    districts: list[ScopeRow] = field(default_factory=list)

    @property
    def computed_at(self):
        rows = [row.computed_at for row in ([self.city] if self.city else []) + self.districts]
        return max(rows) if rows else None

    def row_for(self, code: str) -> ScopeRow | None:
        return next((row for row in self.districts if row.code == code), None)


def percent(share: Decimal | None) -> Decimal | None:
    if share is None:
        return None
    return (Decimal(share) * 100).quantize(Decimal("0.01"))


def _ranks(rows: list[TechShareSnapshot]) -> dict[str, int]:
    """Competition ranking by share (equal shares share a rank: 1, 2, 2, 4)."""
    shares = sorted((row.share for row in rows), reverse=True)
    return {row.scope_key: 1 + sum(1 for s in shares if s > row.share) for row in rows}


def _name_of(snapshot: TechShareSnapshot) -> str:
    if snapshot.scope_key == CITY:
        return _("全市")
    return snapshot.district.name if snapshot.district_id else snapshot.scope_key


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
    earlier_districts = [row for row in earlier if row.scope_key != CITY]
    ranks, previous_ranks = _ranks(current_districts), _ranks(earlier_districts)
    previous_shares = {row.scope_key: row.share for row in earlier}
    for snapshot in current:
        row = ScopeRow(
            snapshot=snapshot,
            name=_name_of(snapshot),
            code=snapshot.scope_key,
            rank=ranks.get(snapshot.scope_key),
            previous_rank=previous_ranks.get(snapshot.scope_key),
            previous_share=previous_shares.get(snapshot.scope_key),
        )
        if snapshot.scope_key == CITY:
            overview.city = row
        else:
            overview.districts.append(row)
    overview.districts.sort(
        key=lambda row: (
            row.rank,
            -row.snapshot.registered,
            row.snapshot.district.sort_order if row.snapshot.district_id else 0,
            row.code,
        )
    )
    return overview


# --- Trend ------------------------------------------------------------------------------------


@dataclass
class Trend:
    dates: list[dt.date]
    series: list[dict]  # {"key", "name", "shares": [percent or None per date]}

    def rows(self) -> list[list]:
        """One row per date: the date, then each series' share in percent (None where missing)."""
        return [[day, *(series["shares"][i] for series in self.series)] for i, day in enumerate(self.dates)]


def district_trend(
    scope_keys: list[str] | None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    year: int | None = None,
) -> Trend:
    """The share over time of the given scopes (None: every scope), for a chart. One query."""
    qs = TechShareSnapshot.objects.all()
    if scope_keys is not None:
        qs = qs.filter(scope_key__in=scope_keys)
    if since is not None:
        qs = qs.filter(as_of__gte=since)
    if until is not None:
        qs = qs.filter(as_of__lte=until)
    if year is not None:
        qs = qs.filter(policy_year=year)
    values = qs.order_by("as_of").values_list("scope_key", "as_of", "share", "district__name", "district__sort_order")
    dates: list[dt.date] = []
    by_scope: dict[str, dict] = {}
    for scope_key, as_of, share, district_name, sort_order in values:
        if not dates or dates[-1] != as_of:
            dates.append(as_of)
        entry = by_scope.setdefault(
            scope_key,
            {
                "key": scope_key,
                "name": _("全市") if scope_key == CITY else (district_name or scope_key),
                "order": (0 if scope_key == CITY else 1, sort_order or 0, scope_key),
                "values": {},
            },
        )
        entry["values"][as_of] = percent(share)
    series = [
        {"key": entry["key"], "name": entry["name"], "shares": [entry["values"].get(day) for day in dates]}
        for entry in sorted(by_scope.values(), key=lambda entry: entry["order"])
    ]
    return Trend(dates=dates, series=series)


# --- Breakdown of the new tech SMEs -----------------------------------------------------------


def breakdown_rows(snapshot: TechShareSnapshot | None) -> dict[str, list[tuple[str, str, int]]]:
    """The snapshot's breakdown as labelled rows per kind: (code, label, count), largest first."""
    labels = {
        "origin": dict(Enterprise.Origin.choices),
        "founder_category": dict(Enterprise.FounderCategory.choices),
        "cluster": {},
    }
    empty = {"origin": _("未标注"), "founder_category": _("未标注"), "cluster": _("未归入重点产业集群")}
    data = (snapshot.breakdown if snapshot is not None else None) or {}
    result = {}
    for kind in BREAKDOWN_KINDS:
        counts = data.get(kind) or {}
        rows = []
        for code, count in counts.items():
            code = "" if code in (None, "None", "null") else str(code)
            label = labels[kind].get(code) or (code if code else empty[kind])
            rows.append((code, str(label), int(count or 0)))
        rows.sort(key=lambda row: (-row[2], row[1]))
        result[kind] = rows
    return result


def breakdown_labels() -> dict[str, str]:
    return {"origin": _("企业来源"), "founder_category": _("创办人类别"), "cluster": _("重点产业集群")}


# --- Departments ------------------------------------------------------------------------------


def department_table(year: int | None, as_of: dt.date | None) -> list[DepartmentShareSnapshot]:
    """The departments' snapshots of a year on the latest department snapshot date not after ``as_of``.

    One query (the date is a subquery); the department names come with a join.
    """
    if year is None or as_of is None:
        return []
    day = DepartmentShareSnapshot.objects.filter(year=year, as_of__lte=as_of).order_by("-as_of").values("as_of")[:1]
    rows = list(
        DepartmentShareSnapshot.objects.filter(year=year, as_of=Subquery(day))
        .select_related("department")
        .order_by("department__code", "department_id")
    )
    for row in rows:
        row.share_percent = percent(row.share)
        row.target_percent = percent(row.target)
        row.task_percent = percent(row.task_progress)
        row.bar_percent = min(float(row.task_percent or 0), 100.0)
    return rows


# --- The district dashboard's work lists ------------------------------------------------------


def candidate_rows(snapshot: TechShareSnapshot | None) -> list[dict]:
    """The district's closest pool candidates as the tech-share job stored them, each with its data
    source and its result (eligible, points short, no data) as text and as a badge colour."""
    sources = {
        closeness.SOURCE_FILING: _("申报数据"),
        closeness.SOURCE_ESTIMATE: _("估算数据"),
        closeness.SOURCE_NONE: _("暂无数据"),
    }
    rows = []
    for candidate in (snapshot.closest_candidates if snapshot is not None else None) or []:
        if candidate["eligible"]:
            kind, result = "success", _("符合条件")
        elif candidate["source"] == closeness.SOURCE_NONE:
            kind, result = "secondary", _("暂无数据")
        else:  # a filing or an estimate always has a distance (certification.pool_selectors)
            n = candidate["distance"]
            kind, result = "warning", ngettext("差 %(n)s 分", "差 %(n)s 分", n) % {"n": n}
        rows.append({**candidate, "source_label": sources[candidate["source"]], "result": result, "result_kind": kind})
    return rows


def filings_waiting_all(user, district) -> list[tuple]:
    """Every filing of the district waiting for its review, oldest first, for the export (one query):
    (enterprise, credit code, evaluation year, state label, submitted on)."""
    states = dict(Application.State.choices)
    rows = _waiting(user, district).values_list(
        "enterprise__name", "enterprise__credit_code", "evaluation_year", "state", "submitted_on"
    )
    return [(name, code, year, str(states[state]), day) for name, code, year, state, day in rows]


def filings_waiting(user, district) -> tuple[int, list[Application]]:
    """The count and the 10 oldest filings of the district waiting for the district's review (two queries)."""
    qs = _waiting(user, district)
    count = qs.count()
    first = list(qs[:WORK_LIST_LIMIT]) if count else []
    return count, first


def _waiting(user, district) -> QuerySet[Application]:
    return (
        applications_visible_to(user)
        .filter(enterprise__managing_district=district, state__in=WAITING_FOR_REVIEW, submitted_on__isnull=False)
        .order_by("submitted_on", "pk")
    )
