"""The officials' calendar overrides, and the deadlines counted on the calendar they make."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from certification.evaluation_input import MAX_EVALUATION_YEAR, MIN_EVALUATION_YEAR
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


# The notice starts the portal counts from: the evaluation years it accepts, up to 1 December of the last
# one (whose 10 working days end in that year). The batch form, its end-date preview, the notice service
# and the API refuse a start outside it (certification.services.notice.validate_notice_start).
NOTICE_START_RANGE = (dt.date(MIN_EVALUATION_YEAR, 1, 1), dt.date(MAX_EVALUATION_YEAR, 12, 1))


def notice_end_for(start: dt.date) -> dt.date:
    """The last day of a notice starting on ``start``, on the official calendar with today's overrides.

    ``start`` is in :data:`NOTICE_START_RANGE` (ValueError otherwise: callers validate the start first)."""
    if not NOTICE_START_RANGE[0] <= start <= NOTICE_START_RANGE[1]:
        raise ValueError(f"notice start {start} out of {NOTICE_START_RANGE}")
    return notice_end(start, calendar_overrides_for(years_spanned(start)))


def defence_deadline_for(noticed_on: dt.date) -> dt.date:
    """The last day of the written defence to a revocation notice given on ``noticed_on``."""
    return defence_deadline(noticed_on, calendar_overrides_for(years_spanned(noticed_on + dt.timedelta(days=1))))
