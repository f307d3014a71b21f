"""The quota snapshots of the demo's past: both quota jobs as of each month's end since the plan's baseline,
and as of today, so that the dashboards show a history at the first visit.

The snapshots are the jobs' own (:mod:`quotas.tech_share`, :mod:`quotas.department_share`) computed on the
seeded data, so a recompute of any of those days gives the same figures. A rerun that seeded nothing new
computes only the days still missing (the jobs upsert, so recomputing a day changes nothing but its time).
"""

from __future__ import annotations

import datetime as dt

from quotas.department_share import department_share_compute
from quotas.models import TechShareSnapshot
from quotas.tech_share import tech_share_compute


def history_days(first_year: int, today: dt.date) -> list[dt.date]:
    """Each month's last day from January of ``first_year`` up to before today, then today."""
    days = []
    year, month = first_year, 1
    while True:
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        end = following - dt.timedelta(days=1)
        if end >= today:
            break
        days.append(end)
        year, month = following.year, following.month
    return [*days, today]


def seed_quota_history(first_year: int, today: dt.date, *, refresh: bool, counts: dict[str, int]) -> None:
    """Compute both quota jobs for every history day (``refresh``: all of them, else the missing ones)."""
    days = history_days(first_year, today)
    stored = set(
        TechShareSnapshot.objects.filter(scope_key=TechShareSnapshot.CITY, as_of__in=days).values_list(
            "as_of", flat=True
        )
    )
    missing = [day for day in days if day not in stored]
    for day in days if refresh else missing:
        tech_share_compute(day=day, year=day.year)
        department_share_compute(year=day.year, day=day)
    counts["quota_snapshot_days"] += len(missing)
