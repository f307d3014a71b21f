"""The yearly evaluation campaign's dates and its defaults (RULES.md §3). Pure: no Django imports.

The national notices of 2024 and 2025 set the defaults: filing opens at the end of June (2024: 27 June;
2025: 1 July), monthly batch cut-offs on the 30th of July, August and September, filing closes on
30 September, every public notice ends by 31 October, spot checks end by 15 December and the year-end
summary is due by 31 December; registrations are valid to 31 December. City officials change them per
year (:class:`certification.models.EvaluationCampaign`); these are only the starting values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .spot_check import MIN_SHARE

AWARD_WINDOW_YEARS = 5  # a national award counts when won in the evaluation year or the 5 years before
SPOT_CHECK_SHARE = MIN_SHARE  # the campaign's default share: the least RULES.md §3 allows


@dataclass(frozen=True)
class CampaignDates:
    year: int
    filing_opens: dt.date
    filing_closes: dt.date
    batch_cutoffs: tuple[dt.date, ...] = field(default=())
    notices_end_by: dt.date | None = None
    spot_checks_due: dt.date | None = None
    summary_due: dt.date | None = None
    registration_valid_until: dt.date | None = None

    def filing_open_on(self, day: dt.date) -> bool:
        return self.filing_opens <= day <= self.filing_closes

    def next_cutoff(self, day: dt.date) -> dt.date | None:
        """The first batch cut-off on or after ``day`` (filings by then go into that month's batch)."""
        return next((cutoff for cutoff in sorted(self.batch_cutoffs) if cutoff >= day), None)


def default_dates(year: int) -> CampaignDates:
    return CampaignDates(
        year=year,
        filing_opens=dt.date(year, 7, 1),
        filing_closes=dt.date(year, 9, 30),
        batch_cutoffs=(dt.date(year, 7, 30), dt.date(year, 8, 30), dt.date(year, 9, 30)),
        notices_end_by=dt.date(year, 10, 31),
        spot_checks_due=dt.date(year, 12, 15),
        summary_due=dt.date(year, 12, 31),
        registration_valid_until=dt.date(year, 12, 31),
    )


# The order of the procedure (RULES.md §3): in each pair, the second date comes on or after the first.
PROCEDURE_ORDER = (
    ("filing_opens", "filing_closes"),  # the filing window
    ("filing_closes", "notices_end_by"),  # the filings of the last batch are still to be published
    ("notices_end_by", "registration_valid_until"),  # registration follows the notice
    ("notices_end_by", "spot_checks_due"),  # the spot checks draw from the year's registrations
    ("spot_checks_due", "summary_due"),  # the year-end summary reports the spot checks
)


def dates_out_of_order(dates: CampaignDates) -> dict[str, str]:
    """Each date that comes too early, with the date it must not precede (the first pair of
    :data:`PROCEDURE_ORDER` it breaks; ``filing_opens`` for a date whose predecessors are not set). The
    batch cut-offs, out of the filing window, map to ``filing_opens``. Empty when the campaign is consistent."""
    wrong: dict[str, str] = {}
    for earlier, later in PROCEDURE_ORDER:
        first, second = getattr(dates, earlier), getattr(dates, later)
        if first is not None and second is not None and second < first:
            wrong.setdefault(later, earlier)
    for name in ("notices_end_by", "spot_checks_due", "summary_due", "registration_valid_until"):
        value = getattr(dates, name)
        if value is not None and value < dates.filing_opens:
            wrong.setdefault(name, "filing_opens")
    if any(not dates.filing_opens <= cutoff <= dates.filing_closes for cutoff in dates.batch_cutoffs):
        wrong["batch_cutoffs"] = "filing_opens"
    return wrong
