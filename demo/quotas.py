"""The yearly quota policies and the departments' assistance targets, for the previous and the current year.

Both are created only when missing: a rerun, or an official's edit in the admin, keeps what is stored.
"""

from __future__ import annotations

import numpy as np

from assistance.models import Department, DepartmentTarget, QuotaPolicy

from .data import AGREEMENT_RATE, DEPARTMENT_TARGET_FACTOR, DEPARTMENT_TARGET_MAX, DEPARTMENT_TARGET_MIN


def seed_quota_policies(years: tuple[int, int], counts: dict[str, int]) -> dict[int, int]:
    """Each year's policy with the defaults when missing; returns each year's window for new enterprises."""
    existing_years = set(QuotaPolicy.objects.filter(year__in=years).values_list("year", flat=True))
    policies = [QuotaPolicy(year=year) for year in years if year not in existing_years]
    if policies:
        QuotaPolicy.objects.bulk_create(policies, ignore_conflicts=True)
    counts["quota_policies"] += len(policies)
    return {year: QuotaPolicy.for_year(year).new_window_years for year in years}


def seed_department_targets(
    departments: list[Department],
    shares: np.ndarray,
    *,
    years: tuple[int, int],
    enterprises: int,
    counts: dict[str, int],
) -> None:
    """Each department's yearly task, sized on its share of the agreements the demo will sign."""
    existing_targets = set(DepartmentTarget.objects.filter(year__in=years).values_list("department_id", "year"))
    expected = enterprises * AGREEMENT_RATE * 0.92  # about 92% are operating
    targets = [
        DepartmentTarget(
            department=department,
            year=year,
            enterprises_to_assist=int(
                np.clip(
                    round(expected * weight * DEPARTMENT_TARGET_FACTOR.get(department.code, 1.0)),
                    DEPARTMENT_TARGET_MIN,
                    DEPARTMENT_TARGET_MAX,
                )
            ),
        )
        for year in years
        for department, weight in zip(departments, shares, strict=True)
        if (department.pk, year) not in existing_targets
    ]
    if targets:
        DepartmentTarget.objects.bulk_create(targets, ignore_conflicts=True)
    counts["department_targets"] += len(targets)
