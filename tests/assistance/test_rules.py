"""The agreement rules that need no database (assistance.rules): reading a year, and the signing date."""

import datetime as dt

import pytest

from assistance import rules


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2026", 2026),
        (" 2026 ", 2026),
        (2026, 2026),
        ("２０２６", 2026),  # full-width digits, as a Chinese input method types them
        ("2000", 2000),
        ("2100", 2100),
        ("1999", None),
        ("2101", None),
        ("²", None),  # a digit to str.isdigit, not a number to int
        ("202²", None),
        ("2026.5", None),
        ("-2026", None),
        ("+2026", None),
        ("2_026", None),  # int() would read it
        ("", None),
        (None, None),
        ("二〇二六", None),
        ("9" * 5000, None),  # beyond what int() converts from text
    ],
)
def test_parse_year(text, year):
    assert rules.parse_year(text) == year


TODAY = dt.date(2026, 6, 10)


@pytest.mark.parametrize(
    ("signed_on", "year", "problem"),
    [
        (dt.date(2026, 1, 1), 2026, None),
        (TODAY, 2026, None),
        (dt.date(2026, 6, 11), 2026, rules.SIGNED_IN_FUTURE),
        (dt.date(2026, 12, 31), 2026, rules.SIGNED_IN_FUTURE),
        (dt.date(2025, 12, 31), 2026, rules.SIGNED_OUTSIDE_YEAR),
        (dt.date(2027, 1, 1), 2026, rules.SIGNED_OUTSIDE_YEAR),
        (dt.date(2027, 1, 1), 2027, rules.SIGNED_IN_FUTURE),
        (dt.date(2025, 3, 1), 2025, None),
    ],
)
def test_signed_on_problem(signed_on, year, problem):
    assert rules.signed_on_problem(signed_on, year=year, today=TODAY) == problem


SIGNED = dt.date(2026, 3, 15)


@pytest.mark.parametrize(
    ("date", "problem"),
    [
        (SIGNED, None),  # the signing day itself
        (dt.date(2026, 3, 16), None),
        (TODAY, None),
        (dt.date(2026, 3, 14), rules.SERVICE_BEFORE_SIGNING),
        (dt.date(2025, 12, 31), rules.SERVICE_BEFORE_SIGNING),
        (dt.date(2026, 6, 11), rules.SERVICE_IN_FUTURE),
    ],
)
def test_service_date_problem(date, problem):
    assert rules.service_date_problem(date, signed_on=SIGNED, today=TODAY) == problem


@pytest.mark.parametrize(
    ("status", "confirmed", "problem"),
    [
        ("operating", True, None),
        ("operating", False, rules.UNCONFIRMED_ENTERPRISE),
        ("cancelled", True, rules.NOT_OPERATING),
        ("cancelled", False, rules.NOT_OPERATING),  # the registry's status is the first reason
        (None, False, rules.UNKNOWN_ENTERPRISE),
    ],
)
def test_enterprise_problem(status, confirmed, problem):
    assert rules.enterprise_problem(status, confirmed=confirmed) == problem


def test_the_operating_status_is_the_registrys():
    from enterprises.models import Enterprise

    assert rules.OPERATING == Enterprise.Status.OPERATING
