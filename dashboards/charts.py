"""The charts' data: the JSON a dashboard page hands to static/js/dashboards.js, made from the view models.

The tables under the charts are rendered from the same view models (``dashboards.view_models``), so
a chart and its table cannot disagree. Numbers become floats here because JSON has no decimals.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from . import geo
from .view_models import Breakdown, DepartmentRow, Funnel, Horizon, LeagueRow, Trend


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def league_chart(districts: list[LeagueRow]) -> dict:
    return {
        "names": [row.name for row in districts],
        "shares": [_float(row.share_percent) for row in districts],
        "met": [row.met for row in districts],
    }


def trend_chart(trend: Trend) -> dict:
    return {
        "dates": [day.isoformat() for day in trend.dates],
        "series": [
            {"name": series.name, "data": [_float(share) for share in series.shares]} for series in trend.series
        ],
    }


def map_chart(districts: list[LeagueRow], query: str) -> dict:
    """The districts on the city map by share, each with its dashboard's address; the zones as points."""

    def url(row: LeagueRow) -> str:
        return reverse("dashboards:district_code", args=[row.code]) + (f"?{query}" if query else "")

    regions = [
        {
            "name": geo.REGION_OF_DISTRICT[row.code],
            "label": row.name,
            "value": _float(row.share_percent),
            "url": url(row),
        }
        for row in districts
        if row.code in geo.REGION_OF_DISTRICT
    ]
    zones = [
        {
            "name": row.name,
            "value": [*geo.ZONE_POINTS[row.code], _float(row.share_percent)],
            "url": url(row),
            "side": geo.ZONE_LABEL_SIDE[row.code],
        }
        for row in districts
        if row.code in geo.ZONE_POINTS
    ]
    return {"map": geo.MAP_NAME, "regions": regions, "zones": zones}


def horizon_chart(horizon: Horizon) -> dict:
    """Each scope's share at each year's end (the current year: the selected date), one series a year."""
    return {
        "names": [row.name for row in horizon.rows],
        "series": [
            {"name": str(year), "data": [_float(row.year_ends[i]) for row in horizon.rows]}
            for i, year in enumerate(horizon.years)
        ],
    }


def departments_chart(departments: list[DepartmentRow]) -> dict:
    return {
        "names": [row.name for row in departments],
        "shares": [_float(row.share_percent) for row in departments],
        "met": [row.met for row in departments],
        "target": _float(departments[0].target_percent) if departments else None,
    }


def funnel_chart(funnel: Funnel) -> list[dict]:
    return [{"name": step.label, "value": step.count} for step in funnel.steps]


def breakdown_chart(breakdown: Breakdown) -> list[dict]:
    """Every kind, empty ones too: the page's bar chart for a kind finds its group by ``kind`` (and
    hides itself when the kind has fewer than two items: one bar tells nothing the table does not)."""
    return [
        {
            "kind": group.kind,
            "title": group.title,
            "items": [{"name": item.label, "value": item.count} for item in group.items],
        }
        for group in breakdown.groups
    ]


def chart_data(
    headline: LeagueRow | None,
    *,
    trend: Trend,
    league: list[LeagueRow] | None = None,
    horizon: Horizon | None = None,
    departments: list[DepartmentRow] | None = None,
    query: str = "",
) -> dict:
    """Every chart of a page: the league and the map (city page only, ``query`` keeps the period on the
    districts' links), the trend, the plan's horizon, the departments' shares, and the headline
    scope's target line, funnel and breakdown. A page without a headline scope draws no funnel and
    no breakdown. Every share chart draws its target as a labelled line."""
    data: dict = {
        "target": _float(headline.target_percent) if headline else None,
        "text": {"target": _("目标"), "share": _("科技型企业占比")},
    }
    if league is not None:
        data["league"] = league_chart(league)
        data["map"] = map_chart(league, query)
    data["trend"] = trend_chart(trend)
    if horizon is not None and horizon.rows:
        data["horizon"] = horizon_chart(horizon)
    if departments:
        data["departments"] = departments_chart(departments)
    if headline is not None:
        data["funnel"] = funnel_chart(headline.funnel)
        data["breakdown"] = breakdown_chart(headline.breakdown)
    return data
