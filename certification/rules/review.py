"""How long a filing may wait for the district's review. Pure: no Django imports.

RULES.md sets no review time. The portal assumes the district reviews a submitted filing within
``REVIEW_WORKING_DAYS`` working days, counted on the official calendar from the day after submission
(the same counting as the revocation defence); a filing still waiting after its last day is overdue.
"""

from __future__ import annotations

import datetime as dt

from .workdays import CalendarOverrides, nth_working_day, working_days_left

REVIEW_WORKING_DAYS = 20
# Twice the review time in calendar days always holds that many working days, even over the
# Spring Festival; it bounds the walk back in latest_overdue_submission.
_SEARCH_DAYS = 4 * REVIEW_WORKING_DAYS + 30


def review_due(submitted_on: dt.date, overrides: CalendarOverrides | None = None) -> dt.date:
    """The last day of the review of a filing submitted on ``submitted_on``."""
    return nth_working_day(submitted_on + dt.timedelta(days=1), REVIEW_WORKING_DAYS, overrides)


def working_days_waiting(submitted_on: dt.date, today: dt.date, overrides: CalendarOverrides | None = None) -> int:
    """Working days since the submission, the day of submission not counted (0 on that day)."""
    if today <= submitted_on:
        return 0
    return working_days_left(submitted_on + dt.timedelta(days=1), today, overrides)


def is_overdue(submitted_on: dt.date, today: dt.date, overrides: CalendarOverrides | None = None) -> bool:
    return review_due(submitted_on, overrides) < today


def latest_overdue_submission(today: dt.date, overrides: CalendarOverrides | None = None) -> dt.date:
    """The latest submission day whose review is overdue today: every filing submitted on it or
    earlier is overdue (the due day grows with the submission day), so one date filter counts them."""
    day = today - dt.timedelta(days=1)
    for _step in range(_SEARCH_DAYS):
        if is_overdue(day, today, overrides):
            return day
        day -= dt.timedelta(days=1)
    return day
