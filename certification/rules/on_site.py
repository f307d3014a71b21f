"""When an on-site check is required before recommendation (RULES.md §3). Pure: no Django imports.

The review service refuses a recommendation without it, the review list marks the filings that
need one, and the demo seeds checks for exactly these filings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .rulesets import _

SMALL_STAFF = "small_staff"
HIGH_TECH_SHARE = "high_tech_staff_share"
FIRST_TIME = "first_time_applicant"
REVOKED_RECENTLY = "revoked_recently"

SMALL_STAFF_MAX = 5  # total staff at most this many
HIGH_TECH_STAFF_MIN = 50  # total staff at least this many, and ...
HIGH_TECH_SHARE_PERCENT = 90  # ... tech staff at least this share of them
REVOCATION_LOOKBACK_YEARS = 3


@dataclass(frozen=True)
class Thresholds:
    """The numbers of RULES.md §3 (the defaults); a campaign may set its own."""

    small_staff_max: int = SMALL_STAFF_MAX
    high_tech_staff_min: int = HIGH_TECH_STAFF_MIN
    high_tech_share_percent: int = HIGH_TECH_SHARE_PERCENT
    revocation_lookback_years: int = REVOCATION_LOOKBACK_YEARS


DEFAULT_THRESHOLDS = Thresholds()

LABELS = {
    SMALL_STAFF: _("职工总数不超过5人"),
    HIGH_TECH_SHARE: _("职工总数50人以上且科技人员占比不低于90%"),
    FIRST_TIME: _("首次申报"),
    REVOKED_RECENTLY: _("近3年内曾被撤销入库登记"),
}


def on_site_grounds(
    *,
    total_staff: Decimal | None,
    tech_staff: Decimal | None,
    first_time_applicant: bool | None,
    revoked_recently: bool,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[str]:
    """The grounds (codes, in the order of RULES.md) that require an on-site check; empty: none."""
    grounds = []
    if total_staff is not None and total_staff <= thresholds.small_staff_max:
        grounds.append(SMALL_STAFF)
    if (
        total_staff is not None
        and tech_staff is not None
        and total_staff >= thresholds.high_tech_staff_min
        and tech_staff * 100 >= total_staff * thresholds.high_tech_share_percent
    ):
        grounds.append(HIGH_TECH_SHARE)
    if first_time_applicant:
        grounds.append(FIRST_TIME)
    if revoked_recently:
        grounds.append(REVOKED_RECENTLY)
    return grounds


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (28 February for a 29 February without its twin)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def revocation_lookback_start(today: dt.date, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> dt.date:
    """Revocations on or after this day count as "in the past 3 years"."""
    return years_before(today, thresholds.revocation_lookback_years)
