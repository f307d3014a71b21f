"""The dashboards' tables as plain rows, shared by the page tables, the chart data and the .xlsx exports.

One builder per table turns the selectors' results into a :class:`Table` (title, headers, rows of
plain values); the page renders the same rows under each chart, the chart JSON is made from them,
and :func:`write_xlsx` streams them into a workbook (XlsxWriter in constant-memory mode) with text
that a spreadsheet would run as a formula neutralised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from smeportal.excel import safe_cell

from .selectors import (
    FUNNEL_STEPS,
    Overview,
    ScopeRow,
    Trend,
    breakdown_labels,
    breakdown_rows,
    candidate_rows,
    percent,
)

TABLES = ("league", "departments", "trend", "funnel", "breakdown", "waiting", "candidates")
DISTRICT_TABLES = {"waiting", "candidates"}  # a district's work lists: no city-wide version
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: Iterable[list]  # a list for the pages; any iterable for write_xlsx, which streams it


neutralise = safe_cell  # the portal's one rule (smeportal.excel)


def _yes_no(value: bool) -> str:
    return _("达标") if value else _("未达标")


def _rank_change_text(change: int | None) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"▲{change}"
    if change < 0:
        return f"▼{-change}"
    return "0"


def funnel_labels() -> dict[str, str]:
    return {
        "newly_registered": _("新注册企业"),
        "candidates": _("培育库企业"),
        "filed": _("已申报"),
        "recommended": _("已推荐"),
        "registered": _("已入库"),
    }


def league_table(overview: Overview) -> Table:
    headers = [
        _("排名"),
        _("排名变化"),
        _("区县/功能区"),
        _("代码"),
        _("新注册企业数"),
        _("培育库企业数"),
        _("已申报企业数"),
        _("已推荐企业数"),
        _("已入库企业数"),
        _("占比（%）"),
        _("目标（%）"),
        _("是否达标"),
        _("差额（家）"),
    ]

    def values(row: ScopeRow, rank) -> list:
        s = row.snapshot
        return [
            rank,
            _rank_change_text(row.rank_change) if rank != "" else "",
            row.name,
            "" if row.is_city else row.code,
            s.newly_registered,
            s.candidates,
            s.filed,
            s.recommended,
            s.registered,
            row.share_percent,
            row.target_percent,
            _yes_no(s.met),
            s.short_by,
        ]

    rows = [values(row, row.rank) for row in overview.districts]
    if overview.city is not None:
        rows.append(values(overview.city, ""))
    return Table("league", _("区县排名"), headers, rows)


def department_rows_table(departments: list) -> Table:
    headers = [
        _("部门"),
        _("帮扶协议数"),
        _("新企业协议数"),
        _("新企业占比（%）"),
        _("目标（%）"),
        _("是否达标"),
        _("差额（家）"),
        _("帮扶企业任务数"),
        _("已帮扶企业数"),
        _("任务完成率（%）"),
    ]
    rows = [
        [
            d.department.name,
            d.agreements,
            d.new_agreements,
            percent(d.share),
            percent(d.target),
            _yes_no(d.met),
            d.short_by,
            d.task,
            d.assisted_enterprises,
            percent(d.task_progress),
        ]
        for d in departments
    ]
    return Table("departments", _("部门帮扶新企业占比"), headers, rows)


def trend_table(trend: Trend) -> Table:
    headers = [_("统计日期"), *(f"{series['name']}（%）" for series in trend.series)]
    return Table("trend", _("科技型企业占比趋势"), headers, trend.rows())


def funnel_table(row: ScopeRow | None) -> Table:
    headers = [_("环节"), _("企业数"), _("占新注册企业（%）")]
    rows = []
    if row is not None:
        labels = funnel_labels()
        whole = row.snapshot.newly_registered
        for step in FUNNEL_STEPS:
            n = getattr(row.snapshot, step)
            rows.append([labels[step], n, percent(Decimal(n) / Decimal(whole)) if whole else None])
    return Table("funnel", _("从新注册到入库"), headers, rows)


def breakdown_table(row: ScopeRow | None) -> Table:
    """The new tech SMEs (registered) by origin, founder category and industry cluster, one row per item."""
    headers = [_("分类"), _("项目"), _("企业数")]
    labels = breakdown_labels()
    grouped = breakdown_rows(row.snapshot if row is not None else None)
    rows = [[labels[kind], label, n] for kind, items in grouped.items() for _code, label, n in items]
    return Table("breakdown", _("新增科技型中小企业构成"), headers, rows)


def waiting_table(filings: list[tuple]) -> Table:
    headers = [_("企业名称"), _("统一社会信用代码"), _("评价年度"), _("状态"), _("提交日期")]
    return Table("waiting", _("待审核申报"), headers, [list(filing) for filing in filings])


def candidates_table(row: ScopeRow | None) -> Table:
    headers = [_("序号"), _("企业名称"), _("得分"), _("评价结果"), _("数据来源")]
    rows = [
        [n, c["name"], c.get("score"), c["result"], c["source_label"]]
        for n, c in enumerate(candidate_rows(row.snapshot if row is not None else None), start=1)
    ]
    return Table("candidates", _("最接近评价条件的培育库企业"), headers, rows)


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(value)


def write_xlsx(tables: Iterable[Table], target) -> None:
    """Write each table on its own sheet (constant memory: rows are flushed as they are written)."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    for table in tables:
        sheet = book.add_worksheet(table.title[:31])
        row_number = 0
        sheet.write_row(row_number, 0, [neutralise(h) for h in table.headers], bold)
        for values in table.rows:
            row_number += 1
            for col, value in enumerate(values):
                value = _cell(value)
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    sheet.write_string(row_number, col, value)
                else:
                    sheet.write(row_number, col, value)
    book.close()
