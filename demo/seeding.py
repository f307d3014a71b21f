"""Deterministic demo data for the whole city (``manage.py seed_demo``), also used by the benchmarks.

The chunks and random streams are described in :mod:`demo.context`, the registry in :mod:`demo.enterprises`.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, reset_queries, transaction
from django.utils.translation import gettext as _

from assistance.models import (
    Department,
)
from certification.evaluation import application_snapshot, evaluate_application
from certification.models import (
    DECLARED_NUMBER_FIELDS,
    Application,
    ApplicationEvent,
    NoticeBatch,
)
from certification.rules.on_site import on_site_grounds
from certification.services.registration import (
    agency_code,
    registration_valid_until,
)
from enterprises.models import District, Enterprise

from .assistance import agreement_shares, agreements_for_chunk, new_enterprise_preference, seed_agreements_chunk
from .context import CHUNK, ActivityContext, SeedContext, at, insert_rows, rng_for
from .data import (
    CURRENT_YEAR_STATES,
    FILING_RATE,
    FILING_RATE_POOL,
    FLAGSHIP_DISTRICT_CODE,
    HIGH_TECH_SHARE,
    INELIGIBLE_STATES,
    ON_SITE_NOTES_FAILED,
    ON_SITE_NOTES_PASSED,
    OTHER_INDUSTRY_FACTOR,
    PREVIOUS_YEAR_STATES,
    REFILE_AFTER_REGISTRATION,
    REJECT_REASONS,
    RESUBMITTED_SHARE,
    RETURN_COMMENTS,
    TECH_INDUSTRY_FACTOR,
)
from .enterprises import ORG_SPACE, chunk_enterprises, seed_enterprises
from .notices import number_registrations, registration_sequences, save_registrations, seed_notice_batches
from .quotas import seed_department_targets, seed_quota_policies
from .users import DemoLogin, demo_scopes, seed_users

DEFAULT_ENTERPRISES = 5000
DEFAULT_SEED = 2026


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


# --- Filings, notices, registrations and assistance (drawn after the enterprises) ------------------
#
# Every step below draws from its own stream per chunk (``rng_for(seed, "filings", k)``,
# ``rng_for(seed, "assistance", k)``), always a full chunk before cutting, so the enterprises never
# change and the filing of index i is the same whatever N is. Rows are inserted with one statement
# per kind and chunk, skipping what exists (application: enterprise + year; agreement: department +
# enterprise + year), so a rerun adds nothing and a larger N adds only the missing.

FilingPath = list[tuple[str, str]]  # (from_state, to_state) steps of a filing's history
S = Application.State


def _prepare_activity(ctx: SeedContext, *, enterprises: int, counts: dict[str, int]) -> ActivityContext:
    """Quota policies, department targets and notice batches (idempotent), and the shared lookups."""
    years = (ctx.today.year - 1, ctx.today.year)
    window_years = seed_quota_policies(years, counts)
    departments = list(Department.objects.order_by("sort_order", "code"))
    shares = agreement_shares(departments)
    seed_department_targets(departments, shares, years=years, enterprises=enterprises, counts=counts)
    registered_batch, notice_batch = seed_notice_batches(ctx, years, counts)
    districts = {district.pk: district for district in District.objects.all()}
    # The demo logins act in the histories they would have written (the others are anonymous).
    users = dict(
        get_user_model()
        .objects.filter(username__in=["enterprise", "fucheng", "gaoxin", "city"])
        .values_list("username", "id")
    )
    names = {FLAGSHIP_DISTRICT_CODE: "fucheng", "ZGX": "gaoxin"}
    reviewers = {pk: names[d.code] for pk, d in districts.items() if d.code in names}
    return ActivityContext(
        base=ctx,
        enterprises=enterprises,
        years=years,
        districts=districts,
        agency={pk: agency_code(district) for pk, district in districts.items()},
        registered_batch=registered_batch,
        notice_batch=notice_batch,
        sequences=registration_sequences(years),
        window_years=window_years,
        department_ids=np.array([d.pk for d in departments]),
        department_weights=shares,
        department_new_preference=new_enterprise_preference(departments),
        demo_user_id=users.get("enterprise"),
        reviewer_ids={pk: users[name] for pk, name in reviewers.items() if name in users},
        city_user_id=users.get("city"),
    )


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


def _needs_on_site_check(application: Application) -> bool:
    """RULES.md §3 as the review applies it (the demo seeds no revocations before a filing)."""
    return bool(
        on_site_grounds(
            total_staff=application.total_staff,
            tech_staff=application.tech_staff,
            first_time_applicant=application.first_time_applicant,
            revoked_recently=False,
        )
    )


def _path_for(state: str, *, on_site: bool, resubmitted: bool, on_site_failed: bool, submitted: bool) -> FilingPath:
    """The (from, to) steps that lead a filing to ``state``, as the services write them."""
    steps: FilingPath = [("", S.DRAFT)]
    if state == S.DRAFT:
        return steps
    if state == S.WITHDRAWN and not submitted:
        return [*steps, (S.DRAFT, S.WITHDRAWN)]
    steps.append((S.DRAFT, S.SUBMITTED))
    if state == S.SUBMITTED:
        return steps
    if state == S.RETURNED:
        return [*steps, (S.SUBMITTED, S.RETURNED)]
    if state == S.WITHDRAWN:
        return [*steps, (S.SUBMITTED, S.WITHDRAWN)]
    if resubmitted:
        steps += [(S.SUBMITTED, S.RETURNED), (S.RETURNED, S.SUBMITTED)]
    if state == S.ON_SITE_CHECK:
        return [*steps, (S.SUBMITTED, S.ON_SITE_CHECK)]
    if on_site or (state == S.REJECTED and on_site_failed):
        steps += [(S.SUBMITTED, S.ON_SITE_CHECK), (S.ON_SITE_CHECK, S.ON_SITE_CHECK)]
    last = steps[-1][1]
    if state == S.REJECTED:
        return [*steps, (last, S.REJECTED)]
    steps.append((last, S.RECOMMENDED))
    if state == S.RECOMMENDED:
        return steps
    steps.append((S.RECOMMENDED, S.UNDER_NOTICE))
    if state == S.UNDER_NOTICE:
        return steps
    steps.append((S.UNDER_NOTICE, S.REGISTERED))
    if state == S.EXPIRED:
        steps.append((S.REGISTERED, S.EXPIRED))
    return steps


def _filings_for_chunk(act: ActivityContext, chunk: int, size: int, ents: dict) -> list[dict]:
    """Unsaved filings (with their history plan) of the chunk's enterprises, for both years."""
    rng = rng_for(act.base.seed, "filings", chunk)
    n = CHUNK
    plans: list[dict] = []
    registered_last_year = np.zeros(size, dtype=bool)
    filed_last_year = np.zeros(size, dtype=bool)
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
        "valid_until": registration_valid_until(year),
    }


def _build_filing_rows(act: ActivityContext, plans: list[dict], user_id: int | None):
    """Fill states, dates, snapshots and the events (unsaved; events still need the filing ids)."""
    now = act.base.now
    for plan in plans:
        application: Application = plan["application"]
        state, dates = plan["state"], plan["dates"]
        enterprise = application.enterprise
        application.state = state
        application.created_at = at(dates["submitted_on"] - dt.timedelta(days=plan["created_before"]))
        application.created_at = max(application.created_at, at(act.opening(application.evaluation_year), 9))
        application.updated_at = now
        application.created_by_id = application.updated_by_id = user_id if plan["index"] == 0 else None
        on_site = False
        if plan["submitted"]:
            district = act.districts[enterprise.managing_district_id]
            application.submitted_on = dates["submitted_on"]
            application.first_time_applicant = plan["first_time"]
            application.evaluating_district = district
            on_site = _needs_on_site_check(application)
        steps = _path_for(
            state,
            on_site=on_site,
            resubmitted=plan["resubmitted"],
            on_site_failed=plan["on_site_failed"],
            submitted=plan["submitted"],
        )
        if plan["submitted"]:
            # Frozen at the last submission (a resubmission comes two review steps after the first).
            resubmitted = (S.RETURNED, S.SUBMITTED) in steps
            frozen_on = min(dates["submitted_on"] + dt.timedelta(days=8 if resubmitted else 0), dates["review_until"])
            evaluation = evaluate_application(application, on=frozen_on)
            application.snapshot = application_snapshot(
                application, evaluation=evaluation, district=district, today=frozen_on
            )
        if plan["submitted"] and ((S.ON_SITE_CHECK, S.ON_SITE_CHECK) in steps):
            passed = state != S.REJECTED
            notes = ON_SITE_NOTES_PASSED if passed else ON_SITE_NOTES_FAILED
            application.on_site_checked_on = min(dates["submitted_on"] + dt.timedelta(days=12), dates["review_until"])
            application.on_site_check_passed = passed
            application.on_site_check_note = notes[plan["comment"] % len(notes)]
        if state == S.REJECTED:
            application.decision_reason = REJECT_REASONS[plan["comment"] % len(REJECT_REASONS)]
        if dates["batch"] is not None:
            application.notice_batch = dates["batch"]
        plan["steps"] = steps


ENTERPRISE_STEPS = frozenset({S.DRAFT, S.SUBMITTED, S.WITHDRAWN})


def _actor(act: ActivityContext, plan: dict, to_state: str) -> int | None:
    """Who wrote the step: the enterprise's user, the district reviewer, the city; None for the scheduled jobs."""
    if to_state in ENTERPRISE_STEPS:
        return act.demo_user_id if plan["index"] == 0 else None
    if to_state == S.UNDER_NOTICE:
        return act.city_user_id
    if to_state in (S.REGISTERED, S.EXPIRED):
        return None
    return act.reviewer_ids.get(plan["application"].enterprise.managing_district_id)


def _events_for(
    act: ActivityContext, plan: dict, application_id: int, registration_number: str | None
) -> list[ApplicationEvent]:
    application: Application = plan["application"]
    dates = plan["dates"]
    field, text = RETURN_COMMENTS[plan["comment"] % len(RETURN_COMMENTS)]
    day = application.created_at.date()
    events = []
    for number, (from_state, to_state) in enumerate(plan["steps"]):
        comment, field_comments = "", {}
        if to_state == S.SUBMITTED and from_state == S.DRAFT:
            day = dates["submitted_on"]
        elif to_state == S.UNDER_NOTICE:
            day, comment = dates["batch"].start_date, dates["batch"].title
        elif to_state == S.REGISTERED:
            day, comment = dates["registered_on"], registration_number or ""
        elif to_state == S.EXPIRED:
            day = dates["valid_until"] + dt.timedelta(days=1)
        elif number:
            day = min(day + dt.timedelta(days=4), dates["review_until"])
            if to_state == S.RETURNED:
                comment, field_comments = _("请按逐项意见修改后重新提交。"), {field: text}
            elif to_state == S.ON_SITE_CHECK and from_state == S.ON_SITE_CHECK:
                comment = application.on_site_check_note
            elif to_state == S.REJECTED:
                comment = application.decision_reason
        events.append(
            ApplicationEvent(
                application_id=application_id,
                actor_id=_actor(act, plan, to_state),
                from_state=from_state,
                to_state=to_state,
                comment=comment,
                field_comments=field_comments,
                created_at=at(day, 9 + number % 8),
            )
        )
    return events


def _seed_filings_chunk(act: ActivityContext, plans: list[dict], ids: dict[str, int], counts: dict[str, int]) -> None:
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
    _build_filing_rows(act, plans, act.demo_user_id)
    insert_rows(Application, [p["application"] for p in plans])
    saved = {
        (enterprise_id, year): pk
        for pk, enterprise_id, year in Application.objects.filter(
            enterprise_id__in={p["application"].enterprise_id for p in plans}, evaluation_year__in=act.years
        ).values_list("id", "enterprise_id", "evaluation_year")
    }
    registrations, touched = number_registrations(act, plans, saved)
    numbers = {registration.application_id: registration.number for registration in registrations}
    events = []
    for plan in plans:
        application_id = saved[(plan["application"].enterprise_id, plan["application"].evaluation_year)]
        events += _events_for(act, plan, application_id, numbers.get(application_id))
    insert_rows(ApplicationEvent, events)
    save_registrations(act, registrations, touched)
    counts["filings"] += len(plans)
    counts["application_events"] += len(events)
    counts["registrations"] += len(registrations)


ACTIVITY_KINDS = (
    "quota_policies",
    "department_targets",
    "notice_batches",
    "filings",
    "application_events",
    "registrations",
    "agreements",
    "service_records",
)


def seed_activity(ctx: SeedContext, *, enterprises: int, stdout: TextIO | None = None) -> dict[str, int]:
    """Filings, notices, registrations, policies, targets, agreements and service records of the
    enterprises 0 … enterprises-1; returns how many rows of each kind were created.

    Per chunk: one transaction and a fixed number of queries (the enterprise ids, then per kind the
    existing keys, one insert and the new ids); the serial counters are written with the registrations.
    """
    counts = dict.fromkeys(ACTIVITY_KINDS, 0)
    with transaction.atomic():
        act = _prepare_activity(ctx, enterprises=enterprises, counts=counts)
    chunks = (enterprises + CHUNK - 1) // CHUNK
    for chunk in range(chunks):
        size = min(CHUNK, enterprises - chunk * CHUNK)
        ents = chunk_enterprises(act, chunk, size)
        filings = _filings_for_chunk(act, chunk, size, ents)
        agreements = agreements_for_chunk(act, chunk, size, ents)
        codes = {p["application"].enterprise.credit_code for p in filings}
        codes |= {p["agreement"].enterprise.credit_code for p in agreements}
        with transaction.atomic():
            ids = dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "id"))
            _seed_filings_chunk(act, filings, ids, counts)
            seed_agreements_chunk(act, agreements, ids, counts)
        del ents, filings, agreements
        if settings.DEBUG and not connection.force_debug_cursor:
            reset_queries()
        if stdout is not None and (chunk + 1) % 20 == 0:
            done = (chunk + 1) * CHUNK
            stdout.write(
                _("已生成 {done} / {total} 家企业的申报与帮扶数据").format(done=done, total=enterprises) + "\n"
            )
    return counts


def seed_demo(
    *, enterprises: int = DEFAULT_ENTERPRISES, seed: int = DEFAULT_SEED, stdout: TextIO | None = None
) -> SeedResult:
    """Seed enterprises 0 … enterprises-1, the demo users, then their filings, notices, registrations,
    quota policies, department targets, agreements and service records; idempotent for the same seed."""
    if enterprises < 1:
        raise ValueError(_("企业数量至少为 1。"))
    if enterprises > ORG_SPACE:
        raise ValueError(_("企业数量过大。"))
    started = time.perf_counter()
    ctx = SeedContext.load(seed=seed)
    scopes = demo_scopes()  # fail before writing anything when the reference data lacks a demo scope
    result = SeedResult(enterprises_requested=enterprises, seed=seed)
    result.created["enterprises"] = seed_enterprises(ctx, enterprises=enterprises, stdout=stdout)
    result.created["users"], result.logins = seed_users(ctx, scopes=scopes)
    result.created.update(seed_activity(ctx, enterprises=enterprises, stdout=stdout))
    result.seconds = time.perf_counter() - started
    return result
