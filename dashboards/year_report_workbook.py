"""The year-end report (:mod:`dashboards.year_report`) as a workbook: one sheet per section, and the district
table's headers, which the printable page shares."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .exports import Table, departments_sheet
from .year_report import DistrictFigures, YearReport


def district_headers() -> list[str]:
    return [
        _("区县/功能区"),
        _("已申报"),
        _("已推荐"),
        _("不予通过"),
        _("入库登记"),
        _("有效期内"),
        _("已撤销"),
        _("抽查"),
        _("核查通过"),
        _("核查未通过"),
        _("待核查"),
        _("帮扶协议"),
        _("新企业协议"),
    ]


def _district_values(row: DistrictFigures) -> list:
    return [row.name, *(getattr(row, name) for name in DistrictFigures.NUMBERS)]


def report_tables(report: YearReport) -> list[Table]:
    """The report's sheets: the summary, the districts (with the city's total), the batches, the spot checks
    per district and the departments."""
    summary = Table("summary", _("概况"), [_("项目"), _("数值")], [list(item) for item in report.summary()])
    districts = Table(
        "districts",
        _("各区县"),
        district_headers(),
        [*(_district_values(row) for row in report.districts), _district_values(report.city)],
    )
    batches = Table(
        "batches",
        _("公示批次"),
        [
            _("批次"),
            _("公示开始日期"),
            _("公示截止日期"),
            _("公示企业数"),
            _("已入库"),
            _("异议"),
            _("异议成立"),
            _("异议待处理"),
        ],
        [
            [b.title, b.start_date, b.end_date, b.filings, b.registered, b.objections, b.upheld, b.open_objections]
            for b in report.batches
        ],
    )
    spot_checks = Table(
        "spot_checks",
        _("抽查结果"),
        [_("区县/功能区"), _("抽查"), _("核查通过"), _("核查未通过"), _("待核查")],
        [
            [row.name, row.spot_checked, row.spot_passed, row.spot_failed, row.spot_waiting]
            for row in [*report.districts, report.city]
        ],
    )
    departments = departments_sheet(report.departments)
    return [summary, districts, batches, spot_checks, departments]
