"""Reads of filings, with the role scoping in one place."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from enterprises.roles import is_city_official, member_enterprise_id, official_district_id

from .models import Application, CalendarOverride
from .rules.workdays import CalendarOverrides


def applications_visible_to(user) -> QuerySet[Application]:
    """All filings for city officials, their district's for district officials, their own for enterprises."""
    qs = Application.objects.select_related("enterprise__managing_district")
    if is_city_official(user):
        return qs
    if (district_id := official_district_id(user)) is not None:
        return qs.filter(enterprise__managing_district_id=district_id)
    if (enterprise_id := member_enterprise_id(user)) is not None:
        return qs.filter(enterprise_id=enterprise_id)
    return qs.none()


def calendar_overrides_for(years: Iterable[int]) -> CalendarOverrides:
    """Officials' holiday and working-day overrides for the given years, in one query."""
    years = sorted(set(years))
    if not years:
        return CalendarOverrides()
    rows = CalendarOverride.objects.filter(date__year__gte=years[0], date__year__lte=years[-1]).values_list(
        "date", "kind"
    )
    wanted = set(years)
    holidays, working_days = [], []
    for day, kind in rows:
        if day.year in wanted:
            (holidays if kind == CalendarOverride.Kind.HOLIDAY else working_days).append(day)
    return CalendarOverrides.of(holidays=holidays, working_days=working_days)
