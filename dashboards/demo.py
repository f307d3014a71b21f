"""Deterministic demo data for the whole city (``manage.py seed_demo``), also used by the benchmarks.

Design:
- Enterprises are generated in fixed chunks of ``CHUNK`` rows. Chunk k always draws from its own
  random stream ``rng_for(seed, "enterprises", k)`` and always draws a full chunk before being cut
  to the requested size, so the enterprise at index i is the same whatever N is: reseeding with the
  same N adds nothing, a larger N adds only the missing indices.
- The credit code of index i is unique per seed (a bijective scramble of i in the organisation
  part), so it is the idempotency key (``ON CONFLICT DO NOTHING`` on ``credit_code``).
- Memory stays flat: one chunk is generated, inserted and dropped at a time. Each chunk costs a
  fixed number of queries (look up the codes already present, one insert).
- Later features (filings, agreements) add a step to ``seed_demo`` that draws from its own stream
  (``rng_for(seed, "filings", k)``), so adding them does not change the enterprises.
"""

from __future__ import annotations

import datetime as dt
import time
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.models import Department, DepartmentMembership
from enterprises.creditcode import ALPHABET, with_check_character
from enterprises.models import District, Enterprise, EnterpriseMembership, IndustryCluster, OfficialMembership

from .demo_data import (
    ABNORMAL_SHARE,
    CAPITAL_WEIGHTS,
    CAPITALS,
    CITY_CODE,
    CITY_NAME,
    CITY_NAME_PREFIX_WEIGHTS,
    CITY_NAME_PREFIXES,
    DISHONEST_SHARE,
    DISTRICT_WEIGHTS,
    ENTERPRISE_TYPES,
    FIRST_DAY,
    FLAGSHIP_DISTRICT_CODE,
    FOUNDER_CATEGORIES,
    GIVEN_CHARS,
    INDUSTRIES,
    INTRODUCED_SHARE,
    LOCAL_PREFIX_KINDS,
    MILITARY_PREFIXES,
    POOL_SHARE_OF_ELIGIBLE,
    RESTRICTED_PREFIXES,
    RESTRICTED_SECTIONS,
    ROADS,
    STATUSES,
    SURNAMES,
    TRADE_WORDS_1,
    TRADE_WORDS_2,
    ZONE_HOSTS,
)

CHUNK = 5000  # generation and insert batch; fixed, because the data of index i depends on it
DEFAULT_ENTERPRISES = 5000
DEFAULT_SEED = 2026
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed on purpose: demo logins for a local portal


# Organisation part of the credit code: "MA6" + 6 scrambled base-31 digits of the index.
_ORG_SPACE = 31**6
_ORG_MULTIPLIER = 7_368_787  # not a multiple of 31, so index -> org number is a bijection
_ALPHABET_ARRAY = np.array(list(ALPHABET))


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


@dataclass
class SeedResult:
    enterprises_requested: int
    seed: int
    created: dict[str, int] = field(default_factory=dict)  # per kind: "enterprises", "users", later "filings"…
    logins: list[DemoLogin] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def enterprises_created(self) -> int:
        return self.created.get("enterprises", 0)


@dataclass(frozen=True)
class SeedContext:
    """What every generation step needs: the seed, the date, the reference data as arrays."""

    seed: int
    today: dt.date
    now: dt.datetime
    district_ids: np.ndarray
    district_codes: list[str]
    district_names: list[str]
    district_kinds: list[str]
    district_weights: np.ndarray
    cluster_of_industry: list[int | None]

    @classmethod
    def load(cls, *, seed: int) -> SeedContext:
        districts = list(District.objects.order_by("sort_order", "code").values_list("id", "code", "name", "kind"))
        if not districts:
            raise ValueError(_("没有区县数据：请先运行 load_reference_data。"))
        clusters = list(IndustryCluster.objects.values_list("id", "industry_prefixes"))
        weights = np.array([DISTRICT_WEIGHTS.get(code, 0.02) for _id, code, _name, _kind in districts])
        return cls(
            seed=seed,
            today=timezone.localdate(),
            now=timezone.now(),
            district_ids=np.array([row[0] for row in districts]),
            district_codes=[row[1] for row in districts],
            district_names=[row[2] for row in districts],
            district_kinds=[row[3] for row in districts],
            district_weights=weights / weights.sum(),
            cluster_of_industry=[_cluster_for(code, section, clusters) for code, section, *_rest in INDUSTRIES],
        )

    def district_index(self, code: str) -> int | None:
        return self.district_codes.index(code) if code in self.district_codes else None


def _cluster_for(code: str, section: str, clusters: list[tuple[int, list[str]]]) -> int | None:
    """The cluster whose longest prefix matches the industry code (a prefix may be a section letter)."""
    best, best_length = None, 0
    for cluster_id, prefixes in clusters:
        for prefix in prefixes:
            matches = prefix == section if prefix.isalpha() else code.startswith(prefix)
            if matches and len(prefix) > best_length:
                best, best_length = cluster_id, len(prefix)
    return best


def rng_for(seed: int, stream: str, chunk: int) -> np.random.Generator:
    """An independent, reproducible random stream per (seed, kind of data, chunk)."""
    return np.random.default_rng([seed, zlib.crc32(stream.encode()), chunk])


def _choice(rng: np.random.Generator, size: int, weights) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return rng.choice(len(weights), size=size, p=weights / weights.sum())


def org_codes(seed: int, indices: np.ndarray) -> list[str]:
    """The 9-character organisation part for each index: unique per seed."""
    offset = (seed * 2_654_435_761) % _ORG_SPACE
    numbers = (indices.astype(np.int64) * _ORG_MULTIPLIER + offset) % _ORG_SPACE
    digits = np.empty((len(indices), 6), dtype=np.int64)
    for position in range(5, -1, -1):
        numbers, digits[:, position] = np.divmod(numbers, 31)
    chars = _ALPHABET_ARRAY[digits]
    return ["MA6" + "".join(row) for row in chars]


def _strings(values) -> np.ndarray:
    return np.array(values, dtype=object)


def generate_enterprise_chunk(ctx: SeedContext, chunk: int, *, size: int = CHUNK) -> list[Enterprise]:
    """Unsaved enterprises for indices chunk*CHUNK … chunk*CHUNK+size-1 (the same data whatever size is)."""
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
    restricted = np.array(
        [row[1] in RESTRICTED_SECTIONS or row[0].startswith(RESTRICTED_PREFIXES) for row in INDUSTRIES]
    )[industry]
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
        "credit_code": [with_check_character(f"91{a}{o}") for a, o in zip(area, organisation, strict=True)],
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
    constant = {"confirmed": True, "created_at": ctx.now, "updated_at": ctx.now}
    keys = list(columns)
    return [
        Enterprise(**dict(zip(keys, values, strict=True)), **constant) for values in zip(*columns.values(), strict=True)
    ]


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
        fields = [f for f in Enterprise._meta.concrete_fields if not f.primary_key]
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


def demo_scopes() -> tuple[District, District, Department, Department]:
    """涪城区, 高新区, 市科技局 and 市经信局: the scopes of the demo logins (ValueError when missing)."""
    districts = {d.code: d for d in District.objects.filter(code__in=[FLAGSHIP_DISTRICT_CODE, "ZGX"])}
    departments = {d.code: d for d in Department.objects.filter(code__in=["kjj", "jxj"])}
    if len(districts) < 2 or len(departments) < 2:
        raise ValueError(_("参考数据不完整：缺少涪城区、高新区、市科技局或市经信局。"))
    return districts[FLAGSHIP_DISTRICT_CODE], districts["ZGX"], departments["kjj"], departments["jxj"]


def seed_users(ctx: SeedContext, *, scopes: tuple | None = None) -> tuple[int, list[DemoLogin]]:
    """One demo login per role, all with DEMO_PASSWORD, in a fixed number of queries.

    Missing users are created; existing ones keep their password. Memberships are upserted, so a
    rerun points every login back at its demo scope.
    """
    user_model = get_user_model()
    fucheng, gaoxin, kjj, jxj = scopes or demo_scopes()
    enterprise = Enterprise.objects.get(credit_code=flagship_credit_code(ctx))
    plan = [
        ("city", _("市级管理人员（全市）")),
        ("fucheng", _("区县管理人员（{name}）").format(name=fucheng.name)),
        ("gaoxin", _("区县管理人员（{name}）").format(name=gaoxin.name)),
        ("kjj", _("部门用户（{name}）").format(name=kjj.name)),
        ("jxj", _("部门用户（{name}）").format(name=jxj.name)),
        ("enterprise", _("企业用户（{name}）").format(name=enterprise.name)),
        ("admin", _("系统管理员")),
    ]
    usernames = [username for username, _role in plan]
    with transaction.atomic():
        existing = set(user_model.objects.filter(username__in=usernames).values_list("username", flat=True))
        missing = [username for username in usernames if username not in existing]
        if missing:
            password = make_password(DEMO_PASSWORD)  # hashed once: it is the slow part
            user_model.objects.bulk_create(
                [
                    user_model(
                        username=username,
                        email=f"{username}@demo.smeportal.local",
                        password=password,
                        is_staff=username == "admin",
                        is_superuser=username == "admin",
                    )
                    for username in missing
                ],
                ignore_conflicts=True,
            )
        users = {user.username: user for user in user_model.objects.filter(username__in=usernames)}
        OfficialMembership.objects.bulk_create(
            [
                OfficialMembership(user=users["city"], district=None),
                OfficialMembership(user=users["fucheng"], district=fucheng),
                OfficialMembership(user=users["gaoxin"], district=gaoxin),
            ],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["district"],
        )
        DepartmentMembership.objects.bulk_create(
            [
                DepartmentMembership(user=users["kjj"], department=kjj),
                DepartmentMembership(user=users["jxj"], department=jxj),
            ],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["department"],
        )
        EnterpriseMembership.objects.bulk_create(
            [
                EnterpriseMembership(
                    user=users["enterprise"],
                    enterprise=enterprise,
                    contact_name=enterprise.legal_representative,
                    contact_phone="0816-2345678",
                )
            ],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["enterprise"],
        )
    return len(missing), [DemoLogin(username, DEMO_PASSWORD, role) for username, role in plan]


def seed_demo(
    *, enterprises: int = DEFAULT_ENTERPRISES, seed: int = DEFAULT_SEED, stdout: TextIO | None = None
) -> SeedResult:
    """Seed enterprises 0 … enterprises-1 and the demo users; idempotent for the same seed."""
    if enterprises < 1:
        raise ValueError(_("企业数量至少为 1。"))
    if enterprises > _ORG_SPACE:
        raise ValueError(_("企业数量过大。"))
    started = time.perf_counter()
    ctx = SeedContext.load(seed=seed)
    scopes = demo_scopes()  # fail before writing anything when the reference data lacks a demo scope
    result = SeedResult(enterprises_requested=enterprises, seed=seed)
    result.created["enterprises"] = seed_enterprises(ctx, enterprises=enterprises, stdout=stdout)
    result.created["users"], result.logins = seed_users(ctx, scopes=scopes)
    result.seconds = time.perf_counter() - started
    return result
