"""Reading a registry export (.xlsx with calamine, or .csv in UTF-8 or GB18030) into a frame of text cells,
once the file is sized (:mod:`smeportal.spreadsheets`)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from enterprises.registry.columns import REQUIRED_HEADERS, RegistryFileError
from smeportal.spreadsheets import SpreadsheetRefused, check_csv, check_xlsx


def _normalise_headers(frame: pd.DataFrame) -> pd.DataFrame:
    headers = pd.Series([str(c) for c in frame.columns], dtype="string").str.normalize("NFKC").str.strip()
    frame.columns = list(headers)
    return frame


def _whole_numbers_as_int(column: pd.Series) -> pd.Series:
    """A number cell is a float to calamine; 6510.0 is written 6510, as the user typed it."""
    floats = column.map(lambda cell: isinstance(cell, float))
    if not floats.any():
        return column
    values = column[floats].astype("float64")
    whole = values[np.isfinite(values) & (values == np.floor(values))]
    return column.where(~column.index.isin(whole.index), whole.map(int))


def _read_xlsx(data: bytes) -> pd.DataFrame:
    """The first sheet, read by python-calamine itself.

    pandas' reader converts each cell in a Python call (1.2 s of a 100,000-row file) to turn whole
    numbers into ints and dates into datetimes; here whole numbers are turned column by column, and the
    cleaning reads dates as they come. An empty cell is missing; any text is text, as in a .csv.
    """
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    if not rows:
        return pd.DataFrame()
    header, body = rows[0], rows[1:]
    frame = pd.DataFrame(body, columns=range(len(header)), dtype=object)
    frame = frame.where(frame != "").apply(_whole_numbers_as_int)
    frame.columns = [f"Unnamed: {i}" if cell == "" else str(cell) for i, cell in enumerate(header)]
    return frame


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegistryFileError(_("CSV 文件的编码无法识别，请另存为 UTF-8 或 GB18030 编码后重试。"))


def check_registry_file(handle: IO[bytes], suffix: str) -> None:
    """Raise SpreadsheetRefused when the file is over the import's limits (rows, columns, inflated size)."""
    head = handle.read(4)
    handle.seek(0)
    if suffix == ".csv":
        check_csv(handle, max_rows=settings.REGISTRY_IMPORT_MAX_ROWS)
    elif head == b"PK\x03\x04":  # anything else is refused below as not a workbook
        check_xlsx(handle, max_rows=settings.REGISTRY_IMPORT_MAX_ROWS)


def _read_checked(handle: IO[bytes], suffix: str) -> bytes:
    try:
        check_registry_file(handle, suffix)
    except SpreadsheetRefused as exc:
        raise RegistryFileError(exc.message) from exc
    return handle.read()


def read_registry_file(source: str | os.PathLike | IO[bytes], *, filename: str | None = None) -> pd.DataFrame:
    """Read an .xlsx or .csv export into a DataFrame of objects, with the spreadsheet row numbers.

    Raises RegistryFileError with a Chinese message when the file cannot be read, lacks headers, or is over
    the limits; no parser reads a file before it is sized.
    The index of the result is the row number in the spreadsheet (the header is row 1).
    """
    name = filename or (str(source) if isinstance(source, str | os.PathLike) else getattr(source, "name", ""))
    suffix = Path(name).suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise RegistryFileError(_("只支持 .xlsx 或 .csv 文件。"))
    try:
        if isinstance(source, str | os.PathLike):
            with open(source, "rb") as handle:
                data = _read_checked(handle, suffix)
        else:
            data = _read_checked(source, suffix)
    except OSError as exc:
        raise RegistryFileError(_("无法打开文件：%(error)s") % {"error": exc.strerror or exc}) from exc

    if not data.strip():
        raise RegistryFileError(_("文件是空的。"))
    if suffix == ".xlsx":
        if not data.startswith(b"PK\x03\x04"):
            raise RegistryFileError(_("文件不是有效的 Excel (.xlsx) 工作簿。"))
        try:
            frame = _read_xlsx(data)
        except Exception as exc:  # calamine raises its own error types for damaged workbooks
            raise RegistryFileError(_("Excel 文件已损坏或无法读取：%(error)s") % {"error": exc}) from exc
    else:
        text = _decode_csv(data)
        if "\x00" in text:
            raise RegistryFileError(_("CSV 文件包含二进制内容，无法读取。"))
        try:
            frame = pd.read_csv(
                io.StringIO(text), dtype=object, keep_default_na=False, na_values=[""], skip_blank_lines=False
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
            raise RegistryFileError(_("CSV 文件格式错误，无法读取：%(error)s") % {"error": exc}) from exc

    frame = _normalise_headers(frame)
    missing = [h for h in REQUIRED_HEADERS if h not in frame.columns]
    if missing:
        raise RegistryFileError(
            _("文件缺少必需的列：%(columns)s。请使用市场监管部门导出的原始表头。") % {"columns": "、".join(missing)}
        )
    if frame.columns.duplicated().any():
        raise RegistryFileError(_("文件中有重复的列名，请检查表头。"))
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    # Fully blank lines (often left at the bottom of a sheet) are not rows.
    return frame.loc[~frame.isna().all(axis=1)]
