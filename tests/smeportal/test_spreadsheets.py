"""Spreadsheets sized before any parser reads them (smeportal.spreadsheets): declared and real inflated sizes,
rows, row and column numbers, in every way a sheet can say them; and the lines of a CSV."""

import io
import zipfile

import pytest
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from smeportal import spreadsheets
from smeportal.spreadsheets import CHUNK_BYTES, SpreadsheetRefused, check_csv, check_xlsx, column_letters, column_number
from tests.spreadsheet_bombs import (
    PLAIN_ROW,
    SHEET,
    SHEET_END,
    SHEET_START,
    CountedReads,
    declaring,
    measured,
    row_bomb,
    sheet_with_rows,
    workbook,
)

MAX_ROWS = 100
# Peak memory the check may take, whatever the file claims (it reads 1 MB chunks).
FLAT_MEMORY = 16 * 2**20


@pytest.fixture(autouse=True)
def limits(settings):
    settings.SPREADSHEET_MAX_COLUMNS = 64
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 200 * 2**20


@pytest.fixture(scope="module")
def five_million_rows() -> bytes:
    return row_bomb(5_000_000)


def refusal(data: bytes, max_rows: int = MAX_ROWS) -> str | None:
    """The code of the refusal of ``data`` as an .xlsx, or None when it passes."""
    try:
        check_xlsx(io.BytesIO(data), max_rows=max_rows)
    except SpreadsheetRefused as exc:
        return exc.code
    return None


@pytest.fixture
def exact_scans(monkeypatch):
    """The entries the exact (expat) scan read."""
    names = []
    original = spreadsheets._scan_exactly

    def recorded(archive, entry, limits):
        names.append(entry.filename)
        original(archive, entry, limits)

    monkeypatch.setattr(spreadsheets, "_scan_exactly", recorded)
    return names


def test_column_numbers():
    assert [column_number(c) for c in ("A", "Z", "AA", "BL", "xfd", "ABCD")] == [1, 26, 27, 64, 16384, 16385]
    assert [column_letters(n) for n in (1, 26, 27, 64, 16384)] == ["A", "Z", "AA", "BL", "XFD"]


def test_five_million_row_bomb_is_refused_at_once_with_flat_memory(five_million_rows):
    assert len(five_million_rows) < 1_000_000  # under a megabyte on disk, 245 MB inflated

    def refuse():
        with pytest.raises(SpreadsheetRefused) as refused:
            check_xlsx(io.BytesIO(five_million_rows), max_rows=120_000)
        assert refused.value.code == "too_large"  # its sheet declares more than the limit

    inflated, peak = measured(refuse)
    assert inflated == 0 and peak < FLAT_MEMORY  # refused on its declared size, before inflating a byte


@pytest.mark.parametrize(
    ("row", "max_rows"),
    [
        (PLAIN_ROW, 20_000),  # rows without numbers: the exact scan (expat) places them
        (b'<row r="1"><c r="A1"><v>1</v></c></row>', 120_000),  # as Excel writes rows: the quick scan
    ],
)
def test_bomb_under_the_size_limit_is_refused_by_its_rows(settings, row, max_rows):
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 2**30
    bomb = row_bomb(1_000_000, row)

    def refuse():
        assert refusal(bomb, max_rows=max_rows) == "too_many_rows"

    inflated, peak = measured(refuse)
    # It stops a chunk or so past the row limit, far short of the bomb's million rows.
    assert inflated <= max_rows * len(row) + 2 * CHUNK_BYTES < 1_000_000 * len(row) / 5
    assert peak < FLAT_MEMORY


def test_an_entry_lying_about_its_size_is_measured_as_it_inflates(settings):
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 10 * 2**20
    liar = declaring(row_bomb(1_000_000, b'<row r="1"><c r="A1"><v>1</v></c></row>'), 1000)
    with zipfile.ZipFile(io.BytesIO(liar)) as archive:
        assert archive.getinfo(SHEET).file_size == 1000
    inflated, peak = measured(lambda: refusal(liar, max_rows=10**7) == "too_large" or pytest.fail("not refused"))
    assert inflated <= settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES + CHUNK_BYTES and peak < FLAT_MEMORY
    # What it really holds is what counts: under the limits, a wrong declaration is no danger.
    small = declaring(sheet_with_rows(b'<row r="1"><c r="A1"><v>1</v></c></row>' * 50), 200)
    assert refusal(small) is None
    assert refusal(small, max_rows=10) == "too_many_rows"


def test_entries_declaring_too_much_are_refused_without_inflating(settings, monkeypatch):
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 50_000
    data = sheet_with_rows(PLAIN_ROW * 2000)
    assert len(data) < 50_000
    monkeypatch.setattr(spreadsheets, "_scan_entry", lambda *args: pytest.fail("inflated"))
    with pytest.raises(SpreadsheetRefused) as refused:
        check_xlsx(io.BytesIO(data), max_rows=MAX_ROWS)
    assert refused.value.code == "too_large"
    assert filesizeformat(50_000) in refused.value.message


ROW = b'<row r="%d"><c r="A%d"><v>1</v></c></row>'


@pytest.mark.parametrize(
    ("rows", "expected", "exact"),
    [
        # What Excel writes: the quick scan alone.
        (b"".join(ROW % (n, n) for n in range(1, MAX_ROWS + 2)), None, False),
        (b"".join(ROW % (n, n) for n in range(1, MAX_ROWS + 3)), "too_many_rows", False),
        (ROW % (1, 1) + ROW % (MAX_ROWS + 2, MAX_ROWS + 2), "too_many_rows", False),
        (b'<row r="1"><c r="A1"><v>1</v></c><c r="A5000000"><v>1</v></c></row>', "too_many_rows", False),
        (b'<row r="1"><c r="BL1"><v>1</v></c></row>', None, False),
        (b'<row r="1"><c r="BM1"><v>1</v></c></row>', "too_many_columns", False),
        (b'<row r="1"><c r="BL5000000"><v>1</v></c></row>', "too_many_rows", False),
        (b'<row r="1"><c r="AA102"><v>1</v></c></row>', "too_many_rows", False),
        (b'<row r="1"><c r="AA101" s="3" t="s"><v>1</v></c><c r="B7" t="inlineStr"/></row>', None, False),
        (b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c></row>', "too_many_rows", False),
        (b'<row r="1" spans="1:2" x14ac:dyDescent="0.25"><c r="B1" s="1" t="s"><v>0</v></c></row>', None, False),
        # Anything else: the exact scan, which places rows and cells as the parsers do.
        (PLAIN_ROW * (MAX_ROWS + 1), None, True),
        (PLAIN_ROW * (MAX_ROWS + 2), "too_many_rows", True),
        (b'<row r="1"><c r="A1"><v>1</v></c></row><row r="5000000"></row>', "too_many_rows", False),
        (b"<row>" + b"<c><v>1</v></c>" * 64 + b"</row>", None, True),
        (b"<row>" + b"<c><v>1</v></c>" * 65 + b"</row>", "too_many_columns", True),
        (b"<row r=\"1\"><c r = 'XFD5'><v>1</v></c></row>", "too_many_columns", True),
        (b"<row r=\"1\"><c r = 'D5'><v>1</v></c></row>", None, True),
        (b'<row r="1"><c r="&#88;FD5"><v>1</v></c></row>', "too_many_columns", True),
        (b'<row r="1"><c r="xfd5"><v>1</v></c></row>', "too_many_columns", True),
        (b'<row r="1"><c foo=">" r="XFD5"><v>1</v></c></row>', "too_many_columns", True),
        (b'<row r="1"><c\nr="XFD5"><v>1</v></c></row>', "too_many_columns", True),
        # A second reference: calamine takes the last, openpyxl refuses the file.
        (b'<row r="1"><c r="A1" r="XFD5"><v>1</v></c></row>', "damaged", True),
        (b'<row r="1"><c r="A1"\tr="B1"><v>1</v></c></row>', "damaged", True),
        (b'<row r="1"><c r="A1"><v>1</v></c></row><row r = "9000000"/>', "too_many_rows", True),
        (b'<x:row xmlns:x="urn:any" r="1"><x:c r="XFD1"><x:v>1</x:v></x:c></x:row>', "too_many_columns", True),
    ],
)
def test_rows_and_columns_as_the_parsers_would_place_them(rows, expected, exact, exact_scans):
    assert refusal(sheet_with_rows(rows)) == expected
    assert (SHEET in exact_scans) == exact


@pytest.mark.parametrize(
    ("dimension", "expected"),
    [
        (b'<dimension ref="A1:B101"/>', None),
        (b'<dimension ref="A1:XFD101"/>', "too_many_columns"),  # openpyxl pads every row to it
        (b'<dimension ref="A1:B30000"/>', "too_many_rows"),  # and fills every row up to it
        (b"<dimension ref = 'A1:B30000'/>", "too_many_rows"),
        (b'<dimension ref="A1:&#88;FD2"/>', "too_many_columns"),
    ],
)
def test_dimension(dimension, expected):
    head = SHEET_START.replace(b"<sheetData>", dimension + b"<sheetData>")
    assert refusal(workbook(head + ROW % (1, 1) + SHEET_END)) == expected


def test_utf16_sheets_and_dtds_are_read_exactly():
    text = SHEET_START.decode().replace("UTF-8", "UTF-16") + '<row r="1"><c r="XFD1"><v>1</v></c></row>'
    assert refusal(workbook((text + SHEET_END.decode()).encode("utf-16"))) == "too_many_columns"
    entities = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "<row><c><v>1</v></c></row>"><!ENTITY b "&a;&a;&a;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>&b;'
    )
    assert refusal(workbook(entities + SHEET_END)) == "damaged"


def test_quick_and_exact_scans_agree_on_an_excel_sheet(exact_scans, monkeypatch):
    rows = b"".join(ROW % (n, n) for n in range(1, MAX_ROWS + 2))
    data = sheet_with_rows(rows)
    assert refusal(data) is None and SHEET not in exact_scans
    monkeypatch.setattr(spreadsheets._QuickScan, "scan", lambda self, piece: setattr(self, "unusual", True))
    assert refusal(data) is None and SHEET in exact_scans
    assert refusal(sheet_with_rows(rows + ROW % (MAX_ROWS + 2, MAX_ROWS + 2))) == "too_many_rows"


def test_pieces_split_at_any_chunk_boundary_count_every_row(monkeypatch):
    rows = b"".join(ROW % (n, n) for n in range(1, MAX_ROWS + 2))
    for chunk in (7, 64, 1000):
        monkeypatch.setattr(spreadsheets, "CHUNK_BYTES", chunk)
        assert refusal(sheet_with_rows(rows)) is None
        assert refusal(sheet_with_rows(rows + ROW % (7, 7))) == "too_many_rows"


def test_damaged_and_encrypted_archives_are_refused():
    assert refusal(b"PK\x03\x04garbage") == "damaged"
    whole = sheet_with_rows(ROW % (1, 1))
    assert refusal(whole[: len(whole) // 2]) == "damaged"


def test_messages_name_the_limit_in_both_languages(settings):
    settings.SPREADSHEET_MAX_COLUMNS = 64
    cases = {
        b'<row r="1"><c r="A1"><v>1</v></c></row>' * 3: ("最多 1 行", "at most 1 row"),
        b'<row r="1"><c r="BM1"><v>1</v></c></row>': ("最多 64 列", "at most 64 columns"),
    }
    for rows, (chinese, english) in cases.items():
        data = sheet_with_rows(rows)
        for language, expected in (("zh-hans", chinese), ("en", english)):
            with translation.override(language), pytest.raises(SpreadsheetRefused) as refused:
                check_xlsx(io.BytesIO(data), max_rows=1)
            assert expected in refused.value.message


# --- CSV --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"h\n" + b"1\n" * MAX_ROWS, None),
        (b"h\n" + b"1\n" * MAX_ROWS + b"1", "too_many_rows"),
        (b"h\r\n" + b"1\r\n" * MAX_ROWS, None),
        (b"h\r" + b"1\r" * (MAX_ROWS + 1), "too_many_rows"),  # a lone carriage return ends a line for pandas
        (b"h\n" + b"\n" * (MAX_ROWS + 1), "too_many_rows"),  # blank lines are rows too
    ],
)
def test_csv_lines(content, expected):
    try:
        check_csv(io.BytesIO(content), max_rows=MAX_ROWS)
        code = None
    except SpreadsheetRefused as exc:
        code = exc.code
    assert code == expected


def test_csv_of_ten_million_blank_lines_is_refused_at_once_with_flat_memory():
    content = CountedReads(b"h\n" + b"\n" * 10_000_000)

    def refuse():
        with pytest.raises(SpreadsheetRefused, match="120,000"):
            check_csv(content, max_rows=120_000)

    _inflated, peak = measured(refuse)
    assert content.bytes_read <= CHUNK_BYTES and peak < FLAT_MEMORY  # the first megabyte of ten


def test_csv_over_the_size_limit(settings):
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 100
    with pytest.raises(SpreadsheetRefused) as refused:
        check_csv(io.BytesIO(b"h\n" + b"x" * 200), max_rows=MAX_ROWS)
    assert refused.value.code == "too_large"


def test_the_file_is_left_at_its_start():
    handle = io.BytesIO(sheet_with_rows(ROW % (1, 1)))
    check_xlsx(handle, max_rows=MAX_ROWS)
    assert handle.tell() == 0
