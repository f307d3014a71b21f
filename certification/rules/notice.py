"""The dates of the public notice and of the revocation defence (RULES.md §3). Pure: no Django imports.

Both count working days on the official calendar with the officials' overrides
(:mod:`certification.rules.workdays`); the services, the batch form's preview and the demo all ask
these two functions.
"""

from __future__ import annotations

import datetime as dt

from .workdays import CalendarOverrides, nth_working_day

NOTICE_WORKING_DAYS = 10
DEFENCE_WORKING_DAYS = 10


def notice_end(start: dt.date, overrides: CalendarOverrides | None = None) -> dt.date:
    """The last day of a notice that starts on ``start``: its 10th working day, the start counted."""
    return nth_working_day(start, NOTICE_WORKING_DAYS, overrides)


def defence_deadline(noticed_on: dt.date, overrides: CalendarOverrides | None = None) -> dt.date:
    """The last day for the written defence to a revocation notice given on ``noticed_on``: the 10th
    working day counted from the day after the notice (the deadline day still accepts it)."""
    return nth_working_day(noticed_on + dt.timedelta(days=1), DEFENCE_WORKING_DAYS, overrides)


def years_spanned(start: dt.date) -> list[int]:
    """The calendar years whose overrides a window starting on ``start`` may need (none after the last
    year a date can have: the callers bound the start, see certification.selectors.calendar)."""
    return [year for year in (start.year, start.year + 1) if year <= dt.MAXYEAR]
