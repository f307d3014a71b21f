"""Workbooks that are small on disk and huge once opened, built in the tests: decompression bombs, sheets
that claim far rows or columns, and entries that lie about their size."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"
# A row as calamine and openpyxl read it, one after the other (no row numbers to check).
PLAIN_ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'


def _skeleton() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def workbook(sheet_parts: Iterable[bytes] | bytes) -> bytes:
    """A real .xlsx (openpyxl's parts) whose first sheet is ``sheet_parts``, streamed into the archive."""
    parts = [sheet_parts] if isinstance(sheet_parts, bytes) else sheet_parts
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_skeleton())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for entry in source.infolist():
            if entry.filename != SHEET:
                target.writestr(entry, source.read(entry))
                continue
            with target.open(SHEET, "w") as sheet:
                for part in parts:
                    sheet.write(part)
    return out.getvalue()


def sheet_with_rows(rows: bytes) -> bytes:
    """A workbook whose sheet data is ``rows`` (XML of <row> elements)."""
    return workbook(SHEET_START + rows + SHEET_END)


def row_bomb(rows: int, row: bytes = PLAIN_ROW) -> bytes:
    """A workbook of ``rows`` identical rows: 5,000,000 of them is about 700 KB on disk and 245 MB inflated."""
    block = 20_000
    whole, rest = divmod(rows, block)
    return workbook([SHEET_START, *([row * block] * whole), row * rest, SHEET_END])


def declaring(data: bytes, size: int, name: str = SHEET) -> bytes:
    """The archive with ``name`` declaring ``size`` uncompressed bytes (local and central headers): a lie."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entry = archive.getinfo(name)
    struct.pack_into("<I", patched, entry.header_offset + 22, size)
    central = patched.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack_from("<H", patched, central + 28)[0]
        if bytes(patched[central + 46 : central + 46 + length]) == name.encode():
            struct.pack_into("<I", patched, central + 24, size)
            return bytes(patched)
        central = patched.find(b"PK\x01\x02", central + 4)
    raise AssertionError(f"{name} not found in the central directory")


def measured(action: Callable[[], object]) -> tuple[float, int]:
    """Seconds taken by ``action`` (untraced), then the peak of memory Python allocated in a second, traced run."""
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        action()
        return seconds, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
