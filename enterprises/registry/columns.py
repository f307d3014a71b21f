"""The registry export's layout: its column names, the reasons a row is refused, the status and area-code
maps, and the result types of reading and validating a file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from django.utils.translation import gettext as _

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
        "name": _("企业名称为空、超过200个字符或含有不允许的字符（如空字符）"),
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
