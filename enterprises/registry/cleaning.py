"""Column-wise normalisation of the registry's cells: text, dates, capital, status, clusters. Every
function takes and returns whole pandas columns; a distinct value is parsed once."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from enterprises.registry.columns import DEFAULT_STATUS, STATUS_MAP


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


# NUL, which PostgreSQL refuses in text (an .xlsx cell's ``_x0000_`` reads as one), the other control
# characters (tab, line feed and carriage return aside: whitespace) and lone surrogates, which no encoder can send:
# never part of a name, a district or an address, only of a value a source system damaged.
_NOT_TEXT = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"


def clean_text(values: pd.Series, max_length: int | None = None, *, code: bool = False) -> pd.Series:
    """Strip, full-width to half-width; missing → ''. Codes read as floats lose a trailing '.0'.

    A value holding a character that is not text is unreadable, so '' as well: a required column (name,
    district) then rejects its row with the column's reason, an optional one is left blank, as any other
    unreadable optional value is.
    """

    def clean(distinct: pd.Series) -> pd.Series:
        text = distinct.astype("string").str.normalize("NFKC").str.strip().fillna("")
        text = text.mask(text.str.contains(_NOT_TEXT, regex=True), "")
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
