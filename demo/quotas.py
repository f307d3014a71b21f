"""The yearly quota policies, the departments' assistance targets and the evaluation campaigns, for the
previous and the current year.

Both are created only when missing: a rerun, or an official's edit in the admin, keeps what is stored.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from assistance.models import Department, DepartmentTarget, QuotaPolicy
from certification.models import EvaluationCampaign

from .data import AGREEMENT_RATE, DEPARTMENT_TARGET_FACTOR, DEPARTMENT_TARGET_MAX, DEPARTMENT_TARGET_MIN, FILING_OPENS


def seed_quota_policies(years: tuple[int, int], counts: dict[str, int]) -> dict[int, int]:
    """Each year's policy with the defaults when missing; returns each year's window for new enterprises.

    The tech share counts from 1 January of the first year: the first policy sets that baseline and the
    next one inherits it, as a city's plan would.
    """
    existing_years = set(QuotaPolicy.objects.filter(year__in=years).values_list("year", flat=True))
    baseline = dt.date(min(years), 1, 1)
    policies = [
        QuotaPolicy(year=year, baseline_date=baseline if year == min(years) else None)
        for year in years
        if year not in existing_years
    ]
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


def seed_campaigns(years: tuple[int, int], counts: dict[str, int]) -> dict[int, EvaluationCampaign]:
    """Each year's campaign when missing, open from the demo's filing season to the end of the year, so
    a newcomer can walk the whole procedure today (the national defaults close filing on 30 September)."""
    existing = {c.year: c for c in EvaluationCampaign.objects.filter(year__in=years)}
    missing = []
    for year in years:
        if year in existing:
            continue
        campaign = EvaluationCampaign.with_defaults(year)
        campaign.filing_opens = dt.date(year, *FILING_OPENS)
        # Spot checks follow the notices (the procedure's order, certification.rules.campaign).
        campaign.filing_closes = campaign.notices_end_by = campaign.spot_checks_due = dt.date(year, 12, 31)
        campaign.batch_cutoffs = []
        missing.append(campaign)
    if missing:
        EvaluationCampaign.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {c.year: c for c in EvaluationCampaign.objects.filter(year__in=years)}
    counts["campaigns"] += len(missing)
    return existing
