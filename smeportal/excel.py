"""Spreadsheet safety shared by every .xlsx writer of the portal (no Django imports).

Text that a user typed (a company name, a comment, a header of an uploaded file) may start with a
character that Excel or LibreOffice read as the start of a formula (``=HYPERLINK(...)``, ``+cmd|...``,
``@SUM(...)``) when the cell is edited or the sheet is saved as CSV. Every writer passes its cells
through :func:`safe_cell`, which prefixes such text with an apostrophe so it stays text.
"""

from __future__ import annotations

# = + - @ start a formula; a leading tab or carriage return is stripped by spreadsheets on import,
# which would bring the next character to the front (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text starting with a formula character gets a leading apostrophe; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
