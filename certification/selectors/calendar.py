"""The officials' calendar overrides, and the deadlines counted on the calendar they make."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from certification.models import CalendarOverride
from certification.rules.notice import defence_deadline, notice_end, years_spanned
from certification.rules.workdays import CalendarOverrides


def calendar_overrides_since(today: dt.date, since: dt.date | None = None) -> CalendarOverrides:
    """The officials' overrides from the year of ``since`` (default: this year) to next year, in one query:
    enough to count working days from ``since`` to any deadline still ahead."""
    return calendar_overrides_for(range((since or today).year, today.year + 2))


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


def notice_end_for(start: dt.date) -> dt.date:
    """The last day of a notice starting on ``start``, on the official calendar with today's overrides."""
    return notice_end(start, calendar_overrides_for(years_spanned(start)))


def defence_deadline_for(noticed_on: dt.date) -> dt.date:
    """The last day of the written defence to a revocation notice given on ``noticed_on``."""
    return defence_deadline(noticed_on, calendar_overrides_for(years_spanned(noticed_on + dt.timedelta(days=1))))
