"""The filings: which enterprises file in each year, their declared figures, the state each reaches and
its dates, and the insert of the chunk's missing filings with their events and registrations.

Drawn per chunk from the stream ``rng_for(seed, "filings", k)``; a filing is keyed by enterprise and
evaluation year, so a rerun adds none and a larger N adds only the missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np

from certification.evaluation import evaluate_application
from certification.models import DECLARED_NUMBER_FIELDS, Application, ApplicationEvent, NoticeBatch
from certification.selectors.notice import recommended_day_from_events
from certification.services.pool import pool_distances_refresh
from enterprises.models import Enterprise

from .context import CHUNK, ActivityContext, insert_rows, rng_for
from .data import (
    CURRENT_YEAR_STATES,
    FILING_RATE,
    FILING_RATE_POOL,
    HIGH_TECH_SHARE,
    INELIGIBLE_STATES,
    NEW_FILING_RATE,
    OTHER_INDUSTRY_FACTOR,
    PREVIOUS_YEAR_STATES,
    REFILE_AFTER_REGISTRATION,
    RESUBMITTED_SHARE,
    TECH_INDUSTRY_FACTOR,
)
from .histories import build_filing_rows, events_for
from .notices import number_registrations, save_registrations

S = Application.State


def _draw_figures(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Raw draws for the declared figures of a full chunk (the same whatever the chunk holds)."""
    return {
        "staff": rng.lognormal(np.log(24), 0.85, n),
        "share": rng.beta(2.0, 4.5, n),
        "revenue_per_head": rng.lognormal(np.log(38), 0.75, n),
        "cost_ratio": rng.uniform(0.72, 1.08, n),
        "rd_ratio": rng.lognormal(np.log(0.045), 0.55, n),
        "asset_ratio": rng.lognormal(np.log(1.1), 0.5, n),
        "class1_tech": rng.poisson(0.8, n),
        "class1_other": rng.poisson(0.4, n),
        "class2_ip": rng.poisson(1.8, n),
        "audited": rng.random(n) >= 0.03,
        "high_tech": rng.random(n) < HIGH_TECH_SHARE,
        "main_share": rng.uniform(0.85, 1.0, n),
        "partial": rng.random(n) < 0.3,  # a draft with some figures still empty
    }


def _figures(d: dict[str, np.ndarray], tech: np.ndarray) -> dict[str, np.ndarray]:
    """Declared figures (most pass the engine, some fail on the score or a cap); tech firms do more R&D."""
    total = np.clip(np.round(d["staff"]), 3, 650)
    share = np.clip(d["share"] + np.where(tech, 0.10, 0.0), 0.03, 0.95)
    sales = np.round(total * d["revenue_per_head"], 2)
    costs = np.round(sales * d["cost_ratio"], 2)
    return {
        "total_staff": total,
        "tech_staff": np.minimum(np.floor(total * share), total),
        "sales_revenue": sales,
        "total_costs": costs,
        "rd_expense": np.round(np.minimum(sales * d["rd_ratio"] * np.where(tech, 1.3, 1.0), costs), 2),
        "total_assets": np.round(sales * d["asset_ratio"], 2),
        "class1_ip": np.where(tech, d["class1_tech"], d["class1_other"]),
    }


def filings_for_chunk(act: ActivityContext, chunk: int, size: int, ents: dict) -> list[dict]:
    """Unsaved filings (with their history plan) of the chunk's enterprises, for both years."""
    rng = rng_for(act.base.seed, "filings", chunk)
    n = CHUNK
    plans: list[dict] = []
    registered_last_year = np.zeros(size, dtype=bool)
    filed_last_year = np.zeros(size, dtype=bool)
    baseline = np.datetime64(dt.date(act.years[0], 1, 1))  # demo.quotas.seed_quota_policies
    for year in act.years:
        current = year == act.years[1]
        figures = _draw_figures(rng, n)
        draw = {
            "select": rng.random(n),
            "state": rng.random(n),
            "ineligible_state": rng.random(n),
            "resubmitted": rng.random(n) < RESUBMITTED_SHARE,
            "on_site_failed": rng.random(n) < 0.4,
            "submitted_on": rng.random(n),
            "created_before": rng.integers(3, 30, n),
            "comment": rng.integers(0, 1000, n),
            **figures,
        }
        d = {key: values[:size] for key, values in draw.items()}
        d |= _figures(d, ents["tech"])
        last_day = act.last_day(year)
        latest_established = np.datetime64(last_day - dt.timedelta(days=30))
        candidate = ents["operating"] & ~ents["restricted"] & (ents["established"] <= latest_established)
        rate = np.where(
            ents["pool"],
            FILING_RATE_POOL,
            FILING_RATE * np.where(ents["tech"], TECH_INDUSTRY_FACTOR, OTHER_INDUSTRY_FACTOR),
        )
        rate = np.where(ents["established"] >= baseline, np.maximum(rate, NEW_FILING_RATE * ents["drive"]), rate)
        if current:
            rate = np.where(registered_last_year, REFILE_AFTER_REGISTRATION, rate)
        selected = candidate & (d["select"] < rate)
        if current and chunk == 0 and size:
            selected[0] = True  # the demo enterprise user's company: a draft with figures filled
        state_names = list(CURRENT_YEAR_STATES if current else PREVIOUS_YEAR_STATES)
        state_weights = np.cumsum(list((CURRENT_YEAR_STATES if current else PREVIOUS_YEAR_STATES).values()))
        state_weights /= state_weights[-1]
        ineligible_names = list(INELIGIBLE_STATES)
        ineligible_weights = np.cumsum(list(INELIGIBLE_STATES.values()))
        ineligible_weights /= ineligible_weights[-1]
        registered_batch = act.registered_batch[year]
        for i in np.flatnonzero(selected):
            enterprise = ents["objects"][i]
            demo_draft = current and chunk == 0 and i == 0
            application = Application(
                enterprise=enterprise,
                managing_district_id=enterprise.managing_district_id,
                evaluation_year=year,
                **{name: Decimal(f"{d[name][i]:.2f}") for name in DECLARED_NUMBER_FIELDS},
                class1_ip=int(d["class1_ip"][i]),
                class2_ip=int(d["class2_ip"][i]),
                audited_tax_collection=bool(d["audited"][i]),
                restricted_industry=False,
                compliance_violation=bool(ents["violation"][i]),
            )
            if demo_draft:
                application.total_staff, application.tech_staff = Decimal("28.00"), Decimal("6.00")
                application.sales_revenue, application.total_costs = Decimal("1500.00"), Decimal("1400.00")
                application.rd_expense, application.total_assets = Decimal("52.00"), Decimal("1800.00")
                application.class1_ip, application.class2_ip = 0, 2
            elif d["high_tech"][i]:
                application.direct_paths = ["high_tech_certificate"]
                application.high_tech_certificate_number = f"GR{year - 1}51{int(d['comment'][i]) * 997 % 1000000:06d}"
                application.high_tech_certificate_valid_until = dt.date(year + 1, 12, 31)
            main = (application.sales_revenue * Decimal(f"{d['main_share'][i]:.4f}")).quantize(Decimal("0.01"))
            application.main_business_revenue = main
            application.other_business_revenue = application.sales_revenue - main
            # Costs split into the six components; the last takes the remainder so the totals agree.
            costs = application.total_costs
            parts = [(costs * Decimal(share)).quantize(Decimal("0.01")) for share in ("0.62", "0.05", "0.02", "0.08")]
            application.main_business_cost, application.other_business_cost = parts[0], parts[1]
            application.taxes_and_surcharges, application.selling_expenses = parts[2], parts[3]
            application.financial_expenses = (costs * Decimal("0.01")).quantize(Decimal("0.01"))
            application.administrative_expenses = costs - sum(parts) - application.financial_expenses
            evaluation = evaluate_application(application, on=last_day)
            if demo_draft:
                state = S.DRAFT
            elif evaluation.eligible:
                state = state_names[int(np.searchsorted(state_weights, d["state"][i], side="right"))]
            else:
                state = ineligible_names[int(np.searchsorted(ineligible_weights, d["ineligible_state"][i], "right"))]
            plan = _plan_dates(act, year, state, enterprise, float(d["submitted_on"][i]), registered_batch)
            if plan is None:  # no room in the calendar for that path: it stays a draft
                state, plan = S.DRAFT, _plan_dates(act, year, S.DRAFT, enterprise, 0.0, None)
            if state == S.REGISTERED and plan["valid_until"] < act.base.today:
                state = S.EXPIRED
            submitted = state not in (S.DRAFT,) and not (state == S.WITHDRAWN and not evaluation.eligible)
            if state == S.DRAFT and d["partial"][i] and not demo_draft:
                application.rd_expense = application.total_assets = None
            plans.append(
                {
                    "index": chunk * CHUNK + int(i),
                    "position": int(i),
                    "application": application,
                    "state": state,
                    "submitted": submitted,
                    "dates": plan,
                    "resubmitted": bool(d["resubmitted"][i]),
                    "on_site_failed": bool(d["on_site_failed"][i]),
                    "created_before": int(d["created_before"][i]),
                    "comment": int(d["comment"][i]),
                }
            )
            if not current:
                filed_last_year[i] = submitted
                registered_last_year[i] = state in (S.REGISTERED, S.EXPIRED)
        if not current:
            for plan in plans:
                plan["first_time"] = True  # no filings are seeded before the previous year
        else:
            for plan in plans:
                if plan["application"].evaluation_year == year:
                    plan["first_time"] = not filed_last_year[plan["position"]]
    return plans


def _plan_dates(
    act: ActivityContext, year: int, state: str, enterprise: Enterprise, u: float, batch: NoticeBatch | None
) -> dict | None:
    """Submission, notice and registration dates of a path; None when the calendar leaves no room."""
    opening = max(act.opening(year), enterprise.established_on + dt.timedelta(days=1))
    through_notice = state in (S.REGISTERED, S.UNDER_NOTICE)
    if state == S.UNDER_NOTICE:
        batch = act.notice_batch if year == act.years[1] else None
    if through_notice and batch is None:
        return None
    latest = batch.start_date - dt.timedelta(days=20) if through_notice else act.last_day(year) - dt.timedelta(days=2)
    if latest < opening:
        if state != S.DRAFT:
            return None
        latest = opening = min(opening, act.last_day(year))  # a draft fits any calendar
    submitted_on = opening + dt.timedelta(days=int(u * (latest - opening).days))
    registered_on = batch.end_date + dt.timedelta(days=1) if state == S.REGISTERED else None
    return {
        "submitted_on": submitted_on,
        "review_until": (batch.start_date - dt.timedelta(days=1)) if through_notice else act.last_day(year),
        "batch": batch if through_notice else None,
        "registered_on": registered_on,
        "valid_until": act.campaigns[year].registration_valid_until,
    }


def seed_filings_chunk(act: ActivityContext, plans: list[dict], ids: dict[str, int], counts: dict[str, int]) -> None:
    """Insert the chunk's missing filings with their events and registrations; update the serials."""
    plans = [p for p in plans if p["application"].enterprise.credit_code in ids]
    for plan in plans:
        enterprise = plan["application"].enterprise
        enterprise.pk = ids[enterprise.credit_code]
        plan["application"].enterprise = enterprise  # sets enterprise_id and keeps the cached object
    existing = set(
        Application.objects.filter(
            enterprise_id__in={p["application"].enterprise_id for p in plans}, evaluation_year__in=act.years
        ).values_list("enterprise_id", "evaluation_year")
    )
    plans = [p for p in plans if (p["application"].enterprise_id, p["application"].evaluation_year) not in existing]
    if not plans:
        return
    build_filing_rows(act, plans, act.demo_user_id)
    insert_rows(Application, [p["application"] for p in plans])
    saved = {
        (enterprise_id, year): pk
        for pk, enterprise_id, year in Application.objects.filter(
            enterprise_id__in={p["application"].enterprise_id for p in plans}, evaluation_year__in=act.years
        ).values_list("id", "enterprise_id", "evaluation_year")
    }
    pool_distances_refresh({enterprise_id for enterprise_id, _year in saved})  # inserted without signals
    registrations, touched = number_registrations(act, plans, saved)
    numbers = {registration.application_id: registration.number for registration in registrations}
    events = []
    for plan in plans:
        application_id = saved[(plan["application"].enterprise_id, plan["application"].evaluation_year)]
        events += events_for(act, plan, application_id, numbers.get(application_id))
    insert_rows(ApplicationEvent, events)
    recommended = [
        saved[(plan["application"].enterprise_id, plan["application"].evaluation_year)]
        for plan in plans
        if any(to_state == Application.State.RECOMMENDED for _from_state, to_state in plan["steps"])
    ]
    # Inserted, not moved through the workflow, which stores the day itself.
    Application.objects.filter(pk__in=recommended).update(recommended_on=recommended_day_from_events())
    save_registrations(act, registrations, touched)
    counts["filings"] += len(plans)
    counts["application_events"] += len(events)
    counts["registrations"] += len(registrations)
