"""The city and district dashboards and their .xlsx exports (thin, read-only views).

A view reads the filters, finds the scope the user may see, asks ``dashboards.selectors`` for the
view models and renders them: the templates show them as tables, ``dashboards.charts`` turns them
into the charts' data, ``dashboards.exports`` into workbooks. The selectors read precomputed
snapshots, so each page runs the same small number of queries whatever the size of the registry.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from urllib.parse import urlencode

from django import forms
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from enterprises.models import District
from enterprises.permissions import city_official_required, official_required
from enterprises.roles import is_city_official
from enterprises.selectors import districts_visible_to
from smeportal.excel import XLSX_CONTENT_TYPE
from smeportal.security import Counted, record_export

from . import charts, exports, geo, selectors
from .view_models import Breakdown, Funnel

# --- Filters and scope ------------------------------------------------------------------------


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("政策年度"), required=False, min_value=2000, max_value=2100)
    date = forms.DateField(
        label=gettext_lazy("统计日期（不晚于）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _period(request) -> tuple[PeriodForm, selectors.Selection]:
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, selectors.select_period(data.get("year"), data.get("date"))


def _district_for(request, code: str | None) -> District:
    """The district a dashboard shows, among those the user may see: the one named by ``code``, else
    the first (a district official's own). Another district's code answers 404."""
    districts = districts_visible_to(request.user).order_by("sort_order", "code")
    district = districts.filter(code=code).first() if code else districts.first()
    if district is None:
        raise Http404
    return district


def _recompute_url(user) -> str | None:
    if not is_city_official(user):
        return None
    try:
        return reverse("quotas:recompute")
    except NoReverseMatch:
        return None


# --- Pages ------------------------------------------------------------------------------------


@require_GET
@city_official_required
def city_dashboard(request):
    form, period = _period(request)
    overview = selectors.city_overview(period.as_of)
    trend = selectors.period_trend(period)
    horizon = selectors.plan_horizon(period.as_of)
    departments = selectors.department_rows(period.year, period.as_of)
    query = _export_query(period)
    context = {
        "form": form,
        "period": period,
        "overview": overview,
        "headline": overview.city,
        "trend": trend,
        "horizon": horizon,
        "departments": departments,
        "chart_data": charts.chart_data(
            overview.city,
            trend=trend,
            league=overview.districts,
            horizon=horizon,
            departments=departments,
            query=query,
        ),
        "map_file": geo.MAP_FILE,
        "recompute_url": _recompute_url(request.user),
        "export_query": query,
    }
    return render(request, "dashboards/city.html", context)


@require_GET
@official_required
def district_dashboard(request, code: str | None = None):
    district = _district_for(request, code or request.GET.get("district"))
    form, period = _period(request)
    overview = selectors.city_overview(period.as_of)
    row = overview.row_for(district.code)
    scopes = [district.code, selectors.CITY]
    trend = selectors.period_trend(period, scopes)
    horizon = selectors.plan_horizon(period.as_of, scopes)
    waiting_count, waiting = selectors.filings_waiting(request.user, district)
    city = is_city_official(request.user)
    context = {
        "form": form,
        "period": period,
        "district": district,
        "districts": District.objects.order_by("sort_order", "code") if city else None,
        "city": city,
        "overview": overview,
        "headline": row,
        "district_count": len(overview.districts),
        "trend": trend,
        "horizon": horizon,
        "chart_data": charts.chart_data(row, trend=trend, horizon=horizon),
        "waiting_count": waiting_count,
        "waiting": waiting,
        "candidates": row.closest_candidates if row else [],
        "recompute_url": _recompute_url(request.user),
        "export_query": _export_query(period, district=district.code),
    }
    return render(request, "dashboards/district.html", context)


def _export_query(period: selectors.Selection, **extra) -> str:
    params = {}
    if period.year is not None:
        params["year"] = period.year
    if period.as_of is not None:
        params["date"] = period.as_of.isoformat()
    params.update(extra)
    return urlencode(params)


# --- Exports ----------------------------------------------------------------------------------

CITY_TABLES = {"league", "departments"}


@require_GET
@official_required
def export(request, table: str):
    """One dashboard table as .xlsx. City officials: every table, the city or ``?district=<code>``;
    district officials: their district's tables only. The work lists (waiting filings, closest
    candidates) are a district's: without ``?district`` the first district, as on the page."""
    if table not in exports.TABLES:
        raise Http404
    city = is_city_official(request.user)
    code = request.GET.get("district") or None
    if table in CITY_TABLES and not city:
        raise Http404
    district = _district_for(request, code) if (code or not city or table in exports.DISTRICT_TABLES) else None
    _form, period = _period(request)
    sheet = _sheet(request, table, district, period)
    sheet.rows = rows = Counted(sheet.rows)
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    exports.write_xlsx([sheet], target)
    target.seek(0)
    record_export(request, what=f"dashboard:{table}", rows=rows.count)
    scope = district.code if district else "city"
    stamp = (period.as_of or dt.date.today()).strftime("%Y%m%d")
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"dashboard-{table}-{scope}-{stamp}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


def _sheet(request, table: str, district: District | None, period: selectors.Selection) -> exports.Table:
    """The view model a table shows, for the district (None: the city), as a sheet."""
    if table == "waiting":
        return exports.waiting_sheet(selectors.filings_waiting_all(request.user, district))
    if table == "departments":
        return exports.departments_sheet(selectors.department_rows(period.year, period.as_of))
    if table == "trend":
        return exports.trend_sheet(
            selectors.period_trend(period, [district.code, selectors.CITY] if district else None)
        )
    overview = selectors.city_overview(period.as_of)
    if table == "league":
        return exports.league_sheet(overview)
    row = overview.row_for(district.code) if district else overview.city
    if table == "candidates":
        return exports.candidates_sheet(row.closest_candidates if row else [])
    if table == "funnel":
        return exports.funnel_sheet(row.funnel if row else Funnel())
    return exports.breakdown_sheet(row.breakdown if row else Breakdown())
