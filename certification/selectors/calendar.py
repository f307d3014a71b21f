"""The officials' calendar overrides, read for the working-day arithmetic."""

from __future__ import annotations

from collections.abc import Iterable

from certification.models import CalendarOverride
from certification.rules.workdays import CalendarOverrides


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
