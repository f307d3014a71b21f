"""What every seeding step shares: the chunking, the random streams, the reference data and lookups
(``SeedContext``, ``ActivityContext``) and the insert of prepared rows.

Rows are generated in fixed chunks of ``CHUNK`` enterprise indices. Each kind of data draws from its
own stream per chunk (``rng_for(seed, "enterprises", k)``, ``rng_for(seed, "filings", k)``…) and always
draws a full chunk before being cut to the requested size, so the data of index i is the same whatever
N is, and a step added later does not change what the earlier ones draw.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import EvaluationCampaign, NoticeBatch
from enterprises.models import District, IndustryCluster
from smeportal.bulk import inserted_fields

from .data import DISTRICT_WEIGHTS, FILING_OPENS, INDUSTRIES

CHUNK = 5000  # generation and insert batch; fixed, because the data of index i depends on it


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


@dataclass
class ActivityContext:
    """What the per-chunk steps share: years, districts, batches, serial counters, departments."""

    base: SeedContext
    enterprises: int
    years: tuple[int, int]  # (previous, current) evaluation year
    districts: dict[int, District]
    agency: dict[int, str]  # district id -> 6-digit code of the registration number
    registered_batch: dict[int, NoticeBatch | None]  # per year: the ended batch its registrations went through
    notice_batch: NoticeBatch | None  # the current year's open batch
    sequences: dict[tuple[int, str], int]  # (year, agency code) -> last serial used
    window_years: dict[int, int]  # per year: QuotaPolicy.new_window_years
    campaigns: dict[int, EvaluationCampaign]  # per year: the evaluation campaign
    department_ids: np.ndarray
    department_weights: np.ndarray
    department_new_preference: np.ndarray
    demo_user_id: int | None  # the demo enterprise user: creator of the demo draft
    reviewer_ids: dict[int, int]  # district id -> the demo official reviewing it (涪城区, 高新区)
    city_user_id: int | None  # the demo city official: puts filings under notice

    def last_day(self, year: int) -> dt.date:
        """The last day of the year that can carry activity (today for the current year)."""
        return min(self.base.today, dt.date(year, 12, 31))

    def opening(self, year: int) -> dt.date:
        return dt.date(year, *FILING_OPENS)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def insert_rows(model, objects: list) -> None:
    """Insert the objects as they are (dates included, no auto_now) in one statement.

    SQLite runs one prepared statement over all rows (Django would split it into 999-parameter
    statements); PostgreSQL gets one multi-row VALUES list. The caller skipped existing keys.
    """
    if not objects:
        return
    fields = inserted_fields(model)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    rows = [tuple(f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields) for o in objects]
    insert = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(insert + row, rows)
        else:
            cursor.execute(insert + ", ".join([row] * len(rows)), [value for values in rows for value in values])
