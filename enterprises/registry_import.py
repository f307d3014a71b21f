"""Reading and validating the market regulator's registry export (pure pandas, no ORM).

The whole file is read and validated column-wise first: every check is a vectorised pandas/numpy
operation over a column, never a Python function per cell. The caller (enterprises.services) gets
the valid rows as model field values and writes them in one transaction; the rejected rows, with
their spreadsheet row number and reasons, go to the error report.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from smeportal.excel import safe_cell

from .creditcode import normalize_credit_codes, valid_credit_codes

COL_SERIAL = "序号"
COL_CODE = "统一社会信用代码"
COL_NAME = "企业名称"
COL_LEGAL_REP = "法定代表人"
COL_TYPE = "企业类型"
COL_ESTABLISHED = "成立日期"
COL_CAPITAL = "注册资本(万元)"
COL_AUTHORITY = "登记机关"
COL_DISTRICT = "所属区县"
COL_ADDRESS = "住所"
COL_SECTION = "行业门类"
COL_INDUSTRY_CODE = "行业代码"
COL_INDUSTRY_NAME = "行业名称"
COL_STATUS = "登记状态"

# 序号 is only the clerk's running number; every other header of the regulator's export is required,
# so a file without, say, 住所 cannot silently blank the addresses of existing enterprises.
REQUIRED_HEADERS = (
    COL_CODE,
    COL_NAME,
    COL_LEGAL_REP,
    COL_TYPE,
    COL_ESTABLISHED,
    COL_CAPITAL,
    COL_AUTHORITY,
    COL_DISTRICT,
    COL_ADDRESS,
    COL_SECTION,
    COL_INDUSTRY_CODE,
    COL_INDUSTRY_NAME,
    COL_STATUS,
)

ROW_NUMBER = "行号"
REASON_CODES = "原因代码"
REASON_MESSAGES = "原因说明"

# Checked in this order; the first failing check is a row's primary reason (the one counted).
REASONS = ("credit_code", "name", "established_on", "district", "registered_capital", "duplicate")


def reason_messages() -> dict[str, str]:
    return {
        "credit_code": _("统一社会信用代码格式或校验位错误"),
        "name": _("企业名称为空或超过200个字符"),
        "established_on": _("成立日期缺失、无法识别或晚于今天"),
        "district": _("所属区县不在本市区县/功能区名单中"),
        "registered_capital": _("注册资本为负数、过大或无法识别"),
        "duplicate": _("统一社会信用代码在本文件中重复出现，已导入第一次出现的行"),
    }


STATUS_MAP = {
    "存续": "operating",
    "在业": "operating",
    "存续(在营、开业、在册)": "operating",
    "开业": "operating",
    "在营": "operating",
    "注销": "cancelled",
    "已注销": "cancelled",
    "吊销": "revoked_licence",
    "已吊销": "revoked_licence",
    "吊销,未注销": "revoked_licence",
    "吊销，未注销": "revoked_licence",
    "迁出": "moved_out",
    "已迁出": "moved_out",
}
DEFAULT_STATUS = "operating"

# Former administrative codes still found in older credit codes (安县 became 安州区).
LEGACY_AREA_CODES = {"510724": "510705"}

# Model field lengths (kept here so this module stays free of the ORM).
MAX_LENGTHS = {
    "name": 200,
    "legal_representative": 100,
    "enterprise_type": 100,
    "address": 300,
    "registration_authority": 100,
    "industry_code": 5,
    "industry_section": 1,
    "industry_name": 100,
}
MAX_CAPITAL = 10**12  # DecimalField(max_digits=14, decimal_places=2)

VALID_COLUMNS = (
    "row_number",
    "credit_code",
    "name",
    "legal_representative",
    "enterprise_type",
    "established_on",
    "registered_capital",
    "registration_authority",
    "managing_district_id",
    "registered_district_id",
    "address",
    "industry_section",
    "industry_code",
    "industry_name",
    "status",
    "cluster_id",
    "district_name",
)


class RegistryFileError(Exception):
    """The file cannot be read as a registry export (nothing is written)."""


@dataclass(frozen=True)
class RegistryLookups:
    """Reference data the validation needs, given by the caller (names and codes → ids)."""

    district_ids_by_name: Mapping[str, int]
    # Official six-digit administrative codes → district id (zones have none).
    district_ids_by_code: Mapping[str, int] = field(default_factory=dict)
    # GB/T 4754 code prefix → industry cluster id (longest prefix wins).
    cluster_ids_by_prefix: Mapping[str, int] = field(default_factory=dict)


@dataclass
class RegistryParseResult:
    rows: int
    valid: pd.DataFrame
    rejected: pd.DataFrame
    rejected_by_reason: dict[str, int]
    columns: list[str]

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)


# --- reading ----------------------------------------------------------------------------------


def _normalise_headers(frame: pd.DataFrame) -> pd.DataFrame:
    headers = pd.Series([str(c) for c in frame.columns], dtype="string").str.normalize("NFKC").str.strip()
    frame.columns = list(headers)
    return frame


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegistryFileError(_("CSV 文件的编码无法识别，请另存为 UTF-8 或 GB18030 编码后重试。"))


def read_registry_file(source: str | os.PathLike | IO[bytes], *, filename: str | None = None) -> pd.DataFrame:
    """Read an .xlsx or .csv export into a DataFrame of objects, with the spreadsheet row numbers.

    Raises RegistryFileError with a Chinese message when the file cannot be read or lacks headers.
    The index of the result is the row number in the spreadsheet (the header is row 1).
    """
    name = filename or (str(source) if isinstance(source, str | os.PathLike) else getattr(source, "name", ""))
    suffix = Path(name).suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise RegistryFileError(_("只支持 .xlsx 或 .csv 文件。"))
    try:
        data = Path(source).read_bytes() if isinstance(source, str | os.PathLike) else source.read()
    except OSError as exc:
        raise RegistryFileError(_("无法打开文件：%(error)s") % {"error": exc.strerror or exc}) from exc

    if not data.strip():
        raise RegistryFileError(_("文件是空的。"))
    if suffix == ".xlsx":
        if not data.startswith(b"PK\x03\x04"):
            raise RegistryFileError(_("文件不是有效的 Excel (.xlsx) 工作簿。"))
        try:
            frame = pd.read_excel(io.BytesIO(data), engine="calamine", dtype=object)
        except Exception as exc:  # calamine raises its own error types for damaged workbooks
            raise RegistryFileError(_("Excel 文件已损坏或无法读取：%(error)s") % {"error": exc}) from exc
    else:
        text = _decode_csv(data)
        if "\x00" in text:
            raise RegistryFileError(_("CSV 文件包含二进制内容，无法读取。"))
        try:
            frame = pd.read_csv(
                io.StringIO(text), dtype=object, keep_default_na=False, na_values=[""], skip_blank_lines=False
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
            raise RegistryFileError(_("CSV 文件格式错误，无法读取：%(error)s") % {"error": exc}) from exc

    frame = _normalise_headers(frame)
    missing = [h for h in REQUIRED_HEADERS if h not in frame.columns]
    if missing:
        raise RegistryFileError(
            _("文件缺少必需的列：%(columns)s。请使用市场监管部门导出的原始表头。") % {"columns": "、".join(missing)}
        )
    if frame.columns.duplicated().any():
        raise RegistryFileError(_("文件中有重复的列名，请检查表头。"))
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    # Fully blank lines (often left at the bottom of a sheet) are not rows.
    return frame.loc[~frame.isna().all(axis=1)]


# --- column-wise normalisation ------------------------------------------------------------------


def on_distinct(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``transform`` (element-wise) applied once per distinct value, spread back to every row.

    Most registry columns repeat a few values (type, authority, district, industry, status), and
    pandas' string methods are a Python call per element.
    """
    # Equal values of different types (6510 and 6510.0, 1 and True) print differently: keep them apart.
    by_value = pd.factorize(values, use_na_sentinel=True)[0].astype(np.int64)
    by_type = pd.factorize(values.map(type, na_action=None))[0]
    key = by_value * (by_type.max(initial=0) + 1) + by_type
    _, first, codes = np.unique(key, return_index=True, return_inverse=True)
    done = transform(pd.Series(values.to_numpy(dtype=object)[first], dtype=object))
    return pd.Series(done.to_numpy().take(codes.reshape(-1)), index=values.index)


def clean_text(values: pd.Series, max_length: int | None = None, *, code: bool = False) -> pd.Series:
    """Strip, full-width to half-width; missing → ''. Codes read as floats lose a trailing '.0'."""

    def clean(distinct: pd.Series) -> pd.Series:
        text = distinct.astype("string").str.normalize("NFKC").str.strip().fillna("")
        if code:
            text = text.str.replace(r"^(\d+)\.0$", r"\1", regex=True)
        if max_length is not None:
            text = text.str.slice(0, max_length)
        return text.astype(object)

    return on_distinct(values, clean)


_DATE_PATTERN = (
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE_PATTERN = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates as Excel dates/datetimes, 2024-03-05, 2024/3/5, 2024年3月5日, 20240305 or an Excel serial.

    Returns datetime64 values (NaT where missing or unparseable, e.g. 2024-02-30).
    """
    if pd.api.types.is_datetime64_any_dtype(values):  # a column of Excel date cells: no text to read
        return pd.Series(values.dt.normalize().to_numpy(dtype="datetime64[ns]"), index=values.index)
    return on_distinct(values, _parse_date_text)


def _parse_date_text(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.normalize("NFKC").str.strip()
    text = text.str.replace(r"^(\d{8})\.0$", r"\1", regex=True)
    parts = text.str.extract(_DATE_PATTERN)
    compact = text.str.extract(_COMPACT_DATE_PATTERN)
    parts = parts.fillna(compact)
    iso = parts["y"] + "-" + parts["m"].str.zfill(2) + "-" + parts["d"].str.zfill(2)
    result = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    # Excel serial day numbers (a date cell exported without its date format): 1 = 1900-01-01.
    serial = pd.to_numeric(text.where(parts["y"].isna()), errors="coerce")
    serial = serial.where((serial >= 1) & (serial < 2958466))
    from_serial = _EXCEL_EPOCH + pd.to_timedelta(serial.round(), unit="D")
    result = result.fillna(from_serial)
    return pd.Series(result.to_numpy(dtype="datetime64[ns]"), index=values.index)


def parse_capital(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Capital in 万元 from numbers, '1,000.5', '500万元', '500 万'. Returns (amount, unreadable mask).

    Missing values are allowed (amount NaN, not unreadable).
    """
    text = on_distinct(values, _capital_text)
    present = text.fillna("") != ""
    amount = pd.to_numeric(text.where(present), errors="coerce").astype("float64")
    unreadable = present & amount.isna()
    return amount.round(2), unreadable.fillna(False).astype(bool)


def _capital_text(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.normalize("NFKC").str.strip()
    text = text.str.replace(r"[,\s]", "", regex=True).str.replace(r"(万元|万|元)$", "", regex=True)
    return text.str.replace(r"^(人民币|RMB|CNY)", "", regex=True).astype(object)


def parse_status(values: pd.Series) -> pd.Series:
    text = clean_text(values).astype("string").str.replace(r"\s", "", regex=True)
    return text.map(STATUS_MAP).fillna(DEFAULT_STATUS).astype(object)


def map_clusters(industry_codes: pd.Series, prefixes: Mapping[str, int]) -> pd.Series:
    """Longest matching GB/T 4754 prefix → cluster id (nullable integers)."""
    result = pd.Series(pd.NA, index=industry_codes.index, dtype="Int64")
    if not prefixes:
        return result
    codes = industry_codes.astype("string")
    for length in sorted({len(p) for p in prefixes}, reverse=True):
        found = codes.str.slice(0, length).map(dict(prefixes)).astype("Int64")
        result = result.fillna(found)
    return result


def _registered_districts(codes: pd.Series, managing: pd.Series, by_code: Mapping[str, int]) -> pd.Series:
    area = codes.astype("string").str.slice(2, 8).replace(LEGACY_AREA_CODES)
    registered = area.map(dict(by_code)).astype("Int64")
    return registered.fillna(managing)


# --- validation ---------------------------------------------------------------------------------


def validate_registry(
    frame: pd.DataFrame, lookups: RegistryLookups, *, today: dt.date | None = None
) -> RegistryParseResult:
    """Normalise and validate every column at once; split the rows into valid and rejected."""
    today = today or timezone.localdate()
    index = frame.index
    codes = pd.Series(normalize_credit_codes(frame[COL_CODE]), index=index)
    names = clean_text(frame[COL_NAME])
    established = parse_dates(frame[COL_ESTABLISHED])
    district_names = clean_text(frame[COL_DISTRICT]).astype("string").str.replace(r"\s", "", regex=True)
    managing = district_names.map(dict(lookups.district_ids_by_name)).astype("Int64")
    capital, capital_unreadable = parse_capital(frame[COL_CAPITAL])

    failed = pd.DataFrame(index=index)
    failed["credit_code"] = ~valid_credit_codes(codes).to_numpy()
    failed["name"] = ((names == "") | (names.str.len() > MAX_LENGTHS["name"])).to_numpy(dtype=bool)
    failed["established_on"] = (established.isna() | (established > pd.Timestamp(today))).to_numpy(dtype=bool)
    failed["district"] = managing.isna().to_numpy(dtype=bool)
    failed["registered_capital"] = (capital_unreadable | (capital < 0) | (capital >= MAX_CAPITAL)).to_numpy(dtype=bool)
    # A duplicate repeats the code of an earlier row that is imported (the first importable occurrence).
    importable = ~failed.any(axis=1)
    position = pd.Series(np.arange(len(index)), index=index)
    first_importable = position.where(importable).groupby(codes.to_numpy()).transform("min")
    failed["duplicate"] = (~failed["credit_code"] & first_importable.notna() & (position > first_importable)).to_numpy(
        dtype=bool
    )
    failed = failed[list(REASONS)]
    rejected_mask = failed.any(axis=1)

    # Primary reason = first failing check in REASONS order.
    primary = pd.Series(np.array(REASONS, dtype=object)[failed.to_numpy().argmax(axis=1)], index=index)
    primary = primary[rejected_mask]
    counts = primary.value_counts()
    rejected_by_reason = {reason: int(counts.get(reason, 0)) for reason in REASONS}

    messages = reason_messages()
    code_text = pd.Series("", index=index, dtype=object)
    message_text = pd.Series("", index=index, dtype=object)
    for reason in REASONS:  # six columns, not rows
        hit = failed[reason]
        code_text = code_text + np.where(hit, reason + ",", "")
        message_text = message_text + np.where(hit, messages[reason] + "；", "")

    columns = [str(c) for c in frame.columns]
    rejected = frame.loc[rejected_mask, columns].copy()
    rejected.insert(0, ROW_NUMBER, index[rejected_mask])
    rejected[REASON_CODES] = code_text[rejected_mask].str.rstrip(",")
    rejected[REASON_MESSAGES] = message_text[rejected_mask].str.rstrip("；")

    ok = ~rejected_mask
    industry_codes = clean_text(frame[COL_INDUSTRY_CODE], MAX_LENGTHS["industry_code"], code=True)
    section = clean_text(frame[COL_SECTION]).astype("string").str.upper().str.slice(0, 1)
    section = section.where(section.str.fullmatch(r"[A-T]").fillna(False), "")
    valid = pd.DataFrame(
        {
            "row_number": index,
            "credit_code": codes,
            "name": names,
            "legal_representative": clean_text(frame[COL_LEGAL_REP], MAX_LENGTHS["legal_representative"]),
            "enterprise_type": clean_text(frame[COL_TYPE], MAX_LENGTHS["enterprise_type"]),
            "established_on": established,
            "registered_capital": capital,
            "registration_authority": clean_text(frame[COL_AUTHORITY], MAX_LENGTHS["registration_authority"]),
            "managing_district_id": managing,
            "registered_district_id": _registered_districts(codes, managing, lookups.district_ids_by_code),
            "address": clean_text(frame[COL_ADDRESS], MAX_LENGTHS["address"]),
            "industry_section": section.astype(object),
            "industry_code": industry_codes,
            "industry_name": clean_text(frame[COL_INDUSTRY_NAME], MAX_LENGTHS["industry_name"]),
            "status": parse_status(frame[COL_STATUS]),
            "cluster_id": map_clusters(industry_codes, lookups.cluster_ids_by_prefix),
            "district_name": district_names.astype(object),
        },
        index=index,
    ).loc[ok]
    return RegistryParseResult(
        rows=len(frame),
        valid=valid.reset_index(drop=True),
        rejected=rejected.reset_index(drop=True),
        rejected_by_reason=rejected_by_reason,
        columns=columns,
    )


def parse_registry(
    source: str | os.PathLike | IO[bytes],
    lookups: RegistryLookups,
    *,
    filename: str | None = None,
    today: dt.date | None = None,
) -> RegistryParseResult:
    return validate_registry(read_registry_file(source, filename=filename), lookups, today=today)


# --- error report -------------------------------------------------------------------------------


def write_error_report(result: RegistryParseResult, target: str | os.PathLike | IO[bytes]) -> int:
    """Write the rejected rows to an .xlsx (streaming, constant memory). Returns the number of rows."""
    import xlsxwriter

    headers = [ROW_NUMBER, *result.columns, REASON_CODES, REASON_MESSAGES]
    rejected = result.rejected.reindex(columns=headers)
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "default_date_format": "yyyy-mm-dd",
            "strings_to_numbers": False,
            "strings_to_formulas": False,
        },
    )
    try:
        sheet = workbook.add_worksheet(_("未导入的行"))
        bold = workbook.add_format({"bold": True})
        sheet.set_column(0, 0, 8)
        sheet.set_column(1, len(headers) - 1, 18)
        sheet.freeze_panes(1, 0)
        # The rows (and any extra headers) are what the uploader typed: text that a spreadsheet would
        # run as a formula stays text.
        sheet.write_row(0, 0, [safe_cell(h) for h in headers], bold)
        values = rejected.astype(object).where(rejected.notna(), None)
        for offset, row in enumerate(values.itertuples(index=False, name=None), start=1):
            sheet.write_row(offset, 0, [safe_cell(v) for v in row])
    finally:
        workbook.close()
    return len(rejected)
