"""Workbooks that are small on disk and huge once opened, built in the tests: decompression bombs, sheets
that claim far rows or columns, and entries that lie about their size."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable
from unittest import mock

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


def measured(action: Callable[[], object]) -> tuple[int, int]:
    """Bytes inflated from zip entries while ``action`` ran, and the peak of memory Python allocated meanwhile.

    "Refused at once" is measured in bytes read rather than seconds, so a busy machine cannot fail it: a check
    that stops early inflates a small part of the bomb, one that reads it through inflates all of it.
    """
    inflated = 0
    read = zipfile.ZipExtFile.read

    def counted(stream, size=-1):
        nonlocal inflated
        data = read(stream, size)
        inflated += len(data)
        return data

    tracemalloc.start()
    try:
        with mock.patch.object(zipfile.ZipExtFile, "read", counted):
            action()
        return inflated, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class CountedReads(io.BytesIO):
    """A file that counts the bytes read from it: how far a check read before it refused."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data
