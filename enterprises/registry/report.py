"""The error report of a registry import: every rejected row with its row number and reasons, as .xlsx."""

from __future__ import annotations

import os
from typing import IO

from django.utils.translation import gettext as _

from enterprises.registry.columns import REASON_CODES, REASON_MESSAGES, ROW_NUMBER, RegistryParseResult
from smeportal.excel import safe_cell


def write_error_report(result: RegistryParseResult, target: str | os.PathLike | IO[bytes]) -> int:
    """Write the rejected rows to an .xlsx (streaming, constant memory). Returns the number of rows."""
    import xlsxwriter

    headers = [ROW_NUMBER, *result.columns, REASON_CODES, REASON_MESSAGES]
    rejected = result.rejected.reindex(columns=headers)
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "default_date_format": "yyyy-mm-dd",
            "strings_to_numbers": False,
            "strings_to_formulas": False,
        },
    )
    try:
        sheet = workbook.add_worksheet(_("未导入的行"))
        bold = workbook.add_format({"bold": True})
        sheet.set_column(0, 0, 8)
        sheet.set_column(1, len(headers) - 1, 18)
        sheet.freeze_panes(1, 0)
        # The rows (and any extra headers) are what the uploader typed: text that a spreadsheet would
        # run as a formula stays text.
        sheet.write_row(0, 0, [safe_cell(h) for h in headers], bold)
        values = rejected.astype(object).where(rejected.notna(), None)
        for offset, row in enumerate(values.itertuples(index=False, name=None), start=1):
            sheet.write_row(offset, 0, [safe_cell(v) for v in row])
    finally:
        workbook.close()
    return len(rejected)
