"""The dashboards' .xlsx exports: each table a sheet (title, headers, rows) made from a view model.

One function per table turns a view model of ``dashboards.view_models`` into a :class:`Table`, by
field name, in one place: the page shows the same view model and the charts draw it, so the
workbook holds what the page shows. :func:`write_xlsx` streams a table's rows into a workbook
(XlsxWriter in constant-memory mode) with text that a spreadsheet would run as a formula
neutralised (``smeportal.excel.safe_cell``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from smeportal.excel import safe_cell

from .view_models import Breakdown, Candidate, DepartmentRow, Funnel, LeagueRow, Overview, Trend, WaitingFiling

TABLES = ("league", "departments", "trend", "funnel", "breakdown", "waiting", "candidates")
DISTRICT_TABLES = {"waiting", "candidates"}  # a district's work lists: no city-wide version


@dataclass
class Table:
    """A sheet: its title, its header row, and rows of plain values in the headers' order."""

    key: str
    title: str
    headers: list[str]
    rows: Iterable[list]  # any iterable: write_xlsx streams it


neutralise = safe_cell  # the portal's one rule (smeportal.excel)


def _met_text(met: bool) -> str:
    return _("达标") if met else _("未达标")


def _rank_change_text(change: int | None) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"▲{change}"
    if change < 0:
        return f"▼{-change}"
    return "0"


def league_sheet(overview: Overview) -> Table:
    """The districts, best first, then the city's total line (which has no rank and no code)."""
    headers = [
        _("排名"),
        _("排名变化"),
        _("区县/功能区"),
        _("代码"),
        _("新注册企业数"),
        _("培育库待申报企业数"),
        _("已申报企业数"),
        _("已推荐企业数"),
        _("已入库企业数"),
        _("有效期内入库企业数"),
        _("占比（%）"),
        _("目标（%）"),
        _("是否达标"),
        _("差额（家）"),
    ]

    def values(row: LeagueRow) -> list:
        return [
            "" if row.is_city else (row.rank_text if row.tied_with else row.rank),
            "" if row.is_city else _rank_change_text(row.rank_change),
            row.name,
            "" if row.is_city else row.code,
            row.newly_registered,
            row.candidates,
            row.filed,
            row.recommended,
            row.registered,
            row.valid_registrations,
            row.share_percent,
            row.target_percent,
            _met_text(row.met),
            row.short_by,
        ]

    rows = [values(row) for row in overview.districts]
    if overview.city is not None:
        rows.append(values(overview.city))
    return Table("league", _("区县排名"), headers, rows)


def departments_sheet(departments: list[DepartmentRow]) -> Table:
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
            d.name,
            d.agreements,
            d.new_agreements,
            d.share_percent,
            d.target_percent,
            _met_text(d.met),
            d.short_by,
            d.task,
            d.assisted_enterprises,
            d.task_percent,
        ]
        for d in departments
    ]
    return Table("departments", _("部门帮扶新企业占比"), headers, rows)


def trend_sheet(trend: Trend) -> Table:
    headers = [_("统计日期"), *(f"{series.name}（%）" for series in trend.series)]
    rows = [[point.date, *point.shares] for point in trend.points]
    return Table("trend", _("科技型企业占比趋势"), headers, rows)


def funnel_sheet(funnel: Funnel) -> Table:
    headers = [_("环节"), _("企业数"), _("占新注册企业（%）")]
    rows = [[step.label, step.count, step.percent_of_new] for step in funnel.steps]
    return Table("funnel", _("从新注册到入库"), headers, rows)


def breakdown_sheet(breakdown: Breakdown) -> Table:
    """The new tech SMEs (registered) by origin, founder category and industry cluster, one row per item."""
    headers = [_("分类"), _("项目"), _("企业数")]
    rows = [[group.title, item.label, item.count] for group in breakdown.groups for item in group.items]
    return Table("breakdown", _("新增科技型中小企业构成"), headers, rows)


def waiting_sheet(filings: Iterable[WaitingFiling]) -> Table:
    """Every waiting filing; ``filings`` may be a stream from the database, read once while writing."""
    headers = [_("企业名称"), _("统一社会信用代码"), _("评价年度"), _("状态"), _("提交日期")]
    rows = ([f.enterprise_name, f.credit_code, f.evaluation_year, f.state_label, f.submitted_on] for f in filings)
    return Table("waiting", _("待审核申报"), headers, rows)


def candidates_sheet(candidates: list[Candidate]) -> Table:
    headers = [_("序号"), _("企业名称"), _("得分"), _("评价结果"), _("数据来源")]
    rows = [[n, c.name, c.score, c.result, c.source_label] for n, c in enumerate(candidates, start=1)]
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
