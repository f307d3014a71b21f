import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certification.rules.notice import years_spanned
from certification.rules.workdays import CalendarOverrides, is_working_day, nth_working_day

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 11, 26), True),  # a Thursday
        (D(2026, 11, 28), False),  # Saturday
        (D(2026, 10, 1), False),  # National Day
        (D(2026, 10, 10), True),  # Saturday made a working day (调休)
        (D(2026, 9, 20), True),  # Sunday made a working day
        (D(2026, 2, 14), True),  # Saturday before the Spring Festival, worked
        (D(2026, 2, 20), False),  # Friday off in exchange
        (D(2027, 2, 9), False),  # Spring Festival 2027 from the package
    ],
)
def test_official_calendar(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2026, 11, 26), D(2026, 12, 9)),  # plain weeks: Thu + 9 working days
        (D(2026, 9, 28), D(2026, 10, 15)),  # across National Day, with the 10-10 Saturday worked
        (D(2026, 9, 19), D(2026, 10, 9)),  # starts on a Saturday; the 9-20 Sunday counts
        (D(2026, 2, 12), D(2026, 3, 3)),  # across the Spring Festival with two make-up Saturdays
    ],
)
def test_ten_working_day_notice_windows(start, end):
    assert nth_working_day(start, 10) == end


def test_overrides_win_over_the_package():
    christmas_off = CalendarOverrides.of(holidays=[D(2026, 12, 1)], working_days=[D(2026, 12, 5)])
    assert not is_working_day(D(2026, 12, 1), christmas_off)
    assert is_working_day(D(2026, 12, 5), christmas_off)
    assert nth_working_day(D(2026, 11, 30), 3, christmas_off) == D(2026, 12, 3)
    assert nth_working_day(D(2026, 11, 30), 5, christmas_off) == D(2026, 12, 5)


@pytest.mark.parametrize("year", [2028, 2035, 2099])
def test_a_year_without_published_data_never_crashes(year):
    end = nth_working_day(D(year, 6, 1), 10)
    assert D(year, 6, 12) <= end <= D(year, 6, 30)


@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)), st.integers(min_value=1, max_value=30))
def test_window_contains_exactly_n_working_days(start, n):
    end = nth_working_day(start, n)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    assert sum(is_working_day(day) for day in days) == n
    assert is_working_day(end)


def test_n_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        nth_working_day(D(2026, 1, 5), 0)


def test_a_window_starting_in_the_last_year_a_date_can_have_spans_only_that_year():
    assert years_spanned(dt.date(2026, 12, 20)) == [2026, 2027]
    assert years_spanned(dt.date(dt.MAXYEAR, 12, 20)) == [dt.MAXYEAR]
