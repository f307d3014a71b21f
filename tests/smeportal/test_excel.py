"""Every .xlsx writer of the portal keeps text that looks like a formula as text (smeportal.excel.safe_cell)."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pandas as pd
import pytest
from openpyxl import load_workbook

from assistance import excel as assistance_excel
from dashboards import exports as dashboard_exports
from enterprises.registry.columns import (
    COL_ADDRESS,
    COL_AUTHORITY,
    COL_CAPITAL,
    COL_CODE,
    COL_DISTRICT,
    COL_ESTABLISHED,
    COL_INDUSTRY_CODE,
    COL_INDUSTRY_NAME,
    COL_LEGAL_REP,
    COL_NAME,
    COL_SECTION,
    COL_STATUS,
    COL_TYPE,
    RegistryLookups,
)
from enterprises.registry.report import write_error_report
from enterprises.registry.validation import parse_registry
from smeportal.excel import safe_cell, write_sheet
from smeportal.listing import CappedRows
from tests.factories import credit_code_for

ATTACKS = ['=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1"]


@pytest.mark.parametrize("value", ATTACKS)
def test_safe_cell_prefixes_formula_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["涪城区", "a=1", "", " 1", "'=1", 5, -5, 1.5, None, dt.date(2026, 1, 1)])
def test_safe_cell_leaves_other_values_alone(value):
    assert safe_cell(value) == value


def cells(data: bytes) -> list:
    """Every cell of every sheet; fails if any cell is stored as a formula."""
    book = load_workbook(io.BytesIO(data))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value is not None:
                    found.append(cell.value)
    return found


def assert_neutralised(values: list) -> None:
    texts = [v for v in values if isinstance(v, str)]
    for attack in ATTACKS:
        assert "'" + attack in texts, attack
    assert not [v for v in texts if v.startswith(("=", "+", "-", "@", "\t"))]


def test_registry_error_report(tmp_path):
    def row(n, name, district):
        return {
            "序号": n,
            COL_CODE: credit_code_for(n),
            COL_NAME: name,
            COL_LEGAL_REP: "张三",
            COL_TYPE: "有限责任公司",
            COL_ESTABLISHED: "2025-03-05",
            COL_CAPITAL: 100,
            COL_AUTHORITY: "绵阳市市场监督管理局",
            COL_DISTRICT: district,
            COL_ADDRESS: "绵阳市某路1号",
            COL_SECTION: "I",
            COL_INDUSTRY_CODE: "6510",
            COL_INDUSTRY_NAME: "软件开发",
            COL_STATUS: "存续",
            "=extra": "额外列",  # an extra column of the uploaded file, kept in the report
        }

    # Unknown districts reject every row, so the attacks land in the report.
    rows = [row(n, attack, attack) for n, attack in enumerate(ATTACKS, start=1)]
    path = tmp_path / "registry.xlsx"
    # Written as text, as a clerk would type it (not as formulas, which pandas' default would do).
    pd.DataFrame(rows).to_excel(
        path, index=False, engine="xlsxwriter", engine_kwargs={"options": {"strings_to_formulas": False}}
    )
    result = parse_registry(path, RegistryLookups(district_ids_by_name={"涪城区": 1}))
    assert result.rejected_count == len(ATTACKS)

    target = io.BytesIO()
    assert write_error_report(result, target) == len(ATTACKS)
    values = cells(target.getvalue())
    assert_neutralised(values)
    assert "'=extra" in values
    assert [v for v in values if isinstance(v, int)][:2] == [2, 1]  # row numbers and 序号 stay numbers


def test_assistance_rejected_report():
    rejected = [{"row": n, "values": [attack, attack], "reasons": [attack]} for n, attack in enumerate(ATTACKS, 2)]
    target = io.BytesIO()
    assistance_excel.write_rejected_report(rejected, target)
    assert_neutralised(cells(target.getvalue()))


def test_assistance_export():
    district = SimpleNamespace(name="涪城区")
    agreements = [
        SimpleNamespace(
            enterprise=SimpleNamespace(credit_code=credit_code_for(n), name=attack, managing_district=district),
            year=2026,
            signed_on=dt.date(2026, 3, 15),
            measures=[attack],
            goals=attack,
            responsible_officer=attack,
            status="active",
            counts_as_new=True,
            record_count=-1,
        )
        for n, attack in enumerate(ATTACKS, start=1)
    ]
    target = io.BytesIO()
    assistance_excel.write_export(CappedRows(agreements), target)
    values = cells(target.getvalue())
    assert_neutralised(values)
    assert -1 in values  # numbers are written as numbers, not neutralised text


def test_write_sheet():
    target = io.BytesIO()
    write_sheet(target, "抽查", [ATTACKS[0], "数"], ([attack, -1] for attack in ATTACKS))
    values = cells(target.getvalue())
    assert_neutralised(values)
    assert -1 in values  # numbers stay numbers


def test_dashboard_tables():
    table = dashboard_exports.Table(
        key="league",
        title="区县排名",
        headers=["区县/功能区", "=header"],
        rows=[[attack, -3] for attack in ATTACKS],
    )
    target = io.BytesIO()
    dashboard_exports.write_xlsx([table], target)
    values = cells(target.getvalue())
    assert_neutralised(values)
    assert "'=header" in values and -3 in values
