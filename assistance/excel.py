"""Excel files of the assistance app: the upload template, reading and validating an upload, the
rejected-rows report and the agreements export. No ORM here: the caller passes the lookups.

A rejected row's reasons are stored in the source language, as msgids, with their parameters when they have
details (:func:`stored_reason`), and shown in the reader's language (:func:`shown_reason`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from openpyxl import load_workbook

from smeportal.display import Message, shown_message, source_text
from smeportal.excel import safe_cell
from smeportal.listing import CappedRows
from smeportal.spreadsheets import SpreadsheetRefused, check_xlsx
from smeportal.text import join_list

from . import newness, rules
from .models import AssistanceAgreement, Measure

COL_CODE = "统一社会信用代码"
COL_NAME = "企业名称"
COL_YEAR = "协议年度"
COL_SIGNED = "签订日期"
COL_MEASURES = "帮扶措施"
COL_GOALS = "帮扶目标"
COL_OFFICER = "责任人"
COL_STATUS = "状态"
HEADERS = (COL_CODE, COL_NAME, COL_YEAR, COL_SIGNED, COL_MEASURES, COL_GOALS, COL_OFFICER, COL_STATUS)
REQUIRED_HEADERS = (COL_CODE, COL_YEAR, COL_SIGNED, COL_MEASURES, COL_OFFICER)
MEASURE_SEPARATORS = re.compile(r"[、,，;；/\s]+")


class AgreementFileError(Exception):
    """The file as a whole cannot be read (not an .xlsx, missing headers)."""


neutralise = safe_cell  # the portal's one rule (smeportal.excel)


def _write_rows(sheet, rows: Iterable[Iterable], start: int = 0) -> int:
    n = start
    for n, values in enumerate(rows, start=start):
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(n, col, value)
            else:
                sheet.write_string(n, col, str(neutralise(value)))
    return n


def measure_lookup() -> dict[str, str]:
    """Codes and Chinese labels (as in the template legend) → code."""
    lookup = {code: code for code in Measure.values}
    lookup.update({str(label): code for code, label in Measure.choices})
    return lookup


def write_template(target: IO[bytes]) -> None:
    book = xlsxwriter.Workbook(target, {"in_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(_("帮扶协议"))
    sheet.write_row(0, 0, HEADERS, bold)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 30)
    sheet.set_column(3, 3, 12)
    sheet.set_column(4, 5, 30)
    legend = book.add_worksheet(_("帮扶措施说明"))
    legend.write_row(0, 0, [_("代码"), _("名称")], bold)
    for n, (code, label) in enumerate(Measure.choices, start=1):
        legend.write_string(n, 0, code)
        legend.write_string(n, 1, str(label))
    notes_row = len(Measure.choices) + 2
    legend.write_string(notes_row, 0, _("帮扶措施可填代码或名称，多项用顿号、逗号或分号分隔。"))
    legend.write_string(notes_row + 1, 0, _("签订日期须在协议年度内，格式 YYYY-MM-DD。"))
    states = join_list(AssistanceAgreement.Status.labels)
    legend.write_string(notes_row + 2, 0, _("状态可填：%(states)s，留空为执行中。") % {"states": states})
    legend.set_column(0, 1, 34)
    book.close()


@dataclass
class Lookups:
    """What the validation needs from the database, loaded in bulk by the caller."""

    # credit code → (enterprise id, status, established_on, introduced_on, origin, confirmed)
    enterprises: dict[str, tuple]
    # (enterprise id, year) pairs that already have an unarchived agreement of the department
    existing: set[tuple[int, int]]
    closed_years: set[int]


# Why a row is not imported: code → what the counts by reason call it (a row's own message may say more).
REASONS = {
    "credit_code": gettext_lazy("统一社会信用代码格式或校验位错误"),
    rules.UNKNOWN_ENTERPRISE: gettext_lazy("统一社会信用代码未在企业库中找到"),
    rules.NOT_OPERATING: gettext_lazy("企业不是存续状态"),
    rules.UNCONFIRMED_ENTERPRISE: gettext_lazy("企业的自主登记尚待区县确认"),
    "year": gettext_lazy("协议年度缺失或无法识别"),
    "closed_year": gettext_lazy("该年度已关闭"),
    "signed_on": gettext_lazy("签订日期缺失或无法识别"),
    rules.SIGNED_OUTSIDE_YEAR: gettext_lazy("签订日期不在协议年度内"),
    rules.SIGNED_IN_FUTURE: gettext_lazy("签订日期晚于今天"),
    "unknown_measure": gettext_lazy("未知的帮扶措施"),
    "no_measure": gettext_lazy("帮扶措施为空"),
    "officer": gettext_lazy("责任人为空或超过50个字符"),
    "status": gettext_lazy("状态无法识别"),
    "existing": gettext_lazy("本部门与该企业在该年度已有帮扶协议"),
    "duplicate": gettext_lazy("与本文件中前面的行重复"),
    "late": gettext_lazy("确认导入前已有相同的帮扶协议或年度已关闭"),
}


def stored_reason(reason) -> str | dict:
    """A row's reason as the import stores it, to be shown in the reader's language (:func:`shown_reason`): the
    msgid of a reason without details (``REASONS``), the msgid and its parameters (:class:`Message`) of one
    with details (the unknown measures, the earlier row)."""
    return reason.as_data() if isinstance(reason, Message) else source_text(reason)


def shown_reason(stored) -> str:
    """A stored reason (:func:`stored_reason`; text stored by an earlier version) in the reader's language."""
    message = Message.from_data(stored)
    return str(message) if message is not None else shown_message(stored)


@dataclass
class ValidationResult:
    total: int = 0
    valid: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    rejected_by_reason: Counter = field(default_factory=Counter)  # reason code → rows


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        match = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                return None
    return None


def read_rows(handle: IO[bytes], *, max_rows: int) -> Iterator[tuple[int, dict]]:
    """(spreadsheet row number, {header: value}) of every non-empty row of the first sheet.

    The file is sized first (:func:`smeportal.spreadsheets.check_xlsx`): one over ``max_rows`` data rows, or
    that inflates too far, is refused before openpyxl opens it."""
    try:
        check_xlsx(handle, max_rows=max_rows)
    except SpreadsheetRefused as exc:
        raise AgreementFileError(exc.message) from exc
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise AgreementFileError(_("无法读取文件，请使用下载的 Excel 模板（.xlsx）。")) from exc
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [cell_text(v) for v in next(rows, ())]
        missing = [h for h in REQUIRED_HEADERS if h not in header]
        if missing:
            raise AgreementFileError(_("文件缺少列：%(columns)s。") % {"columns": "、".join(missing)})
        for number, values in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            yield number, {h: values[i] if i < len(values) else None for i, h in enumerate(header) if h}
    finally:
        book.close()


def normalized_codes(rows: list[tuple[int, dict]]) -> tuple[list[str], list[bool]]:
    """The rows' credit codes normalised, and whether each is valid: vectorised over the whole file."""
    import pandas as pd

    from enterprises.creditcode import normalize_credit_codes, valid_credit_codes

    raw = pd.Series([cell_text(row.get(COL_CODE)) for _number, row in rows], dtype=object)
    codes = normalize_credit_codes(raw)
    return codes.tolist(), valid_credit_codes(codes).tolist()


def validate_rows(
    rows: Iterable[tuple[int, dict]],
    lookups: Lookups,
    *,
    window_years_for: Callable[[int], int],
    today: dt.date,
    progress: Callable[[int], None] | None = None,
) -> ValidationResult:
    """Check every row; a row is valid only when every check passes. Nothing is written. ``today`` is the day
    the rows are checked on (a signing date after it is refused)."""
    rows = list(rows)
    codes, code_ok = normalized_codes(rows)
    measures_by_name = measure_lookup()
    status_by_name = {str(label): code for code, label in AssistanceAgreement.Status.choices}
    status_by_name.update({code: code for code in AssistanceAgreement.Status.values})
    seen: dict[tuple[int, int], int] = {}
    result = ValidationResult()
    for result.total, (number, row) in enumerate(rows, start=1):
        if progress and result.total % 500 == 0:
            progress(result.total)
        reasons: dict[str, object] = {}  # code → the row's message (a msgid, or a Message with its details)
        code = codes[result.total - 1]
        enterprise = lookups.enterprises.get(code)
        if not code_ok[result.total - 1]:
            reasons["credit_code"] = REASONS["credit_code"]
        elif problem := rules.enterprise_problem(
            enterprise[1] if enterprise else None, confirmed=enterprise is not None and enterprise[5]
        ):
            reasons[problem] = REASONS[problem]
        year = rules.parse_year(cell_text(row.get(COL_YEAR)))
        if year is None:
            reasons["year"] = REASONS["year"]
        elif year in lookups.closed_years:
            reasons["closed_year"] = REASONS["closed_year"]
        signed_on = _date(row.get(COL_SIGNED))
        if signed_on is None:
            reasons["signed_on"] = REASONS["signed_on"]
        elif year is not None and (problem := rules.signed_on_problem(signed_on, year=year, today=today)):
            reasons[problem] = REASONS[problem]
        measure_text = cell_text(row.get(COL_MEASURES))
        measure_items = [m for m in MEASURE_SEPARATORS.split(measure_text) if m]
        unknown = [m for m in measure_items if m not in measures_by_name]
        measures = list(dict.fromkeys(measures_by_name[m] for m in measure_items if m in measures_by_name))
        if unknown:
            reasons["unknown_measure"] = Message(gettext_noop("未知的帮扶措施：%(codes)s"), codes="、".join(unknown))
        elif not measures:
            reasons["no_measure"] = REASONS["no_measure"]
        officer = cell_text(row.get(COL_OFFICER))
        if not officer or len(officer) > 50:
            reasons["officer"] = REASONS["officer"]
        status_text = cell_text(row.get(COL_STATUS))
        status = status_by_name.get(status_text or AssistanceAgreement.Status.ACTIVE)
        if status is None:
            reasons["status"] = REASONS["status"]
        if enterprise is not None and year is not None:
            key = (enterprise[0], year)
            if key in lookups.existing:
                reasons["existing"] = REASONS["existing"]
            elif key in seen:
                reasons["duplicate"] = Message(gettext_noop("与本文件第%(row)s行重复"), row=seen[key])
            else:
                seen[key] = number
        if reasons:
            values = [cell_text(row.get(h)) for h in HEADERS]
            result.rejected.append(
                {"row": number, "values": values, "reasons": [stored_reason(m) for m in reasons.values()]}
            )
            result.rejected_by_reason.update(reasons.keys())
            continue
        _id, _status, established_on, introduced_on, origin, _confirmed = enterprise
        result.valid.append(
            {
                "row": number,
                "enterprise_id": enterprise[0],
                "credit_code": code,
                "year": year,
                "signed_on": signed_on.isoformat(),
                "measures": measures,
                "goals": cell_text(row.get(COL_GOALS)),
                "responsible_officer": officer,
                "status": status,
                "counts_as_new": newness.is_new_enterprise(
                    established_on=established_on,
                    introduced_on=introduced_on,
                    origin=origin,
                    agreement_year=year,
                    window_years=window_years_for(year),
                ),
            }
        )
    return result


def write_rejected_report(rejected: Iterable[dict], target: IO[bytes]) -> None:
    """Every rejected row with its reasons in the active language, streamed (constant memory: rows are flushed as
    they are written)."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(_("未导入的行"))
    sheet.write_row(0, 0, [_("行号"), *HEADERS, _("原因")], bold)
    lines = ([item["row"], *item["values"], "；".join(map(shown_reason, item["reasons"]))] for item in rejected)
    _write_rows(sheet, lines, start=1)
    book.close()


def read_rejected_report(handle: IO[bytes]) -> Iterator[dict]:
    """The rows of a report written by :func:`write_rejected_report` (the portal's own file), as written."""
    book = load_workbook(handle, read_only=True, data_only=True)
    try:
        for values in book.worksheets[0].iter_rows(min_row=2, values_only=True):
            number, *cells, reasons = (list(values) + [None] * (len(HEADERS) + 2))[: len(HEADERS) + 2]
            yield {"row": int(number), "values": [cell_text(v) for v in cells], "reasons": (reasons or "").split("；")}
    finally:
        book.close()


EXPORT_HEADERS = (
    COL_CODE, COL_NAME, "管理区县/功能区", COL_YEAR, COL_SIGNED, COL_MEASURES, COL_GOALS, COL_OFFICER, COL_STATUS,
    "计入新企业", "服务次数",
)  # fmt: skip


def write_export(agreements: CappedRows, target) -> None:
    """Stream the agreements into an .xlsx (constant memory: rows are flushed as they are written). When the list
    was longer than the export holds, a second sheet says so, opened first: the import reads the first sheet
    only, where the note as a last line would be a rejected row."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(_("帮扶协议"))
    sheet.write_row(0, 0, EXPORT_HEADERS, bold)
    labels = dict(Measure.choices)
    status_labels = dict(AssistanceAgreement.Status.choices)
    yes, no = _("是"), _("否")

    def rows():
        for a in agreements:
            yield [
                a.enterprise.credit_code,
                a.enterprise.name,
                a.enterprise.managing_district.name,
                a.year,
                a.signed_on.isoformat(),
                join_list(labels.get(code, code) for code in a.measures or ()),
                a.goals,
                a.responsible_officer,
                str(status_labels.get(a.status, a.status)),
                yes if a.counts_as_new else no,
                a.record_count,
            ]

    _write_rows(sheet, rows(), start=1)
    if agreements.note:
        notes = book.add_worksheet(_("导出说明"))
        notes.set_column(0, 0, 60)
        notes.write_string(0, 0, agreements.note)
        notes.activate()
    book.close()
