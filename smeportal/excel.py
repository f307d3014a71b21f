"""Spreadsheet safety shared by every .xlsx writer of the portal (no Django imports).

Text that a user typed (a company name, a comment, a header of an uploaded file) may start with a
character that Excel or LibreOffice read as the start of a formula (``=HYPERLINK(...)``, ``+cmd|...``,
``@SUM(...)``) when the cell is edited or the sheet is saved as CSV. Every writer passes its cells
through :func:`safe_cell`, which prefixes such text with an apostrophe so it stays text;
:func:`write_sheet` streams a one-sheet export that way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import xlsxwriter

# = + - @ start a formula; a leading tab or carriage return is stripped by spreadsheets on import,
# which would bring the next character to the front (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """Text starting with a formula character gets a leading apostrophe; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# Characters Excel refuses in a sheet name (which also may not start or end with an apostrophe).
_SHEET_NAME_REFUSED = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str) -> str:
    """A user's text (a batch title, say) made a valid sheet name: Excel's 31 characters, no []:*?/\\."""
    return _SHEET_NAME_REFUSED.sub(" ", title)[:31].strip("' ") or "Sheet1"


def write_sheet(target, title: str, headers: Iterable[str], rows: Iterable[Iterable]) -> None:
    """One sheet of a header row and ``rows`` into ``target``, streamed (constant memory), every text cell
    through :func:`safe_cell` and written as text."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(sheet_name(title))
    sheet.write_row(0, 0, [safe_cell(header) for header in headers], bold)
    for row_number, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(row_number, col, value)
            else:
                sheet.write_string(row_number, col, str(safe_cell(value)))
    book.close()
