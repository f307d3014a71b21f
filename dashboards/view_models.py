"""The dashboards' view models: named, read-only figures that the pages, the charts and the exports share.

``dashboards.selectors`` builds them from the quota snapshots; the templates, ``dashboards.charts``
and ``dashboards.exports`` read them by field name. Nothing here queries the database: the
builders below only turn what a snapshot stored (counts, the breakdown JSON, the closest
candidates) into labelled values, in the language of the current request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assistance import newness
from certification.rules import closeness
from enterprises.models import Enterprise

# The new enterprises' path; the pool's open candidates are not a step of it (any firm may be in the pool).
FUNNEL_STEPS = ("newly_registered", "filed", "recommended", "registered")
BREAKDOWN_KINDS = ("origin", "founder_category", "cluster")


def percent(share: Decimal | None) -> Decimal | None:
    """A share (0.0833) as a percentage with two decimals (8.33), rounded toward zero (``newness.percent``)."""
    return None if share is None else newness.percent(share)


# --- Funnel -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    key: str  # one of FUNNEL_STEPS
    label: str
    count: int
    percent_of_new: Decimal | None  # None when there are no newly registered enterprises


@dataclass(frozen=True)
class Funnel:
    """From newly registered to registered, one step per stage of FUNNEL_STEPS."""

    steps: list[FunnelStep] = field(default_factory=list)


def funnel_labels() -> dict[str, str]:
    return {
        "newly_registered": _("新注册企业"),
        "filed": _("已申报"),
        "recommended": _("已推荐"),
        "registered": _("已入库"),
    }


def funnel_from(counts: Mapping[str, int]) -> Funnel:
    labels = funnel_labels()
    whole = counts["newly_registered"]
    return Funnel(
        steps=[
            FunnelStep(
                key=step,
                label=labels[step],
                count=counts[step],
                percent_of_new=percent(newness.share_of(counts[step], whole)) if whole else None,
            )
            for step in FUNNEL_STEPS
        ]
    )


# --- Breakdown of the new tech SMEs -----------------------------------------------------------


@dataclass(frozen=True)
class BreakdownItem:
    code: str  # "" for enterprises without a value of this kind
    label: str
    count: int


@dataclass(frozen=True)
class BreakdownGroup:
    kind: str  # one of BREAKDOWN_KINDS
    title: str
    items: list[BreakdownItem]


@dataclass(frozen=True)
class Breakdown:
    """The registered new enterprises by origin, founder category and cluster: every kind, in
    BREAKDOWN_KINDS order, even when it has no items, so that a chart finds its kind by name."""

    groups: list[BreakdownGroup] = field(default_factory=list)

    def group(self, kind: str) -> BreakdownGroup:
        return next(group for group in self.groups if group.kind == kind)

    @property
    def is_empty(self) -> bool:
        return not any(group.items for group in self.groups)


def breakdown_titles() -> dict[str, str]:
    return {"origin": _("企业来源"), "founder_category": _("创办人类别"), "cluster": _("重点产业集群")}


def breakdown_from(data: Mapping | None) -> Breakdown:
    """The snapshot's stored breakdown ({kind: {code: count}}), labelled, largest first in each kind."""
    labels = {
        "origin": dict(Enterprise.Origin.choices),
        "founder_category": dict(Enterprise.FounderCategory.choices),
        "cluster": {},  # the job stores a cluster by its name, which is its label
    }
    empty = {"origin": _("未标注"), "founder_category": _("未标注"), "cluster": _("未归入重点产业集群")}
    titles = breakdown_titles()
    data = data or {}
    groups = []
    for kind in BREAKDOWN_KINDS:
        items = []
        for code, count in (data.get(kind) or {}).items():
            # The job stores a missing value as ""; "None" and "null" are what str() and JSON make of None.
            code = "" if code in (None, "None", "null") else str(code)
            label = labels[kind].get(code) or (code if code else empty[kind])
            items.append(BreakdownItem(code=code, label=str(label), count=int(count or 0)))
        items.sort(key=lambda item: (-item.count, item.label))
        groups.append(BreakdownGroup(kind=kind, title=titles[kind], items=items))
    return Breakdown(groups=groups)


# --- The closest pool candidates of a district ------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A pool enterprise as the tech-share job ranked it, with its result as text and as a badge colour."""

    id: int
    name: str
    score: int | None
    source: str  # closeness.SOURCE_*
    source_label: str
    result: str
    result_kind: str  # a Bootstrap colour: success, warning, secondary


def candidates_from(stored: Iterable[Mapping] | None) -> list[Candidate]:
    sources = {
        closeness.SOURCE_FILING: _("申报数据"),
        closeness.SOURCE_ESTIMATE: _("估算数据"),
        closeness.SOURCE_NONE: _("暂无数据"),
    }
    candidates = []
    for stored_candidate in stored or []:
        if stored_candidate["eligible"]:
            kind, result = "success", _("符合条件")
        elif stored_candidate["source"] == closeness.SOURCE_NONE:
            kind, result = "secondary", _("暂无数据")
        else:  # a filing or an estimate always has a distance (certification.selectors.pool)
            n = stored_candidate["distance"]
            kind, result = "warning", ngettext("差 %(n)s 分", "差 %(n)s 分", n) % {"n": n}
        candidates.append(
            Candidate(
                id=stored_candidate["id"],
                name=stored_candidate["name"],
                score=stored_candidate.get("score"),
                source=stored_candidate["source"],
                source_label=sources[stored_candidate["source"]],
                result=result,
                result_kind=kind,
            )
        )
    return candidates


# --- The league of districts ------------------------------------------------------------------


@dataclass(frozen=True)
class LeagueRow:
    """One scope's figures on a date: a district's row of the league, or the city's total line.

    Shares and targets are percentages (8.33, not 0.0833). ``rank`` and ``previous_rank`` are None
    for the city; ``previous_*`` are None when the previous snapshot date did not have this scope.
    """

    code: str
    name: str
    is_city: bool
    newly_registered: int
    candidates: int  # the pool's open candidates (certification.selectors.pool.open_candidates), all of them
    filed: int
    recommended: int
    registered: int  # registered since the baseline and not revoked, expired ones included (RULES.md §5)
    valid_registrations: int  # of those, the ones still valid on the day
    share_percent: Decimal
    target_percent: Decimal
    met: bool
    short_by: int
    computed_at: dt.datetime
    rank: int | None  # competition ranking: equal shares share a rank (1, 2, 2, 4)
    tied_with: int  # how many other districts share the rank (0 for the city)
    previous_rank: int | None
    share_change: Decimal | None  # in percentage points
    breakdown: Breakdown
    closest_candidates: list[Candidate]

    @property
    def rank_text(self) -> str:
        """The rank as a table shows it: "3", or "并列3" when shared ("" for the city)."""
        if self.rank is None:
            return ""
        return _("并列%(rank)s") % {"rank": self.rank} if self.tied_with else str(self.rank)

    @property
    def rank_change(self) -> int | None:
        """Places moved up (positive) or down (negative) since the previous snapshot; None if new."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def funnel(self) -> Funnel:
        return funnel_from({step: getattr(self, step) for step in FUNNEL_STEPS})


@dataclass
class Overview:
    """The league on a date: every district, best first, and the city's total line."""

    as_of: dt.date | None
    previous_as_of: dt.date | None = None
    city: LeagueRow | None = None
    districts: list[LeagueRow] = field(default_factory=list)

    @property
    def computed_at(self) -> dt.datetime | None:
        times = [row.computed_at for row in ([self.city] if self.city else []) + self.districts]
        return max(times) if times else None

    def row_for(self, code: str) -> LeagueRow | None:
        return next((row for row in self.districts if row.code == code), None)


# --- Trend ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendSeries:
    key: str  # the scope: a district code, or the city's
    name: str
    shares: list[Decimal | None]  # a percentage per date of Trend.dates; None where the scope had no snapshot


@dataclass(frozen=True)
class TrendPoint:
    date: dt.date
    shares: list[Decimal | None]  # one per series, in Trend.series order


@dataclass(frozen=True)
class Trend:
    """The share of some scopes over time: the city first, then the districts in their order."""

    dates: list[dt.date] = field(default_factory=list)
    series: list[TrendSeries] = field(default_factory=list)

    @property
    def points(self) -> list[TrendPoint]:
        """The same figures a date at a time, for tables whose rows are dates."""
        return [
            TrendPoint(date=day, shares=[series.shares[i] for series in self.series])
            for i, day in enumerate(self.dates)
        ]


# --- Departments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentRow:
    """A department's share of new-enterprise agreements and its assistance task on a date."""

    name: str
    as_of: dt.date
    computed_at: dt.datetime
    agreements: int
    new_agreements: int
    share_percent: Decimal
    target_percent: Decimal
    met: bool
    short_by: int
    task: int
    assisted_enterprises: int
    task_percent: Decimal

    @property
    def bar_percent(self) -> float:
        """The progress bar's width: the task's progress, capped at a full bar."""
        return min(float(self.task_percent or 0), 100.0)


# --- Filings waiting for a district's review --------------------------------------------------


@dataclass(frozen=True)
class WaitingFiling:
    id: int
    enterprise_id: int
    enterprise_name: str
    credit_code: str
    evaluation_year: int
    state_label: str
    submitted_on: dt.date


# --- The plan's horizon -----------------------------------------------------------------------

HORIZON_YEARS = (1, 3, 5)  # 一年一台阶、三年大变样、五年大突破 (RULES.md §5)


@dataclass(frozen=True)
class HorizonCompare:
    years: int  # how far back: one of HORIZON_YEARS
    share_percent: Decimal | None  # None when there is no snapshot that far back
    change: Decimal | None  # in percentage points


@dataclass(frozen=True)
class HorizonRow:
    code: str
    name: str
    is_city: bool
    share_percent: Decimal | None
    compares: list[HorizonCompare]  # in HORIZON_YEARS order
    year_ends: list[Decimal | None]  # the share on each of Horizon.years' last snapshot

    @property
    def stepped_up(self) -> bool | None:
        """A step up on a year ago (一年一台阶); None without a snapshot a year ago."""
        change = self.compares[0].change
        return None if change is None else change > 0


@dataclass(frozen=True)
class Horizon:
    """Each scope's share now against one, three and five years before, and at each year's end."""

    as_of: dt.date | None = None
    compared_on: list[dt.date | None] = field(default_factory=list)  # the snapshot day used per HORIZON_YEARS
    years: list[int] = field(default_factory=list)  # oldest first, the current year last
    rows: list[HorizonRow] = field(default_factory=list)  # the city first, then the districts in their order
