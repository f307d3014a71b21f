"""Rules of registration (入库) that hold whatever the campaign: how long a fraud revocation bans an
enterprise and how a registration number is written (RULES.md §3). Pure: no Django imports."""

import re

FRAUD_BAN_YEARS = 3  # revoked for fraud in year Y: no filing for Y to Y + 3
SERIAL_DIGITS = 5  # RULES.md gives no width for the serial; five digits leave room for 99,999 a year
# Year, the evaluating agency's 6-digit code, the flag (0 before 1 June, A after, B founded that year), serial.
REGISTRATION_NUMBER = re.compile(rf"\d{{4}}\d{{6}}[0AB]\d{{{SERIAL_DIGITS}}}")


def registration_number(*, evaluation_year: int, code: str, flag: str, serial: int) -> str:
    return f"{evaluation_year:04d}{code}{flag}{serial:0{SERIAL_DIGITS}d}"


def as_registration_number(text: str) -> str | None:
    """``text`` as a registration number (upper case, no spaces), or None when it cannot be one."""
    candidate = "".join(text.split()).upper()
    return candidate if REGISTRATION_NUMBER.fullmatch(candidate) else None
