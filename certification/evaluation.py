"""The engine applied to a filing: its evaluation on a date and the snapshot frozen at submission."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils.translation import gettext

from certification import rules
from certification.models import (
    DECLARED_COUNT_FIELDS,
    DECLARED_FLAG_FIELDS,
    DECLARED_NUMBER_FIELDS,
    EVIDENCE_FIELDS,
    FINANCE_COMPONENT_FIELDS,
    Application,
)
from enterprises.models import District


def _evaluation_dict(evaluation: rules.Evaluation) -> dict:
    return {
        "eligible": evaluation.eligible,
        "path": evaluation.path,
        "total_score": evaluation.total_score,
        "scores": {
            "tech_staff": evaluation.scores.tech_staff,
            "rd": evaluation.scores.rd,
            "rd_by_sales": evaluation.scores.rd_by_sales,
            "rd_by_costs": evaluation.scores.rd_by_costs,
            "ip": evaluation.scores.ip,
        },
        "reasons": [{"code": r.code, "message": r.message} for r in evaluation.reasons],
        "gap": [
            {"code": g.code, "message": g.message, "amount": None if g.amount is None else str(g.amount)}
            for g in evaluation.gap
        ],
    }


def _declared_dict(application: Application) -> dict:
    data: dict = {"evaluation_year": application.evaluation_year}
    data.update({name: str(getattr(application, name)) for name in DECLARED_NUMBER_FIELDS})
    data.update({name: getattr(application, name) for name in DECLARED_COUNT_FIELDS})
    data.update({name: getattr(application, name) for name in DECLARED_FLAG_FIELDS})
    data["direct_paths"] = sorted(application.direct_paths or [])
    return data


DIRECT_PATH_EVIDENCE = "direct_path_evidence"


def evaluate_application(application: Application, *, on: dt.date) -> rules.Evaluation:
    """The engine's result for the declared data on the evaluation date ``on``.

    A claimed direct path whose evidence fails on that date (e.g. an expired high-tech certificate)
    is not counted; the reasons then start with one ``direct_path_evidence`` message per such path.
    """
    evaluation = rules.evaluate(application.declaration(on=on), gettext=gettext)
    problems = application.direct_path_problems(on=on)
    if not problems:
        return evaluation
    notes = [rules.Reason(DIRECT_PATH_EVIDENCE, message) for message in problems.values()]
    return dataclasses.replace(evaluation, reasons=[*notes, *evaluation.reasons])


def _details_dict(application: Application) -> dict:
    """Components, quarters, evidence, IP items, R&D projects and the attachment list, for the snapshot."""
    data = {name: getattr(application, name) for name in (*FINANCE_COMPONENT_FIELDS, *EVIDENCE_FIELDS)}
    data["staff_quarters"] = list(application.staff_quarters or [])
    if application.pk is None:  # not saved yet (bulk seeding): it has no items, projects or attachments
        return {**data, "ip_items": [], "rd_projects": [], "attachments": []}
    data["ip_items"] = list(
        application.ip_items.order_by("id").values(
            "id",
            "kind",
            "number",
            "title",
            "granted_on",
            "in_force",
            "related_to_main_products",
            "held_by_enterprise",
            "disputed",
        )
    )
    data["rd_projects"] = list(
        application.rd_projects.order_by("id").values(
            "id", "name", "started_on", "ended_on", "budget", "expense_last_year"
        )
    )
    data["attachments"] = list(
        application.attachments.order_by("id").values("id", "kind", "original_name", "size", "uploaded_at")
    )
    return data


def application_snapshot(
    application: Application, *, evaluation: rules.Evaluation, district: District, today: dt.date
) -> dict:
    """The data frozen at submission: declaration, engine result, district, enterprise, details.

    ``first_time_applicant`` must already be set. Used by ``_evaluate_and_freeze`` and by the demo
    seeding (demo.histories), which builds snapshots of unsaved filings in bulk.
    """
    return {
        "declaration": _declared_dict(application),
        "evaluation": _evaluation_dict(evaluation),
        "ruleset_year": rules.ruleset_for(application.evaluation_year).first_year,
        "first_time_applicant": application.first_time_applicant,
        "evaluating_district": {"id": district.pk, "code": district.code, "name": district.name},
        "enterprise": {
            "credit_code": application.enterprise.credit_code,
            "name": application.enterprise.name,
            "established_on": application.enterprise.established_on.isoformat(),
        },
        "frozen_on": today.isoformat(),
        "details": _details_dict(application),
    }
