"""The charts' data: the JSON a dashboard page hands to static/js/dashboards.js, made from the view models.

The tables under the charts are rendered from the same view models (``dashboards.view_models``), so
a chart and its table cannot disagree. Numbers become floats here because JSON has no decimals.
"""

from __future__ import annotations

from decimal import Decimal

from .view_models import Breakdown, Funnel, LeagueRow, Trend


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


def funnel_chart(funnel: Funnel) -> list[dict]:
    return [{"name": step.label, "value": step.count} for step in funnel.steps]


def breakdown_chart(breakdown: Breakdown) -> list[dict]:
    """Every kind, empty ones too: the page's pie for a kind finds its group by ``kind``."""
    return [
        {
            "kind": group.kind,
            "title": group.title,
            "items": [{"name": item.label, "value": item.count} for item in group.items],
        }
        for group in breakdown.groups
    ]


def chart_data(headline: LeagueRow | None, *, trend: Trend, league: list[LeagueRow] | None = None) -> dict:
    """Every chart of a page: the league (city page only), the trend, and the headline scope's target
    line, funnel and breakdown. A page without a headline scope draws no funnel and no breakdown."""
    data: dict = {"target": _float(headline.target_percent) if headline else None}
    if league is not None:
        data["league"] = league_chart(league)
    data["trend"] = trend_chart(trend)
    if headline is not None:
        data["funnel"] = funnel_chart(headline.funnel)
        data["breakdown"] = breakdown_chart(headline.breakdown)
    return data
