"""Whether an agreement is "with a new enterprise" (RULES.md §5), and the quotas' share arithmetic.

Pure Python, no Django: the one definition of the rule, and the one rounding of a share (toward zero)
that every stored or shown share and percentage of both quotas goes through. The database expression in
``assistance.selectors.new_enterprise_q`` mirrors ``is_new_enterprise`` for aggregation, and the
tests check both against the same table of cases.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_DOWN, Decimal

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


SHARE_PLACES = 4


def share_of(part: int, whole: int) -> Decimal:
    """``part`` ÷ ``whole`` (counts) with four places, rounded toward zero; 0 when ``whole`` is 0.

    Toward zero, never half-up: a share short of its target must not be stored or shown as the target
    (200 of 2,001 is 0.0999, not 0.1000), as RULES.md §2 forbids judging thresholds on rounded figures.
    Integer division keeps it exact at any size.
    """
    if not whole:
        return Decimal(0)
    return Decimal(part * 10**SHARE_PLACES // whole).scaleb(-SHARE_PLACES)


def percent(share: Decimal, places: int = 2) -> Decimal:
    """A share (0.09995) as a percentage with ``places`` decimals, rounded toward zero like :func:`share_of`
    (9.99; with one place 9.9), so a percentage reads as the target only when the target is reached."""
    return (Decimal(share) * 100).quantize(Decimal(1).scaleb(-places), ROUND_DOWN)
