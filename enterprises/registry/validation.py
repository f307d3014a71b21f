"""Reading and validating the market regulator's registry export (pure pandas, no ORM).

The whole file is read and validated column-wise first: every check is a vectorised pandas/numpy
operation over a column, never a Python function per cell. The caller (enterprises.services) gets
the valid rows as model field values and writes them in one transaction; the rejected rows, with
their spreadsheet row number and reasons, go to the error report."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import IO

import numpy as np
import pandas as pd
from django.utils import timezone

from enterprises.creditcode import normalize_credit_codes, valid_credit_codes
from enterprises.registry.cleaning import clean_text, map_clusters, parse_capital, parse_dates, parse_status
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
    LEGACY_AREA_CODES,
    MAX_CAPITAL,
    MAX_LENGTHS,
    REASON_CODES,
    REASON_MESSAGES,
    REASONS,
    ROW_NUMBER,
    RegistryLookups,
    RegistryParseResult,
    reason_messages,
)
from enterprises.registry.reading import read_registry_file


def _registered_districts(codes: pd.Series, managing: pd.Series, by_code: Mapping[str, int]) -> pd.Series:
    """The legal district from the code's administrative part; else the managing district when it is an
    administrative one. A functional zone is never a legal district (the city's own code 510700 says none)."""
    area = codes.astype("string").str.slice(2, 8).replace(LEGACY_AREA_CODES)
    registered = area.map(dict(by_code)).astype("Int64")
    administrative = managing.where(managing.isin(list(by_code.values())))
    return registered.fillna(administrative)


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
