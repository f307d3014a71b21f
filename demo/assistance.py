"""Assistance agreements and their service records (the visits), for the previous and the current year.

Drawn per chunk from the stream ``rng_for(seed, "assistance", k)``; an agreement is keyed by
department, enterprise and year, so a rerun adds none and a larger N adds only the missing.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from assistance.models import AssistanceAgreement, Department, Measure, ServiceRecord
from assistance.newness import is_new_enterprise

from .context import CHUNK, ActivityContext, at, insert_rows, rng_for
from .data import (
    AGREEMENT_RATE,
    DEPARTMENT_NEW_PREFERENCE,
    DEPARTMENT_WEIGHTS,
    FEEDBACK,
    GIVEN_CHARS,
    ISSUES,
    MEASURE_GOALS,
    OTHER_DEPARTMENT_WEIGHT,
    RESOLUTIONS,
    SERVICE_RECORDS_PER_AGREEMENT,
    SURNAMES,
)


def agreement_shares(departments: list[Department]) -> np.ndarray:
    """Each department's share of the agreements, in the order given."""
    weights = np.array([DEPARTMENT_WEIGHTS.get(d.code, OTHER_DEPARTMENT_WEIGHT) for d in departments])
    return weights / weights.sum()


def new_enterprise_preference(departments: list[Department]) -> np.ndarray:
    """How much more (or less) likely each department is to pick a new enterprise, in the order given."""
    return np.array([DEPARTMENT_NEW_PREFERENCE.get(d.code, 1.0) for d in departments])


def agreements_for_chunk(act: ActivityContext, chunk: int, size: int, ents: dict) -> list[dict]:
    """Unsaved agreements (with their service records) of the chunk's enterprises, for both years."""
    rng = rng_for(act.base.seed, "assistance", chunk)
    n, most = CHUNK, SERVICE_RECORDS_PER_AGREEMENT[1]
    measures = np.array([code for code in Measure.values if code != Measure.OTHER], dtype=object)
    kinds = ServiceRecord.Kind.values
    plans = []
    for year in act.years:
        draw = {
            "select": rng.random(n),
            "department": rng.random(n),
            "signed": rng.random(n),
            "measure_count": rng.integers(1, 4, n),
            "measure_order": rng.random((n, len(measures))).argsort(axis=1),
            "other": rng.random(n) < 0.05,
            "status": rng.random(n),
            "surname": rng.integers(len(SURNAMES), size=n),
            "given": rng.integers(len(GIVEN_CHARS), size=(n, 2)),
            "records": rng.integers(SERVICE_RECORDS_PER_AGREEMENT[0], most + 1, n),
            "record_day": np.sort(rng.random((n, most)), axis=1),
            "record_kind": rng.integers(len(kinds), size=(n, most)),
            "issue": rng.random((n, most)) < 0.55,
            "issue_text": rng.integers(len(ISSUES), size=(n, most)),
            "resolved": rng.random((n, most)) < 0.65,
            "resolve_after": rng.integers(2, 40, (n, most)),
            "resolution_text": rng.integers(len(RESOLUTIONS), size=(n, most)),
            "feedback": rng.random((n, most)) < 0.4,
            "feedback_text": rng.integers(len(FEEDBACK), size=(n, most)),
        }
        d = {key: values[:size] for key, values in draw.items()}
        last = act.last_day(year)
        candidate = ents["operating"] & (ents["established"] <= np.datetime64(last - dt.timedelta(days=10)))
        for i in np.flatnonzero(candidate & (d["select"] < AGREEMENT_RATE)):
            enterprise = ents["objects"][i]
            new = is_new_enterprise(
                established_on=enterprise.established_on,
                introduced_on=enterprise.introduced_on,
                origin=enterprise.origin,
                agreement_year=year,
                window_years=act.window_years[year],
            )
            weights = act.department_weights * (act.department_new_preference if new else 1.0)
            pick = int(np.searchsorted(np.cumsum(weights) / weights.sum(), d["department"][i], side="right"))
            first = max(dt.date(year, 1, 1), enterprise.established_on + dt.timedelta(days=1))
            signed_on = first + dt.timedelta(days=int(d["signed"][i] * (last - first).days))
            chosen = list(measures[d["measure_order"][i][: d["measure_count"][i]]])
            if d["other"][i]:
                chosen.append(Measure.OTHER.value)
            u = d["status"][i]
            Status = AssistanceAgreement.Status
            if year == act.years[1]:
                status = Status.ACTIVE if u < 0.85 else Status.COMPLETED if u < 0.95 else Status.TERMINATED
            else:
                status = Status.COMPLETED if u < 0.85 else Status.TERMINATED if u < 0.9 else Status.ACTIVE
            agreement = AssistanceAgreement(
                department_id=int(act.department_ids[min(pick, len(act.department_ids) - 1)]),
                enterprise=enterprise,
                managing_district_id=enterprise.managing_district_id,
                year=year,
                signed_on=signed_on,
                measures=chosen,
                goals="；".join(MEASURE_GOALS[code] for code in chosen),
                responsible_officer=SURNAMES[d["surname"][i]] + "".join(GIVEN_CHARS[c] for c in d["given"][i]),
                status=status,
                counts_as_new=new,
                created_at=at(signed_on, 11),
                updated_at=act.base.now,
            )
            records = []
            span = (last - signed_on).days
            for r in range(int(d["records"][i])):
                day = signed_on + dt.timedelta(days=int(d["record_day"][i][r] * span))
                issue = bool(d["issue"][i][r])
                resolved_on = None
                if issue and d["resolved"][i][r]:
                    resolved_on = min(day + dt.timedelta(days=int(d["resolve_after"][i][r])), last)
                feedback = bool(d["feedback"][i][r]) and (resolved_on is not None or not issue)
                records.append(
                    ServiceRecord(
                        date=day,
                        kind=kinds[d["record_kind"][i][r]],
                        issues_raised=ISSUES[d["issue_text"][i][r]] if issue else "",
                        resolution=RESOLUTIONS[d["resolution_text"][i][r]] if resolved_on else "",
                        resolved_on=resolved_on,
                        enterprise_feedback=FEEDBACK[d["feedback_text"][i][r]] if feedback else "",
                        feedback_at=at(resolved_on or day, 16) if feedback else None,
                        created_at=at(day, 17),
                        updated_at=at(resolved_on or day, 17),
                    )
                )
            plans.append({"agreement": agreement, "records": records})
    return plans


def _agreement_key(agreement: AssistanceAgreement) -> tuple[int, int, int]:
    return agreement.department_id, agreement.enterprise_id, agreement.year


def seed_agreements_chunk(act: ActivityContext, plans: list[dict], ids: dict[str, int], counts: dict) -> None:
    """Insert the chunk's missing agreements (not archived) and the service records of the new ones."""
    plans = [p for p in plans if p["agreement"].enterprise.credit_code in ids]
    for plan in plans:
        enterprise = plan["agreement"].enterprise
        enterprise.pk = ids[enterprise.credit_code]
        plan["agreement"].enterprise = enterprise
    enterprise_ids = {p["agreement"].enterprise_id for p in plans}
    if not enterprise_ids:
        return
    current = AssistanceAgreement.objects.filter(enterprise_id__in=enterprise_ids, year__in=act.years, archived=False)
    existing = set(current.values_list("department_id", "enterprise_id", "year"))
    plans = [p for p in plans if _agreement_key(p["agreement"]) not in existing]
    if not plans:
        return
    insert_rows(AssistanceAgreement, [p["agreement"] for p in plans])
    saved = {
        (department, enterprise, year): pk
        for pk, department, enterprise, year in current.values_list("id", "department_id", "enterprise_id", "year")
    }
    records = []
    for plan in plans:
        for record in plan["records"]:
            record.agreement_id = saved[_agreement_key(plan["agreement"])]
            records.append(record)
    insert_rows(ServiceRecord, records)
    counts["agreements"] += len(plans)
    counts["service_records"] += len(records)
