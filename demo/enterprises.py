"""The enterprise registry of the demo city: generated per chunk as columns, inserted when missing.

The credit code of index i is unique per seed (a bijective scramble of i in the organisation part),
so it is the idempotency key (``ON CONFLICT DO NOTHING`` on ``credit_code``). Memory stays flat: one
chunk is generated, inserted and dropped at a time, in a fixed number of queries (look up the codes
already present, one insert). The later steps regenerate the attributes they need from the same
stream (``chunk_enterprises``) instead of reading the rows back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TextIO

import numpy as np
from django.conf import settings
from django.db import connection, reset_queries, transaction
from django.utils.translation import gettext as _

from certification.rules.industry import is_restricted_industry
from enterprises.creditcode import ALPHABET, with_check_character
from enterprises.models import District, Enterprise
from smeportal.bulk import inserted_fields

from .context import CHUNK, ActivityContext, SeedContext, rng_for
from .data import (
    ABNORMAL_SHARE,
    CAPITAL_WEIGHTS,
    CAPITALS,
    CITY_CODE,
    CITY_NAME,
    CITY_NAME_PREFIX_WEIGHTS,
    CITY_NAME_PREFIXES,
    DISHONEST_SHARE,
    ENTERPRISE_TYPES,
    FIRST_DAY,
    FLAGSHIP_DISTRICT_CODE,
    FOUNDER_CATEGORIES,
    GIVEN_CHARS,
    INDUSTRIES,
    INTRODUCED_SHARE,
    LOCAL_PREFIX_KINDS,
    MILITARY_PREFIXES,
    NEW_FILING_DRIVE,
    NEW_FILING_DRIVE_DEFAULT,
    POOL_SHARE_OF_ELIGIBLE,
    ROADS,
    STATUSES,
    SURNAMES,
    TECH_PREFIXES,
    TECH_SECTIONS,
    TRADE_WORDS_1,
    TRADE_WORDS_2,
    ZONE_HOSTS,
)

# Organisation part of the credit code: "MA6" + 6 scrambled base-31 digits of the index.
ORG_SPACE = 31**6  # so also the most enterprises one seed can have
_ORG_MULTIPLIER = 7_368_787  # not a multiple of 31, so index -> org number is a bijection
_ALPHABET_ARRAY = np.array(list(ALPHABET))


def _choice(rng: np.random.Generator, size: int, weights) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return rng.choice(len(weights), size=size, p=weights / weights.sum())


def org_codes(seed: int, indices: np.ndarray) -> list[str]:
    """The 9-character organisation part for each index: unique per seed."""
    offset = (seed * 2_654_435_761) % ORG_SPACE
    numbers = (indices.astype(np.int64) * _ORG_MULTIPLIER + offset) % ORG_SPACE
    digits = np.empty((len(indices), 6), dtype=np.int64)
    for position in range(5, -1, -1):
        numbers, digits[:, position] = np.divmod(numbers, 31)
    chars = _ALPHABET_ARRAY[digits]
    return ["MA6" + "".join(row) for row in chars]


def _strings(values) -> np.ndarray:
    return np.array(values, dtype=object)


def generate_enterprise_chunk(ctx: SeedContext, chunk: int, *, size: int = CHUNK) -> list[Enterprise]:
    """Unsaved enterprises for indices chunk*CHUNK … chunk*CHUNK+size-1 (the same data whatever size is)."""
    columns = enterprise_columns(ctx, chunk, size=size)
    constant = {"confirmed": True, "created_at": ctx.now, "updated_at": ctx.now}
    keys = list(columns)
    return [
        Enterprise(**dict(zip(keys, values, strict=True)), **constant) for values in zip(*columns.values(), strict=True)
    ]


def enterprise_columns(ctx: SeedContext, chunk: int, *, size: int = CHUNK, check: bool = True) -> dict[str, list]:
    """The attributes of the chunk's enterprises as columns (Enterprise attribute -> one value per row).

    With ``check=False`` the credit codes lack their check character (key ``credit_code_base``):
    computing it is the slow part, and a later step needs it for a few rows only.
    """
    rng = rng_for(ctx.seed, "enterprises", chunk)
    n = CHUNK  # always draw a full chunk, then cut: the data of index i never depends on N
    draw = {
        "district": _choice(rng, n, ctx.district_weights),
        "industry": _choice(rng, n, [row[4] for row in INDUSTRIES]),
        "host": rng.random(n),
        "etype": _choice(rng, n, [row[2] for row in ENTERPRISE_TYPES]),
        "prefix": _choice(rng, n, CITY_NAME_PREFIX_WEIGHTS),
        "local_prefix": rng.random(n) < 0.5,
        "word1": rng.integers(len(TRADE_WORDS_1), size=n),
        "word2": rng.integers(len(TRADE_WORDS_2), size=n),
        "trade": rng.random(n),
        "surname": _choice(rng, n, 1.0 / (np.arange(len(SURNAMES)) + 4)),
        "given1": rng.integers(len(GIVEN_CHARS), size=n),
        "given2": rng.integers(len(GIVEN_CHARS), size=n),
        "given_two": rng.random(n) < 0.7,
        "road": rng.integers(len(ROADS), size=n),
        "house": rng.integers(1, 300, size=n),
        "capital": np.asarray(CAPITALS)[_choice(rng, n, CAPITAL_WEIGHTS)] * 100,  # in 0.01 万元
        "odd_capital": rng.random(n) < 0.1,
        "lognormal_capital": np.round(rng.lognormal(np.log(150), 1.0, n) * 100),
        "when": rng.random(n),
        "introduced": rng.random(n) < INTRODUCED_SHARE,
        "introduced_after": rng.random(n),
        "founder": _choice(rng, n, [row[1] for row in FOUNDER_CATEGORIES]),
        "military": rng.random(n),
        "status": _choice(rng, n, [row[1] for row in STATUSES]),
        "abnormal": rng.random(n) < ABNORMAL_SHARE,
        "dishonest": rng.random(n) < DISHONEST_SHARE,
        "pool": rng.random(n),
    }
    # Cut to the requested size; everything below is derived without further random draws.
    d = {key: values[:size].copy() for key, values in draw.items()}
    indices = np.arange(chunk * CHUNK, chunk * CHUNK + size)
    if chunk == 0 and size:
        # Index 0 is the demo enterprise user's company: an operating software firm in 涪城区.
        flagship = ctx.district_index(FLAGSHIP_DISTRICT_CODE)
        if flagship is not None:
            d["district"][0] = flagship
        d["industry"][0], d["status"][0], d["abnormal"][0], d["dishonest"][0] = 0, 0, False, False
    district, industry = d["district"], d["industry"]

    # Where: managing district; registered district and registering authority (a zone's is the city's).
    area = _strings(
        [
            CITY_CODE if kind == District.Kind.ZONE else code
            for code, kind in zip(ctx.district_codes, ctx.district_kinds, strict=True)
        ]
    )[district]
    authority = _strings(
        [_authority(name, kind) for name, kind in zip(ctx.district_names, ctx.district_kinds, strict=True)]
    )[district]
    registered = ctx.district_ids[district].astype(object)
    for zone, code in enumerate(ctx.district_codes):
        rows = district == zone
        if ctx.district_kinds[zone] == District.Kind.ZONE and rows.any():
            hosts = [ctx.district_ids[i] for i in map(ctx.district_index, ZONE_HOSTS.get(code, [])) if i is not None]
            picks = (d["host"][rows] * max(len(hosts), 1)).astype(int)
            registered[rows] = [int(hosts[p]) if hosts else None for p in picks]
    district_names = _strings(ctx.district_names)[district]

    # Who: names and legal representatives.
    local = d["local_prefix"] & np.array([kind in LOCAL_PREFIX_KINDS for kind in ctx.district_kinds])[district]
    prefix = np.where(local, district_names, _strings(CITY_NAME_PREFIXES)[d["prefix"]])
    trade = _strings(
        [
            words[int(pick * len(words))]
            for words, pick in zip((INDUSTRIES[i][3] for i in industry), d["trade"], strict=True)
        ]
    )
    legal_form = _strings([row[1] for row in ENTERPRISE_TYPES])[d["etype"]]
    names = prefix + _strings(TRADE_WORDS_1)[d["word1"]] + _strings(TRADE_WORDS_2)[d["word2"]] + trade + legal_form
    given_chars = _strings(GIVEN_CHARS)
    representatives = (
        _strings(SURNAMES)[d["surname"]]
        + given_chars[d["given1"]]
        + np.where(d["given_two"], given_chars[d["given2"]], "")
    )
    addresses = (
        f"四川省{CITY_NAME}"
        + district_names
        + _strings(ROADS)[d["road"]]
        + d["house"].astype(str).astype(object)
        + "号"
    )

    # When: density of establishment grows about 3x from 2015 to today (inverse CDF of e^(k t) on [0, 1)).
    k = np.log(3.0)
    when = np.log1p(d["when"] * (np.exp(k) - 1)) / k
    span = (ctx.today - FIRST_DAY).days + 1
    established = np.datetime64(FIRST_DAY) + np.floor(when * span).astype("timedelta64[D]")
    days_since = (np.datetime64(ctx.today) - established).astype(np.int64)
    window = np.minimum(days_since, 3 * 365) + 1
    introduced_on = established + np.floor(d["introduced_after"] * window).astype("timedelta64[D]")
    recent = established >= np.datetime64(dt.date(ctx.today.year - 2, 1, 1))
    origin = np.where(
        d["introduced"],
        Enterprise.Origin.INTRODUCED.value,
        np.where(recent, Enterprise.Origin.NEW.value, Enterprise.Origin.EXISTING.value),
    ).astype(object)

    # What: industry, flags, status, cultivation pool.
    restricted = np.array([is_restricted_industry(row[1], row[0]) for row in INDUSTRIES])[industry]
    military_prone = np.array([row[0].startswith(MILITARY_PREFIXES) for row in INDUSTRIES])[industry]
    military = d["military"] < np.where(military_prone, 0.10, 0.015)
    status = _strings([row[0].value for row in STATUSES])[d["status"]]
    abnormal = d["abnormal"] | (status == Enterprise.Status.REVOKED_LICENCE.value)
    dishonest = d["dishonest"]
    pool = (status == Enterprise.Status.OPERATING.value) & ~abnormal & ~dishonest & ~restricted
    pool &= d["pool"] < POOL_SHARE_OF_ELIGIBLE
    if chunk == 0 and size:
        pool[0] = True
    capital = np.where(d["odd_capital"], d["lognormal_capital"], d["capital"]).astype(np.int64)

    organisation = org_codes(ctx.seed, indices)
    columns = {  # Enterprise attribute -> one value per row
        "credit_code": ("91" + area + _strings(organisation)).tolist(),
        "name": names.tolist(),
        "legal_representative": representatives.tolist(),
        "established_on": established.tolist(),
        "registered_capital": [Decimal(cents).scaleb(-2) for cents in capital.tolist()],
        "enterprise_type": _strings([row[0] for row in ENTERPRISE_TYPES])[d["etype"]].tolist(),
        "address": addresses.tolist(),
        "registration_authority": authority.tolist(),
        "industry_code": _strings([row[0] for row in INDUSTRIES])[industry].tolist(),
        "industry_section": _strings([row[1] for row in INDUSTRIES])[industry].tolist(),
        "industry_name": _strings([row[2] for row in INDUSTRIES])[industry].tolist(),
        "cluster_id": _strings(ctx.cluster_of_industry)[industry].tolist(),
        "registered_district_id": registered.tolist(),
        "managing_district_id": ctx.district_ids[district].tolist(),
        "origin": origin.tolist(),
        "introduced_on": np.where(d["introduced"], introduced_on.astype(object), None).tolist(),
        "founder_category": _strings([row[0] for row in FOUNDER_CATEGORIES])[d["founder"]].tolist(),
        "military_civilian": military.tolist(),
        "status": status.tolist(),
        "on_abnormal_list": abnormal.tolist(),
        "seriously_dishonest": dishonest.tolist(),
        "in_cultivation_pool": pool.tolist(),
    }
    if check:
        columns["credit_code"] = [with_check_character(base) for base in columns["credit_code"]]
    else:
        columns["credit_code_base"] = columns.pop("credit_code")
    return columns


def _authority(district_name: str, kind: str) -> str:
    if kind == District.Kind.ZONE:
        return f"{CITY_NAME}市场监督管理局"
    if kind == District.Kind.DISTRICT:
        return f"{CITY_NAME}{district_name}市场监督管理局"
    return f"{district_name}市场监督管理局"


def _insert_enterprises(enterprises: list[Enterprise]) -> None:
    """One statement per batch, skipping codes that already exist."""
    if connection.vendor == "sqlite":
        # Django splits SQLite bulk inserts into 999-parameter statements (~35 rows each); one
        # prepared statement run over all rows is faster and keeps the query count fixed.
        fields = inserted_fields(Enterprise)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = (
            f"INSERT INTO {quote(Enterprise._meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
            f"ON CONFLICT ({quote('credit_code')}) DO NOTHING"
        )
        rows = [tuple(f.get_db_prep_save(getattr(e, f.attname), connection) for f in fields) for e in enterprises]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    else:
        Enterprise.objects.bulk_create(enterprises, batch_size=len(enterprises) or None, ignore_conflicts=True)


def seed_enterprises(ctx: SeedContext, *, enterprises: int, stdout: TextIO | None = None) -> int:
    """Insert the enterprises of indices 0 … enterprises-1 that are missing; returns how many were created."""
    created = 0
    chunks = (enterprises + CHUNK - 1) // CHUNK
    for chunk in range(chunks):
        size = min(CHUNK, enterprises - chunk * CHUNK)
        batch = generate_enterprise_chunk(ctx, chunk, size=size)
        with transaction.atomic():
            existing = set(
                Enterprise.objects.filter(credit_code__in=[e.credit_code for e in batch]).values_list(
                    "credit_code", flat=True
                )
            )
            missing = [e for e in batch if e.credit_code not in existing]
            if missing:
                _insert_enterprises(missing)
        created += len(missing)
        del batch, missing
        if settings.DEBUG and not connection.force_debug_cursor:
            reset_queries()  # with DEBUG on, Django keeps every statement: keep memory flat
        if stdout is not None and (chunk + 1) % 20 == 0:
            stdout.write(_("已处理 {done} / {total} 家企业").format(done=(chunk + 1) * CHUNK, total=enterprises) + "\n")
    return created


def flagship_credit_code(ctx: SeedContext) -> str:
    """The credit code of index 0 (in 涪城区), the company of the demo enterprise user."""
    return generate_enterprise_chunk(ctx, 0, size=1)[0].credit_code


def chunk_enterprises(act: ActivityContext, chunk: int, size: int) -> dict[str, np.ndarray]:
    """The attributes the activity depends on, regenerated from the enterprise stream (no queries)."""
    columns = enterprise_columns(act.base, chunk, size=size, check=False)
    sections, codes = columns["industry_section"], columns["industry_code"]
    drive = {
        int(district_id): NEW_FILING_DRIVE.get(code, NEW_FILING_DRIVE_DEFAULT)
        for district_id, code in zip(act.base.district_ids, act.base.district_codes, strict=True)
    }
    return {
        "objects": _LazyEnterprises(columns),
        "drive": np.array([drive[district_id] for district_id in columns["managing_district_id"]]),
        "established": np.array(columns["established_on"], dtype="datetime64[D]"),
        "operating": np.array(columns["status"], dtype=object) == Enterprise.Status.OPERATING.value,
        "restricted": np.array([is_restricted_industry(s, c) for s, c in zip(sections, codes, strict=True)]),
        "tech": np.array(
            [s in TECH_SECTIONS or c.startswith(TECH_PREFIXES) for s, c in zip(sections, codes, strict=True)]
        ),
        "pool": np.array(columns["in_cultivation_pool"]),
        "violation": np.array(columns["on_abnormal_list"]) | np.array(columns["seriously_dishonest"]),
    }


class _LazyEnterprises:
    """Unsaved Enterprise objects built only for the rows that are used (a few percent of a chunk)."""

    def __init__(self, columns: dict[str, list]):
        self.columns = columns
        self.built: dict[int, Enterprise] = {}

    def __getitem__(self, index) -> Enterprise:
        index = int(index)
        if index not in self.built:
            values = {key: values[index] for key, values in self.columns.items()}
            values["credit_code"] = with_check_character(values.pop("credit_code_base"))
            self.built[index] = Enterprise(**values)
        return self.built[index]
