"""The review time the workbench counts against (certification/rules/review.py): days waiting, the due
day, overdue, and the one cut-off date that counts the overdue filings in the database."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certification.rules import review
from certification.rules.workdays import CalendarOverrides

D = dt.date


def test_days_waiting_skip_weekends_and_the_day_of_submission():
    assert review.working_days_waiting(D(2026, 10, 30), D(2026, 10, 30)) == 0
    assert review.working_days_waiting(D(2026, 10, 30), D(2026, 11, 2)) == 1  # Friday → Monday
    assert review.working_days_waiting(D(2026, 9, 30), D(2026, 10, 9)) == 2  # 1–7 October off, the 8th and 9th worked


def test_the_review_is_due_on_the_twentieth_working_day_after_submission():
    assert review.review_due(D(2026, 11, 2)) == D(2026, 11, 30)
    assert not review.is_overdue(D(2026, 11, 2), D(2026, 11, 30))
    assert review.is_overdue(D(2026, 11, 2), D(2026, 12, 1))


def test_an_official_holiday_override_moves_the_due_day():
    extra = CalendarOverrides.of(holidays=[D(2026, 11, 16)])
    assert review.review_due(D(2026, 11, 2), extra) == D(2026, 12, 1)


@given(st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31)), st.integers(min_value=0, max_value=120))
def test_the_cutoff_splits_overdue_from_waiting(today, back):
    """Every day up to the cut-off is overdue, every later day is not: one date filter counts them."""
    cutoff = review.latest_overdue_submission(today)
    submitted = today - dt.timedelta(days=back)
    assert review.is_overdue(submitted, today) is (submitted <= cutoff)


@pytest.mark.parametrize("today", [D(2026, 2, 24), D(2026, 10, 12), D(2026, 11, 2)])
def test_the_cutoff_is_the_latest_overdue_day(today):
    cutoff = review.latest_overdue_submission(today)
    assert review.is_overdue(cutoff, today)
    assert not review.is_overdue(cutoff + dt.timedelta(days=1), today)
