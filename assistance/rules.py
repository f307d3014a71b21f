"""Rules of an agreement that need no database, in one place for the form, the services and the Excel upload.

Pure Python, no Django, so they are tested fast and exhaustively:

- :func:`parse_year`: an agreement year as typed in a link or a cell, or ``None``;
- :func:`signed_on_problem`: why a signing date cannot be an agreement's, as a reason code (the upload
  counts rows by it, the services turn it into a field error);
- :func:`service_date_problem`: why a date cannot be a service record's under an agreement signed on a day
  (the form, the services, and an agreement whose signing date moves, against its records);
- :func:`enterprise_problem`: why an agreement cannot be signed with an enterprise, as a reason code (the
  form and the services, the upload's validation and its commit).
"""

from __future__ import annotations

import datetime as dt

YEAR_MIN, YEAR_MAX = 2000, 2100  # the agreements' years (the database's agreement_year_range as well)

SIGNED_OUTSIDE_YEAR = "signed_outside_year"
SIGNED_IN_FUTURE = "signed_in_future"

SERVICE_IN_FUTURE = "service_in_future"
SERVICE_BEFORE_SIGNING = "service_before_signing"

# enterprises.models.Enterprise.Status.OPERATING, the registry status an agreement can be signed with (the
# value as stored; tests.assistance.test_rules checks that it is the model's).
OPERATING = "operating"
UNKNOWN_ENTERPRISE = "unknown_enterprise"
NOT_OPERATING = "not_operating"
UNCONFIRMED_ENTERPRISE = "unconfirmed_enterprise"


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


def service_date_problem(date: dt.date, *, signed_on: dt.date, today: dt.date) -> str | None:
    """Why ``date`` cannot be the date of a service under an agreement signed on ``signed_on``, on ``today``:
    after today, not happened yet (:data:`SERVICE_IN_FUTURE`), or before the agreement was signed
    (:data:`SERVICE_BEFORE_SIGNING`); None when it can. The signing day itself is a service day."""
    if date > today:
        return SERVICE_IN_FUTURE
    if date < signed_on:
        return SERVICE_BEFORE_SIGNING
    return None


def enterprise_problem(status: str | None, *, confirmed: bool) -> str | None:
    """Why no agreement can be signed with an enterprise of this registry ``status`` (None: no such enterprise):
    unknown (:data:`UNKNOWN_ENTERPRISE`), not operating (:data:`NOT_OPERATING`), or self-registered and not
    confirmed by its district yet, so perhaps a stranger's invention (:data:`UNCONFIRMED_ENTERPRISE`); None when
    it can."""
    if status is None:
        return UNKNOWN_ENTERPRISE
    if status != OPERATING:
        return NOT_OPERATING
    if not confirmed:
        return UNCONFIRMED_ENTERPRISE
    return None
