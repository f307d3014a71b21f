"""Whether an agreement is "with a new enterprise" (RULES.md §5), and the 20% share arithmetic.

Pure Python, no Django: the one definition of the rule. The database expression in
``assistance.selectors.new_enterprise_q`` mirrors ``is_new_enterprise`` for aggregation, and the
tests check both against the same table of cases.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

INTRODUCED = "introduced"


def window(agreement_year: int, window_years: int = 1) -> tuple[int, int]:
    """The calendar years (first, last), both inclusive, in which an enterprise counts as new."""
    if window_years < 0:
        raise ValueError("window_years must not be negative")
    return agreement_year - window_years, agreement_year


def is_new_enterprise(
    *,
    established_on: dt.date | None,
    introduced_on: dt.date | None,
    origin: str,
    agreement_year: int,
    window_years: int = 1,
) -> bool:
    """New when established, or introduced by investment promotion (招商引进), in the agreement's
    year or in the ``window_years`` calendar years before it.

    The introduction date counts only for enterprises whose origin is "introduced".
    """
    first, last = window(agreement_year, window_years)

    def within(day: dt.date | None) -> bool:
        return day is not None and first <= day.year <= last

    return within(established_on) or (origin == INTRODUCED and within(introduced_on))


def required_new(agreements: int, target: Decimal) -> int:
    """The least number of agreements with new enterprises that makes ``target`` ("at least 20%")."""
    return math.ceil(Decimal(agreements) * Decimal(target))


def short_by(*, agreements: int, new: int, target: Decimal) -> int:
    """How many more agreements with new enterprises the share needs (0 when met)."""
    return max(0, required_new(agreements, target) - new)
