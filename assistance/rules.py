"""Rules of an agreement that need no database, in one place for the form, the services and the Excel upload.

Pure Python, no Django, so they are tested fast and exhaustively:

- :func:`parse_year`: an agreement year as typed in a link or a cell, or ``None``;
- :func:`signed_on_problem`: why a signing date cannot be an agreement's, as a reason code (the upload
  counts rows by it, the services turn it into a field error).
"""

from __future__ import annotations

import datetime as dt

YEAR_MIN, YEAR_MAX = 2000, 2100  # the agreements' years (the database's agreement_year_range as well)

SIGNED_OUTSIDE_YEAR = "signed_outside_year"
SIGNED_IN_FUTURE = "signed_in_future"


def parse_year(text) -> int | None:
    """``"2026"`` → 2026; anything that is not a year from YEAR_MIN to YEAR_MAX written in decimal digits → None.

    Only decimal digits (full-width ones too, as Chinese input methods type them) are read: ``"²"`` is a digit
    to ``str.isdigit`` but not a number to ``int``, and a cell of thousands of digits is not a year either."""
    text = str(text if text is not None else "").strip()
    if not (text.isdecimal() and len(text) <= 4):
        return None
    year = int(text)
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def signed_on_problem(signed_on: dt.date, *, year: int, today: dt.date) -> str | None:
    """Why ``signed_on`` cannot be the signing date of an agreement of ``year`` on ``today``: not in that year
    (:data:`SIGNED_OUTSIDE_YEAR`), or after today, not signed yet (:data:`SIGNED_IN_FUTURE`); None when it can."""
    if signed_on.year != year:
        return SIGNED_OUTSIDE_YEAR
    if signed_on > today:
        return SIGNED_IN_FUTURE
    return None
