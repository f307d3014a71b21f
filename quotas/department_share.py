"""The new-enterprise quota job (RULES.md §5): every department's 20% share and task progress.

Per department and year, as of a day: the unarchived agreements signed by then, those with new
enterprises (the agreements' ``counts_as_new`` flag, set by the year's policy), the share against the
policy's target and the progress against the department's yearly task. A fixed number of queries
(policy, one grouped query over the departments, one upsert) whatever the number of agreements; a rerun
writes the same rows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from assistance import newness
from assistance.models import Department, DepartmentTarget, QuotaPolicy

from .models import DepartmentShareSnapshot

UPDATE_FIELDS = [
    "agreements",
    "new_agreements",
    "share",
    "target",
    "met",
    "short_by",
    "task",
    "assisted_enterprises",
    "task_progress",
    "computed_at",
]


def department_figures(year: int, day: dt.date) -> QuerySet:
    """One row per department in reference order: its agreements of ``year`` (unarchived) signed on or before
    ``day``, those with new enterprises, the enterprises assisted and the yearly task (0 when none is set). One
    grouped query, read by this job and by the year-end report (``dashboards.year_report``).

    Only what was signed by ``day``: a snapshot of a past day (a recompute, the dashboard's history) must give
    the figures that day had, as the tech share does."""
    this_year = Q(agreements__year=year, agreements__archived=False, agreements__signed_on__lte=day)
    return (
        Department.objects.order_by("sort_order", "code")
        .annotate(
            agreement_count=Count("agreements", filter=this_year),
            new_count=Count("agreements", filter=this_year & Q(agreements__counts_as_new=True)),
            assisted=Count("agreements__enterprise", filter=this_year, distinct=True),
            task=Coalesce(
                Subquery(
                    DepartmentTarget.objects.filter(department=OuterRef("pk"), year=year).values(
                        "enterprises_to_assist"
                    )[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
        .values("pk", "code", "name", "agreement_count", "new_count", "assisted", "task")
    )


def department_share_compute(*, year: int, day: dt.date) -> int:
    """Compute and upsert every department's share snapshot of ``year`` as of ``day``; returns the rows written."""
    policy = QuotaPolicy.for_year(year)
    target = Decimal(policy.new_enterprise_target)
    rows = department_figures(year, day)
    now = timezone.now()
    snapshots = []
    for row in rows:  # one row per department (reference data), never per agreement
        agreements, new = row["agreement_count"], row["new_count"]
        missing = newness.short_by(agreements=agreements, new=new, target=target)
        snapshots.append(
            DepartmentShareSnapshot(
                department_id=row["pk"],
                year=year,
                as_of=day,
                agreements=agreements,
                new_agreements=new,
                share=newness.share_of(new, agreements),
                target=target,
                # As on the assistance pages: a department without agreements has not met the share.
                met=agreements > 0 and missing == 0,
                short_by=missing,
                task=row["task"],
                assisted_enterprises=row["assisted"],
                task_progress=newness.share_of(row["assisted"], row["task"]),
                computed_at=now,
            )
        )
    DepartmentShareSnapshot.objects.bulk_create(
        snapshots,
        update_conflicts=True,
        unique_fields=["department", "year", "as_of"],
        update_fields=UPDATE_FIELDS,
    )
    return len(snapshots)
