"""Working days on the official Chinese calendar (public notice windows). Pure module, no Django.

The `holidays` package knows the statutory holidays and the make-up working days (调休) for the
years the State Council has published. Officials enter overrides for a schedule the package lacks;
a year with no data at all still works, falling back to weekends and the statutory holidays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import holidays


@dataclass(frozen=True)
class CalendarOverrides:
    """Days officials declared as holidays or as working days; they win over the package's data."""

    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    working_days: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *, holidays: Iterable[dt.date] = (), working_days: Iterable[dt.date] = ()) -> CalendarOverrides:
        return cls(frozenset(holidays), frozenset(working_days))


@lru_cache(maxsize=64)
def _official_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    try:
        calendar = holidays.China(years=year)
    except (NotImplementedError, ValueError, KeyError):
        return frozenset(), frozenset()
    days_off = frozenset(day for day in calendar if day.year == year)
    make_up = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return days_off, make_up


def is_working_day(day: dt.date, overrides: CalendarOverrides | None = None) -> bool:
    overrides = overrides or CalendarOverrides()
    if day in overrides.working_days:
        return True
    if day in overrides.holidays:
        return False
    days_off, make_up = _official_year(day.year)
    if day in make_up:
        return True
    return day.weekday() < 5 and day not in days_off


# Pure, and asked the same question for every row of a list (filings submitted on the same day, the same
# deadline): remembered, a queue page no longer walks the calendar day by day for each of its rows.
@lru_cache(maxsize=4096)
def nth_working_day(start: dt.date, n: int, overrides: CalendarOverrides | None = None) -> dt.date:
    """The n-th working day counting from start inclusive (n=10: the last day of a 10-working-day window)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day, counted = start, 0
    while True:
        if is_working_day(day, overrides):
            counted += 1
            if counted == n:
                return day
        day += dt.timedelta(days=1)


@lru_cache(maxsize=4096)
def working_days_left(today: dt.date, deadline: dt.date, overrides: CalendarOverrides | None = None) -> int:
    """Working days from ``today`` to ``deadline``, both counted when they are working days (0 once past)."""
    if deadline < today:
        return 0
    return sum(is_working_day(today + dt.timedelta(days=n), overrides) for n in range((deadline - today).days + 1))
