"""Builders of quota snapshots for the dashboard tests (the pages read snapshots only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from assistance.newness import share_of
from quotas.models import DepartmentShareSnapshot, TechShareSnapshot
from tests import factories

TARGET = Decimal("0.1000")
COMPUTED_AT = timezone.make_aware(dt.datetime(2026, 11, 20, 2, 30))


def tech(district, as_of, *, new=100, registered=0, year=2026, candidates=None, filed=None, recommended=None,
         breakdown=None, computed_at=COMPUTED_AT) -> TechShareSnapshot:  # fmt: skip
    """One scope's snapshot (district None: the city); share, met and short_by follow from the counts."""
    share = share_of(registered, new)
    needed = -(-new // 10)  # ⌈10% × new⌉
    return TechShareSnapshot(
        scope_key=district.code if district else TechShareSnapshot.CITY,
        district=district,
        as_of=as_of,
        policy_year=year,
        newly_registered=new,
        candidates=candidates if candidates is not None else registered * 3,
        filed=filed if filed is not None else registered * 2,
        recommended=recommended if recommended is not None else registered + 1,
        registered=registered,
        valid_registrations=registered * 4 // 5,  # some of them expired
        share=share,
        target=TARGET,
        met=registered >= needed,
        short_by=max(0, needed - registered),
        breakdown=breakdown or {},
        computed_at=computed_at,
    )


def save_all(snapshots) -> list[TechShareSnapshot]:
    return TechShareSnapshot.objects.bulk_create(snapshots)


def department(dept, as_of, *, year=2026, agreements=10, new=2, task=20, assisted=10, computed_at=COMPUTED_AT):
    share = share_of(new, agreements)
    needed = -(-2 * agreements // 10)
    return DepartmentShareSnapshot.objects.create(
        department=dept,
        year=year,
        as_of=as_of,
        agreements=agreements,
        new_agreements=new,
        share=share,
        target=Decimal("0.2000"),
        met=agreements > 0 and new >= needed,  # as the job: no agreements is not "met"
        short_by=max(0, needed - new),
        task=task,
        assisted_enterprises=assisted,
        task_progress=share_of(assisted, task),
        computed_at=computed_at,
    )


def many(districts_count: int, dates_count: int, *, first=dt.date(2026, 1, 5)) -> list:
    """``districts_count`` districts (涪城区 and 游仙区 first) with snapshots on ``dates_count`` days."""
    districts = [
        factories.DistrictFactory(code="510703", name="涪城区"),
        factories.DistrictFactory(code="510704", name="游仙区"),
    ]
    districts += [
        factories.DistrictFactory(code=f"{510710 + n}", name=f"测试区县{n}") for n in range(districts_count - 2)
    ]
    districts = districts[:districts_count]
    rows = []
    for d in range(dates_count):
        day = first + dt.timedelta(days=d)
        for n, district in enumerate(districts):
            rows.append(tech(district, day, new=100 + n, registered=(n * 7 + d) % 15))
        rows.append(tech(None, day, new=100 * len(districts), registered=5 * len(districts) + d))
    save_all(rows)
    return districts
