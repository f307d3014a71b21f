"""The 100,000-row registry import against reading the file, and a 100,000-enterprise .xlsx export
against the faster of openpyxl's write-only mode and XlsxWriter's constant-memory mode."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from pathlib import Path

import openpyxl
import pandas as pd
import xlsxwriter

from dashboards.exports import Table, write_xlsx
from enterprises.creditcode import ALPHABET, with_check_character
from enterprises.models import Enterprise
from enterprises.registry.columns import COL_SERIAL, REQUIRED_HEADERS
from enterprises.services.registry import registry_import_apply, registry_import_parse

from .timing import Row, clock, sec

IMPORT_ROWS = 100_000
EXPORT_ROWS = 100_000
IMPORT_TARGET = 3  # times the calamine read of the same file (issue #14)
EXPORT_RUNS = 2
# Seeded enterprises use "MA6…" organisation codes; the benchmark's rows use "MB…", so they never collide
# with the seed and can be deleted afterwards by prefix.
CODE_PREFIX = "91510703MB"
HEADERS = [COL_SERIAL, *REQUIRED_HEADERS]
DISTRICTS = ("涪城区", "游仙区", "高新区")
EXPORT_FIELDS = (
    "credit_code",
    "name",
    "legal_representative",
    "enterprise_type",
    "established_on",
    "registered_capital",
    "managing_district__name",
    "registration_authority",
    "address",
    "industry_code",
    "industry_name",
    "status",
    "origin",
)


def bench_code(n: int) -> str:
    digits = []
    for _ in range(7):
        n, rest = divmod(n, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return with_check_character(CODE_PREFIX + "".join(reversed(digits)))


def registry_row(n: int) -> list:
    return [
        n,
        bench_code(n),
        f"绵阳基准测试科技有限公司{n}",
        "王五",
        "有限责任公司(自然人投资或控股)",
        dt.date(2024, 1 + n % 12, 1 + n % 28),
        50 + n % 500,
        "绵阳市市场监督管理局",
        DISTRICTS[n % len(DISTRICTS)],
        f"四川省绵阳市某路{n}号",
        "I",
        "6510",
        "软件开发",
        "存续",
    ]


def write_registry_file(path: Path, rows: int) -> Path:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "default_date_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("登记信息")
    sheet.write_row(0, 0, HEADERS)
    for n in range(1, rows + 1):
        sheet.write_row(n, 0, registry_row(n))
    book.close()
    return path


def delete_bench_rows() -> int:
    return Enterprise.objects.filter(credit_code__startswith=CODE_PREFIX).delete()[1].get("enterprises.Enterprise", 0)


def measure_import(workdir: Path) -> tuple[list[Row], str]:
    path = write_registry_file(workdir / "registry_100k.xlsx", IMPORT_ROWS)
    delete_bench_rows()
    read_seconds, frame = clock(lambda: pd.read_excel(path, engine="calamine"))
    parse_seconds, parsed = clock(lambda: registry_import_parse(source=str(path), filename=path.name))
    apply_seconds, counts = clock(lambda: registry_import_apply(rows=parsed))
    # The same file again with every name changed: the update path (no target; reported beside the read).
    parsed.valid["name"] = parsed.valid["name"] + "（更名）"
    update_seconds, updated = clock(lambda: registry_import_apply(rows=parsed))
    deleted = delete_bench_rows()
    note = (
        f"import: {len(frame)} rows read; created {counts['created']}, rejected {counts['rejected']}; "
        f"parse {sec(parse_seconds)} + apply {sec(apply_seconds)}; re-import updated {updated['updated']} "
        f"in {sec(update_seconds)}; deleted {deleted} afterwards"
    )
    total = parse_seconds + apply_seconds
    ratio = total / read_seconds
    ok = counts["created"] == IMPORT_ROWS
    return [
        Row(
            what=f"registry import of {IMPORT_ROWS:,} .xlsx rows (parse + apply)",
            value=sec(total),
            baseline='pandas.read_excel(engine="calamine")',
            baseline_value=sec(read_seconds),
            ratio=ratio,
            target=f"<= {IMPORT_TARGET}x",
            met=ratio <= IMPORT_TARGET and ok,
        ),
        Row(
            what=f"  re-import with all {IMPORT_ROWS:,} names changed (apply only)",
            value=sec(update_seconds),
            baseline='pandas.read_excel(engine="calamine")',
            baseline_value=sec(read_seconds),
            ratio=update_seconds / read_seconds,
            target="-",
            met=None if updated["updated"] == IMPORT_ROWS else False,
        ),
    ], note


# --- export -------------------------------------------------------------------------------------------


def project_writer(path: Path, rows) -> None:
    """The portal's own streaming writer (``dashboards.exports.write_xlsx``: XlsxWriter in constant
    memory, every cell through safe_cell), one sheet of ``rows``."""
    write_xlsx([Table("enterprises", "企业", list(EXPORT_FIELDS), rows)], str(path))


def export_queryset():
    return Enterprise.objects.order_by("id").values_list(*EXPORT_FIELDS)[:EXPORT_ROWS]


def project_export(path: Path) -> None:
    project_writer(path, export_queryset().iterator(chunk_size=2000))


def plain_xlsxwriter(path: Path, rows) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "default_date_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("企业")
    sheet.write_row(0, 0, EXPORT_FIELDS)
    for number, values in enumerate(rows, start=1):
        sheet.write_row(number, 0, values)
    book.close()


def tuned_xlsxwriter(path: Path, rows) -> None:
    """The project writer without safe_cell: what the cell-by-cell write_string loop costs by itself."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("企业")
    sheet.write_row(0, 0, EXPORT_FIELDS)
    for number, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(number, col, value)
            elif isinstance(value, dt.date):
                sheet.write_string(number, col, value.isoformat())
            else:
                sheet.write_number(number, col, float(value))
    book.close()


def plain_openpyxl(path: Path, rows) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("企业")
    sheet.append(EXPORT_FIELDS)
    for values in rows:
        sheet.append(values)
    book.save(str(path))


def peak_memory(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def best_of(fn, runs: int = EXPORT_RUNS) -> float:
    """The fastest of a few runs: single runs of several seconds vary with the other load on the machine."""
    return min(clock(fn)[0] for _ in range(runs))


def measure_export(workdir: Path) -> tuple[list[Row], str]:
    rows = list(export_queryset())
    out = workdir / "export.xlsx"
    end_to_end = best_of(lambda: project_export(out))
    writer_only = best_of(lambda: project_writer(out, rows))
    xw = best_of(lambda: plain_xlsxwriter(out, rows))
    op = best_of(lambda: plain_openpyxl(out, rows))
    tuned = best_of(lambda: tuned_xlsxwriter(out, rows))
    best_name, best = ("XlsxWriter constant_memory", xw) if xw <= op else ("openpyxl write_only", op)
    # Peak Python memory (tracemalloc, in separate untimed passes: tracing slows the code down).
    memory_export = peak_memory(lambda: project_export(out))
    memory_small = peak_memory(
        lambda: project_writer(out, export_queryset()[: EXPORT_ROWS // 10].iterator(chunk_size=2000))
    )
    note = (
        f"export: {len(rows):,} rows, best of {EXPORT_RUNS} runs each; "
        f"plain XlsxWriter write_row {sec(xw)}, openpyxl {sec(op)}; "
        f"peak traced memory of the project export: {mib(memory_export)} at {len(rows):,} rows, "
        f"{mib(memory_small)} at {min(len(rows), EXPORT_ROWS // 10):,} rows (flat if about equal)"
    )
    return [
        Row(
            what=f"export of {len(rows):,} enterprises (DB iterator -> project writer)",
            value=sec(end_to_end),
            baseline=f"faster of the two plain writers ({best_name})",
            baseline_value=sec(best),
            ratio=end_to_end / best,
            target="<= 1.5x",
            met=end_to_end / best <= 1.5,
        ),
        Row(
            what="  project writer alone (same in-memory rows)",
            value=sec(writer_only),
            baseline=best_name,
            baseline_value=sec(best),
            ratio=writer_only / best,
            target="<= 1.5x",
            met=writer_only / best <= 1.5,
        ),
        Row(
            what="  project writer alone (same in-memory rows)",
            value=sec(writer_only),
            baseline="XlsxWriter write_string loop without safe_cell",
            baseline_value=sec(tuned),
            ratio=writer_only / tuned,
            target="(safe_cell's cost)",
            met=None,
        ),
    ], note
