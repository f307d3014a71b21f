"""The quota figures of one day as plain data: the ``compute_quotas --json`` contract (README)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F

from .models import DepartmentShareSnapshot, TechShareSnapshot


def quota_report(day: dt.date) -> dict:
    """Both quotas' stored snapshots of ``day``: districts in reference order, then the city; departments
    of the day's year in reference order. Shares as strings with four places."""
    districts = (
        TechShareSnapshot.objects.filter(as_of=day)
        .select_related("district")
        .order_by(F("district__sort_order").asc(nulls_last=True), "district__code")
    )
    departments = (
        DepartmentShareSnapshot.objects.filter(as_of=day, year=day.year)
        .select_related("department")
        .order_by("department__sort_order", "department__code")
    )
    return {
        "date": day.isoformat(),
        "tech_share": [
            {
                "district": row.scope_key,
                "new": row.newly_registered,
                "registered": row.registered,
                "share": f"{row.share:.4f}",
            }
            for row in districts
        ],
        "departments": [
            {
                "department": row.department.code,
                "agreements": row.agreements,
                "new_enterprise_agreements": row.new_agreements,
                "share": f"{row.share:.4f}",
            }
            for row in departments
        ],
    }
