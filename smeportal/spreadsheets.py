"""Spreadsheet files sized before any parser reads them: the one check of every import of the portal.

An .xlsx is a zip archive of XML. A few megabytes can hold a sheet that inflates to gigabytes or
claims millions of rows and columns, and the parsers size their memory by what the sheet says:
calamine builds a dense grid from the first to the last cell it meets, openpyxl pads every row to
the sheet's ``<dimension>`` and fills the gaps between row numbers. :func:`check_xlsx` opens the
archive itself and, reading in bounded chunks, refuses it when

- an entry declares an uncompressed size over the limit, or the entries together do;
- the entries really inflate past the limit (a declared size can lie, so it is counted, not trusted);
- an XML entry has more ``<row>`` elements, or names a higher row or column (in a cell reference or
  in ``<dimension>``), than allowed; or declares a DTD (entities can expand into rows).

:func:`check_csv` counts a .csv's lines in a bounded stream. Both leave the file at its start.

The scan is quick for what Excel, WPS, LibreOffice and the usual libraries write (unprefixed tags, a
cell's reference first, ``<c r="B7" s="1">``): a few regular expressions over each chunk. An entry
written any other way (namespace prefixes, cells without references, other quoting, character
references, UTF-16) is read again by expat, element by element: slower, but exact.
"""

from __future__ import annotations

import copy
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import IO
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# An import whose file keeps killing the worker that reads it (``attempts``: the limit of starts).
GAVE_UP = gettext_lazy(
    "文件在 %(attempts)s 次尝试后仍未能处理完（每次都在处理中途中断，可能是文件过大），已停止重试。"
    "请检查文件，必要时拆分后重新上传。"
)

CHUNK_BYTES = 1 << 20
XLSX_MAX_COLUMN = 16384  # XFD

# The quick scan reads pieces of the XML that end just after a ">": no tag name, attribute name or
# reference is split between two pieces. A stretch this long without one is no sheet Excel writes.
MAX_PIECE_BYTES = 4 * CHUNK_BYTES
# What the quick scan does not understand sends the entry to the exact scan: a namespace prefix, a DTD
# (its entities can expand into rows), a row or cell written otherwise than Excel, WPS, LibreOffice and
# the usual libraries write them: the reference first and alone (calamine takes the last of two), a cell
# with no other attribute than its style and type, a dimension as a plain range.
_UNUSUAL = (
    re.compile(rb":(?:row|c|dimension)[\s/>]"),
    re.compile(rb'<row(?=[\s/>])(?! r="\d{1,7}"(?: (?!r=)[\w:.-]+="[^"<]*")*\s?/?>)'),
    re.compile(rb'<c(?! r="[A-Z]{1,3}\d{1,7}"(?: s="\d{1,5}")?(?: t="[a-zA-Z]{1,9}")?\s?/?>)[\s/>]'),
)
_UNUSUAL_DIMENSION = re.compile(rb'<dimension(?=[\s/>])(?! ref="[A-Z]{1,3}\d{1,7}(?::[A-Z]{1,3}\d{1,7})?"\s*/>)')
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
_REFERENCE = re.compile(r"\s*\$?([A-Za-z]*)\$?(\d*)\s*")


class SpreadsheetRefused(ValidationError):
    """A spreadsheet refused before any parser read it; ``message`` says why, for the person who sent it.
    A form's clean method can let it through as the field's error."""


def column_number(letters: str) -> int:
    """Spreadsheet column letters to a number (A → 1, Z → 26, AA → 27); past XFD is only 'too many'."""
    if len(letters) > 3:
        return XLSX_MAX_COLUMN + 1
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Limits:
    """What one import accepts: data rows (the header row not counted), columns, bytes once inflated."""

    rows: int
    columns: int = field(default_factory=lambda: settings.SPREADSHEET_MAX_COLUMNS)
    bytes: int = field(default_factory=lambda: settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES)
    inflated: int = 0  # bytes read so far

    def check_rows(self, sheet_rows: int) -> None:
        if sheet_rows > self.rows + 1:
            raise SpreadsheetRefused(
                _("文件的行数超过上限：最多 %(limit)s 行（不含表头）。请拆分成几个文件分别导入。")
                % {"limit": f"{self.rows:,}"},
                code="too_many_rows",
            )

    def check_columns(self, columns: int) -> None:
        if columns > self.columns:
            raise SpreadsheetRefused(
                _("文件的列数超过上限：最多 %(limit)s 列。") % {"limit": self.columns}, code="too_many_columns"
            )

    def check_bytes(self, size: int) -> None:
        if size > self.bytes:
            raise SpreadsheetRefused(
                _("文件解压后的大小超过上限 %(limit)s。") % {"limit": filesizeformat(self.bytes)}, code="too_large"
            )

    def add_inflated(self, size: int) -> None:
        self.inflated += size
        self.check_bytes(self.inflated)


def _damaged(error) -> SpreadsheetRefused:
    return SpreadsheetRefused(_("Excel 文件已损坏或无法读取：%(error)s") % {"error": error}, code="damaged")


class _QuickScan:
    """Counts over the raw bytes of one entry; gives up (``unusual``) on anything it does not understand."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.rows = 0
        self.unusual = False
        self.rest = b""
        # Only row numbers with as many digits as the limit, and columns with as many letters, can pass it.
        digits = str(min(len(str(limits.rows + 1)), 7)).encode()
        letters = str(min(len(column_letters(limits.columns)), 3)).encode()
        self.high_rows = re.compile(rb'<row r="(\d{' + digits + rb',7})"')
        self.high_cells = re.compile(
            rb'<c r="(?=[A-Z]{' + letters + rb"}|[A-Z]{1,3}\d{" + digits + rb'})([A-Z]{1,3})(\d{1,7})"'
        )

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        data = self.rest + chunk
        cut = len(data) if final else data.rfind(b">") + 1
        self.rest = data[cut:]
        if len(self.rest) > MAX_PIECE_BYTES:
            self.unusual = True
        elif cut:
            self.scan(data[:cut])

    def scan(self, piece: bytes) -> None:
        if (
            b"<!DOCTYPE" in piece
            or any(pattern.search(piece) for pattern in _UNUSUAL)
            or (b"<dimension" in piece and _UNUSUAL_DIMENSION.search(piece))
        ):
            self.unusual = True
            return
        self.rows += piece.count(b'<row r="')
        cells = self.high_cells.findall(piece)
        highest = max((int(n) for n in (*self.high_rows.findall(piece), *(n for _c, n in cells))), default=0)
        self.limits.check_rows(max(self.rows, highest))
        for letters, _number in cells:
            self.limits.check_columns(column_number(letters.decode()))
        for first_column, first_row, last_column, last_row in _DIMENSION.findall(piece):
            self.limits.check_rows(max(int(first_row), int(last_row or 0)))
            self.limits.check_columns(max(column_number(first_column.decode()), column_number(last_column.decode())))


class _ExactScan:
    """Element by element (expat, no tree): rows, row numbers and columns as the parsers would place them."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.rows = self.row = self.column = 0
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.StartDoctypeDeclHandler = self.refuse_dtd

    def refuse_dtd(self, *args):
        raise _damaged("DTD")

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        self.parser.Parse(chunk, final)

    def start(self, name: str, attributes: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            self.rows += 1
            _column, number = _reference(attributes.get("r"))
            self.row, self.column = number or self.row + 1, 0
            self.limits.check_rows(max(self.rows, self.row))
        elif local == "c":
            column, number = _reference(attributes.get("r"))
            self.column = column or self.column + 1
            self.limits.check_rows(number or self.row)
            self.limits.check_columns(self.column)
        elif local == "dimension":
            for corner in (attributes.get("ref") or "").split(":"):
                column, number = _reference(corner)
                self.limits.check_rows(number)
                self.limits.check_columns(column)


def _reference(value: str | None) -> tuple[int, int]:
    """(column, row) of a cell reference such as "B7" (0 for a part that is missing)."""
    match = _REFERENCE.fullmatch(value or "")
    if not match:
        return 0, 0
    letters, digits = match.groups()
    return (column_number(letters) if letters else 0), (int(digits) if digits else 0)


def _utf16(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]


def _looks_like_xml(head: bytes) -> bool:
    return _utf16(head) or head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def _scan_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: Limits) -> None:
    # Inflate up to the limit whatever the entry declares: the CRC still catches a truncated entry.
    measured = copy.copy(entry)
    measured.file_size = limits.bytes + 1
    before, head = limits.inflated, b""
    quick = _QuickScan(limits)
    with archive.open(measured) as stream:
        while not (quick.unusual and _looks_like_xml(head)):
            chunk = stream.read(CHUNK_BYTES)
            limits.add_inflated(len(chunk))
            head = head or chunk[:64]
            quick.unusual = quick.unusual or _utf16(head)
            if not quick.unusual:
                quick.feed(chunk, final=not chunk)
            if not chunk:
                break
    if quick.unusual and _looks_like_xml(head):  # else understood, or no XML (an image) that a parser reads
        limits.inflated = before
        _scan_exactly(archive, measured, limits)


def _scan_exactly(archive: zipfile.ZipFile, measured: zipfile.ZipInfo, limits: Limits) -> None:
    exact = _ExactScan(limits)
    with archive.open(measured) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            limits.add_inflated(len(chunk))
            exact.feed(chunk)
        exact.feed(b"", final=True)


def _check_file_size(handle: IO[bytes], limit: int) -> None:
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(0)
    if size > limit:
        raise SpreadsheetRefused(_("文件过大（上限 %(limit)s）。") % {"limit": filesizeformat(limit)}, code="too_large")


def check_xlsx(handle: IO[bytes], *, max_rows: int) -> None:
    """Raise SpreadsheetRefused unless the workbook stays within the limits once inflated (see the module):
    at most ``max_rows`` data rows under a header row."""
    limits = Limits(rows=max_rows)
    try:
        _check_file_size(handle, limits.bytes)
        with zipfile.ZipFile(handle) as archive:
            entries = [entry for entry in archive.infolist() if not entry.is_dir()]
            declared = 0
            for entry in entries:
                declared += entry.file_size
                limits.check_bytes(max(entry.file_size, declared))
            for entry in entries:
                _scan_entry(archive, entry, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, expat.ExpatError, NotImplementedError, RuntimeError) as exc:
        # Damaged, encrypted or compressed in a way this check cannot follow: no parser gets it either.
        raise _damaged(exc) from exc
    finally:
        handle.seek(0)


def check_csv(handle: IO[bytes], *, max_rows: int) -> None:
    """Raise SpreadsheetRefused when a .csv is over the byte limit or has more lines than ``max_rows`` data
    rows and a header (a line break inside a quoted cell counts too: the limit is never exceeded)."""
    limits = Limits(rows=max_rows)
    lines, last = 0, b""
    try:
        _check_file_size(handle, limits.bytes)
        while chunk := handle.read(CHUNK_BYTES):
            # \n, \r\n and a lone \r each end a line for pandas.
            lines += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
            lines -= last == b"\r" and chunk.startswith(b"\n")
            last = chunk[-1:]
            limits.check_rows(lines)
        limits.check_rows(lines + (last not in (b"", b"\n", b"\r")))
    finally:
        handle.seek(0)
