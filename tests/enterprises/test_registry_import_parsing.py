"""Table-driven tests of the pure registry-import functions (no database)."""

import datetime as dt
import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enterprises.registry.cleaning import clean_text, parse_capital, parse_dates, parse_status
from enterprises.registry.columns import (
    REASON_CODES,
    REASON_MESSAGES,
    REASONS,
    ROW_NUMBER,
    RegistryFileError,
    RegistryLookups,
)
from enterprises.registry.reading import read_registry_file
from enterprises.registry.validation import parse_registry, validate_registry
from tests.factories import credit_code_for

TODAY = dt.date(2026, 6, 30)
LOOKUPS = RegistryLookups(
    district_ids_by_name={"涪城区": 1, "游仙区": 2, "安州区": 3, "高新区": 10},
    district_ids_by_code={"510703": 1, "510704": 2, "510705": 3},
    cluster_ids_by_prefix={"65": 7, "6510": 8, "C": 9},
)


def row(**overrides):
    base = {
        "序号": 1,
        "统一社会信用代码": credit_code_for(1, area="510704"),
        "企业名称": "绵阳测试科技有限公司",
        "法定代表人": "张三",
        "企业类型": "其他有限责任公司",
        "成立日期": "2025-03-05",
        "注册资本(万元)": 100,
        "登记机关": "绵阳市游仙区市场监督管理局",
        "所属区县": "游仙区",
        "住所": "四川省绵阳市游仙区某路1号",
        "行业门类": "I",
        "行业代码": "6510",
        "行业名称": "软件开发",
        "登记状态": "存续",
    }
    base.update(overrides)
    return base


def frame(*rows):
    data = pd.DataFrame(list(rows), dtype=object)
    data.index = pd.RangeIndex(2, len(data) + 2)
    return data


DATE_CASES = [
    (dt.datetime(2024, 3, 5), dt.date(2024, 3, 5)),
    (pd.Timestamp("2024-03-05 00:00:00"), dt.date(2024, 3, 5)),
    (dt.date(2024, 3, 5), dt.date(2024, 3, 5)),
    ("2024-03-05", dt.date(2024, 3, 5)),
    ("2024-03-05 00:00:00", dt.date(2024, 3, 5)),
    ("2024/3/5", dt.date(2024, 3, 5)),
    ("2024/03/05", dt.date(2024, 3, 5)),
    ("2024年3月5日", dt.date(2024, 3, 5)),
    ("２０２４年３月５日", dt.date(2024, 3, 5)),
    (" 2024.3.5 ", dt.date(2024, 3, 5)),
    ("20240305", dt.date(2024, 3, 5)),
    (20240305, dt.date(2024, 3, 5)),
    (45356, dt.date(2024, 3, 5)),  # Excel serial day number
    (45356.0, dt.date(2024, 3, 5)),
    ("2024-02-29", dt.date(2024, 2, 29)),
    ("2023-02-29", None),
    ("2024-13-01", None),
    ("20241301", None),
    ("0000-00-00", None),
    ("不详", None),
    ("", None),
    (None, None),
    (float("nan"), None),
]


@pytest.mark.parametrize(("raw", "expected"), DATE_CASES)
def test_parse_dates(raw, expected):
    parsed = parse_dates(pd.Series([raw], dtype=object)).iloc[0]
    assert (None if pd.isna(parsed) else parsed.date()) == expected


CAPITAL_CASES = [
    (500, 500.0, False),
    (1000.5, 1000.5, False),
    ("1,000.5", 1000.5, False),
    ("3,000.0", 3000.0, False),
    ("500万元", 500.0, False),
    ("4500.0万元", 4500.0, False),
    ("500 万", 500.0, False),
    ("１，０００万元", 1000.0, False),
    ("12.346", 12.35, False),
    ("-100", -100.0, False),
    ("0", 0.0, False),
    ("", None, False),
    (None, None, False),
    ("五百万", None, True),
    ("abc", None, True),
]


@pytest.mark.parametrize(("raw", "amount", "unreadable"), CAPITAL_CASES)
def test_parse_capital(raw, amount, unreadable):
    parsed, bad = parse_capital(pd.Series([raw], dtype=object))
    assert (None if pd.isna(parsed.iloc[0]) else parsed.iloc[0]) == amount
    assert bool(bad.iloc[0]) is unreadable


def test_a_column_of_excel_date_cells_keeps_the_day_only():
    cells = pd.Series(pd.to_datetime(["2024-03-05 13:45:10", None, "2025-12-31 23:59:59"]))
    parsed = parse_dates(cells)
    assert [None if pd.isna(day) else day.date() for day in parsed] == [
        dt.date(2024, 3, 5),
        None,
        dt.date(2025, 12, 31),
    ]


TEXT_CASES = [" 绵阳 ", "ＡＢＣ１２３", "", None, float("nan"), 6510, 6510.0, "6510.0", True, 1, "软件开发"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=60))
def test_column_wise_parsing_equals_parsing_each_cell_alone(picks):
    """The parsers work once per distinct value and spread the results back: the column's answer
    must be each cell's own answer, in order, with repeats and missing values."""
    dates = [DATE_CASES[i % len(DATE_CASES)][0] for i in picks]
    capitals = [CAPITAL_CASES[i % len(CAPITAL_CASES)][0] for i in picks]
    texts = [TEXT_CASES[i % len(TEXT_CASES)] for i in picks]

    def alone(parse, cells):
        return [parse(pd.Series([cell], dtype=object)).iloc[0] for cell in cells]

    def same(left, right):
        return [None if pd.isna(v) else v for v in left] == [None if pd.isna(v) else v for v in right]

    assert same(parse_dates(pd.Series(dates, dtype=object)), alone(parse_dates, dates))
    amounts, unreadable = parse_capital(pd.Series(capitals, dtype=object))
    assert same(amounts, alone(lambda c: parse_capital(c)[0], capitals))
    assert list(unreadable) == alone(lambda c: parse_capital(c)[1], capitals)
    for length, code in ((None, False), (None, True), (3, False)):
        column = clean_text(pd.Series(texts, dtype=object), length, code=code)
        assert list(column) == alone(lambda c, n=length, code=code: clean_text(c, n, code=code), texts)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("绵阳\x00科技", ""),
        ("\x00", ""),
        ("绵阳\x07科技", ""),
        ("绵阳\x7f科技", ""),
        ("绵阳\x85科技", ""),  # a C1 control character
        ("绵阳\udc80科技", ""),
        # Whitespace and ordinary characters next to where a control character would be are text.
        ("绵阳\t科技\n有限公司", "绵阳\t科技\n有限公司"),
        (" 绵阳科技\x1f", "绵阳科技"),  # a separator at the edge is stripped like a space
        ("绵阳_x0000_科技", "绵阳_x0000_科技"),  # the escape written out as text
        ("绵阳\u00a0科技", "绵阳 科技"),
    ],
)
def test_text_holding_a_character_that_is_not_text_is_unreadable(raw, cleaned):
    assert clean_text(pd.Series([raw, "绵阳科技"], dtype=object)).tolist() == [cleaned, "绵阳科技"]


def test_damaged_optional_text_is_left_blank_and_the_row_imported():
    result = validate_registry(
        frame(row(**{"住所": "四川省绵阳市\x00某路1号", "法定代表人": "张\x01三", "登记状态": "注销"})),
        LOOKUPS,
        today=TODAY,
    )
    assert result.rejected.empty
    valid = result.valid.iloc[0]
    assert (valid["address"], valid["legal_representative"], valid["status"]) == ("", "", "cancelled")


def test_an_xlsx_name_holding_an_escaped_nul_rejects_its_row_only():
    rows = [
        row(),
        row(**{"序号": 2, "统一社会信用代码": credit_code_for(2), "企业名称": "绵阳空字符_x0000_科技有限公司"}),
        row(**{"序号": 3, "统一社会信用代码": credit_code_for(3), "企业名称": "绵阳空字符_x0000科技有限公司"}),
    ]
    result = parse_registry(io.BytesIO(_xlsx_bytes(rows)), LOOKUPS, filename="r.xlsx", today=TODAY)
    assert result.rejected[ROW_NUMBER].tolist() == [3]
    assert result.rejected[REASON_CODES].tolist() == ["name"]
    assert result.rejected["企业名称"].tolist() == ["绵阳空字符\x00科技有限公司"]
    assert result.valid["name"].tolist() == ["绵阳测试科技有限公司", "绵阳空字符_x0000科技有限公司"]


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("存续", "operating"),
        ("在业", "operating"),
        (" 注销 ", "cancelled"),
        ("吊销", "revoked_licence"),
        ("迁出", "moved_out"),
        ("", "operating"),
        (None, "operating"),
    ],
)
def test_parse_status(raw, status):
    assert parse_status(pd.Series([raw], dtype=object)).iloc[0] == status


@pytest.mark.parametrize(
    "raw",
    [
        "91510703MA62QK7L2U",
        "91510703ma62qk7l2u",
        " 91510703MA62QK7L2U ",
        "915107 03MA62QK7L2U",
        "915107-03MA62QK7L2U",
        "９１５１０７０３ＭＡ６２ＱＫ７Ｌ２Ｕ",
    ],
)
def test_credit_code_formats_are_normalised(raw):
    result = validate_registry(frame(row(**{"统一社会信用代码": raw, "所属区县": "涪城区"})), LOOKUPS, today=TODAY)
    assert result.rejected.empty
    assert result.valid["credit_code"].tolist() == ["91510703MA62QK7L2U"]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"统一社会信用代码": "91510703MA62QK7L2V"}, "credit_code"),  # wrong check character
        ({"统一社会信用代码": "91510703MA62QK7L"}, "credit_code"),  # too short
        ({"统一社会信用代码": "91510O03MA62QK7L2U"}, "credit_code"),  # letter O
        ({"统一社会信用代码": None}, "credit_code"),
        ({"企业名称": None}, "name"),
        ({"企业名称": "   "}, "name"),
        ({"企业名称": "名" * 201}, "name"),
        # Damaged text: a NUL (an .xlsx cell's _x0000_), another control character, a lone surrogate.
        ({"企业名称": "绵阳\x00科技有限公司"}, "name"),
        ({"企业名称": "绵阳科技有限公司\x1b"}, "name"),
        ({"企业名称": "绵阳\ud800科技有限公司"}, "name"),
        ({"所属区县": "游仙\x00区"}, "district"),
        ({"成立日期": None}, "established_on"),
        ({"成立日期": "不详"}, "established_on"),
        ({"成立日期": "2026-07-01"}, "established_on"),  # tomorrow
        ({"所属区县": "成都市武侯区"}, "district"),
        ({"所属区县": None}, "district"),
        ({"注册资本(万元)": -0.01}, "registered_capital"),
        ({"注册资本(万元)": "-100万元"}, "registered_capital"),
        ({"注册资本(万元)": "很多"}, "registered_capital"),
    ],
)
def test_each_reason(overrides, reason):
    result = validate_registry(frame(row(**overrides)), LOOKUPS, today=TODAY)
    assert result.valid.empty
    assert result.rejected_by_reason == {r: int(r == reason) for r in REASONS}
    assert result.rejected[REASON_CODES].tolist() == [reason]
    assert result.rejected[ROW_NUMBER].tolist() == [2]


def test_boundaries_are_accepted():
    result = validate_registry(
        frame(row(**{"成立日期": TODAY.isoformat(), "注册资本(万元)": 0, "企业名称": "名" * 200})), LOOKUPS, today=TODAY
    )
    assert len(result.valid) == 1
    assert result.rejected.empty


def test_duplicate_keeps_first_importable_occurrence_and_lists_all_reasons():
    code = credit_code_for(5, area="510703")
    result = validate_registry(
        frame(
            row(**{"统一社会信用代码": code, "企业名称": None}),  # row 2: own fault, not the first importable
            row(**{"统一社会信用代码": code, "企业名称": "甲公司"}),  # row 3: imported
            row(**{"统一社会信用代码": code.lower(), "企业名称": "乙公司"}),  # row 4: duplicate
            row(**{"统一社会信用代码": code, "企业名称": "丙公司", "所属区县": "未知"}),  # row 5: district + duplicate
        ),
        LOOKUPS,
        today=TODAY,
    )
    assert result.valid["name"].tolist() == ["甲公司"]
    assert result.valid["row_number"].tolist() == [3]
    assert result.rejected[ROW_NUMBER].tolist() == [2, 4, 5]
    assert result.rejected[REASON_CODES].tolist() == ["name", "duplicate", "district,duplicate"]
    assert result.rejected_by_reason == {
        "credit_code": 0,
        "name": 1,
        "established_on": 0,
        "district": 1,
        "registered_capital": 0,
        "duplicate": 1,
    }
    assert "；" in result.rejected[REASON_MESSAGES].iloc[2]


def test_the_city_code_falls_back_to_the_managing_district_only_when_it_is_administrative():
    result = validate_registry(
        frame(
            row(**{"统一社会信用代码": credit_code_for(1, "510700"), "所属区县": "涪城区"}),
            row(**{"统一社会信用代码": credit_code_for(2, "510700"), "所属区县": "高新区"}),
        ),
        LOOKUPS,
        today=TODAY,
    )
    registered = result.valid["registered_district_id"]
    assert registered.iloc[0] == 1 and pd.isna(registered.iloc[1])


def test_districts_status_industry_and_clusters():
    result = validate_registry(
        frame(
            # managed by a zone, registered (code positions 3-8) in 涪城区
            row(**{"统一社会信用代码": credit_code_for(1, "510703"), "所属区县": "高新区", "行业代码": "6510"}),
            # the city's own code 510700 is no district, and a zone is no legal district: unknown
            row(**{"统一社会信用代码": credit_code_for(2, "510700"), "所属区县": "高新区", "行业代码": "6520"}),
            # former 安县 code
            row(
                **{
                    "统一社会信用代码": credit_code_for(3, "510724"),
                    "所属区县": " 游仙区 ",
                    "登记状态": "注销",
                    "行业门类": "c",
                    "行业代码": 3670.0,
                }
            ),
        ),
        LOOKUPS,
        today=TODAY,
    )
    valid = result.valid
    assert valid["managing_district_id"].tolist() == [10, 10, 2]
    assert valid["registered_district_id"].astype(object).where(
        valid["registered_district_id"].notna(), None
    ).tolist() == [1, None, 3]
    assert valid["status"].tolist() == ["operating", "operating", "cancelled"]
    assert valid["industry_section"].tolist() == ["I", "I", "C"]
    assert valid["industry_code"].tolist() == ["6510", "6520", "3670"]
    assert valid["cluster_id"].astype(object).where(valid["cluster_id"].notna(), None).tolist() == [
        8,
        7,
        None,
    ]  # longest prefix wins
    assert valid["district_name"].tolist() == ["高新区", "高新区", "游仙区"]


def _csv_bytes(encoding: str) -> bytes:
    text = pd.DataFrame([row()]).to_csv(index=False)
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(encoding):
    source = io.BytesIO(_csv_bytes(encoding))
    result = parse_registry(source, LOOKUPS, filename="registry.csv", today=TODAY)
    assert result.valid["name"].tolist() == ["绵阳测试科技有限公司"]
    assert result.valid["established_on"].dt.date.tolist() == [dt.date(2025, 3, 5)]


def test_full_width_headers_are_accepted():
    data = pd.DataFrame([row()]).rename(columns={"注册资本(万元)": "注册资本（万元）", "企业名称": " 企业名称 "})
    result = parse_registry(io.BytesIO(data.to_csv(index=False).encode()), LOOKUPS, filename="r.csv", today=TODAY)
    assert len(result.valid) == 1


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "r.csv", "文件是空的"),
        (b"\n\n", "r.xlsx", "文件是空的"),
        ("统一社会信用代码\n".encode(), "r.csv", "缺少必需的列"),
        ("企业名称,成立日期\n甲,2024-01-01\n".encode(), "r.csv", "统一社会信用代码"),
        (b"<html><body>login</body></html>", "r.xlsx", "不是有效的 Excel"),
        (b"PK\x03\x04garbage", "r.xlsx", "已损坏"),
        (b"\xff\xfe\x00\x00\xc3", "r.csv", "编码"),
        (b"a,b", "r.xls", "只支持"),
    ],
)
def test_unreadable_files(content, filename, message):
    with pytest.raises(RegistryFileError, match=message):
        read_registry_file(io.BytesIO(content), filename=filename)


def _xlsx_bytes(rows: list[dict]) -> bytes:
    """The rows under their keys as headers; a key "" leaves its header cell blank."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([header or None for header in rows[0]])
    for values in rows:
        sheet.append(list(values.values()))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_reads_as_the_same_rows_in_a_csv_would():
    rows = [
        row(),
        # Number cells where the csv has text; text that pandas' reader used to take for a missing value.
        row(**{"序号": 2, "统一社会信用代码": credit_code_for(2), "企业名称": "NULL", "行业代码": 6510}),
        row(**{"序号": 3, "统一社会信用代码": credit_code_for(3), "注册资本(万元)": 12.5, "法定代表人": "N/A"}),
        row(**{"序号": 4, "统一社会信用代码": credit_code_for(4), "成立日期": dt.date(2024, 3, 5), "住所": None}),
    ]
    from_xlsx = parse_registry(io.BytesIO(_xlsx_bytes(rows)), LOOKUPS, filename="r.xlsx", today=TODAY)
    from_csv = parse_registry(
        io.BytesIO(pd.DataFrame(rows).to_csv(index=False).encode()), LOOKUPS, filename="r.csv", today=TODAY
    )

    assert from_xlsx.rejected_by_reason == from_csv.rejected_by_reason
    pd.testing.assert_frame_equal(from_xlsx.valid, from_csv.valid)
    assert from_xlsx.valid["name"].tolist()[1] == "NULL"
    assert from_xlsx.valid["industry_code"].tolist()[1] == "6510"
    assert from_xlsx.valid["legal_representative"].tolist()[2] == "N/A"
    assert from_xlsx.valid["address"].tolist()[3] == ""


def test_xlsx_cells_keep_whole_numbers_as_typed_and_name_a_blank_header():
    frame = read_registry_file(
        io.BytesIO(_xlsx_bytes([row(**{"注册资本(万元)": 100.0, "行业代码": 6510.5, "": "备注"})])),
        filename="r.xlsx",
    )

    assert frame.loc[2, "注册资本(万元)"] == 100 and isinstance(frame.loc[2, "注册资本(万元)"], int)
    assert frame.loc[2, "行业代码"] == 6510.5
    assert list(frame.columns)[-1] == f"Unnamed: {len(row())}"
