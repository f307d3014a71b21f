"""The cultivation pool (培育库): how close a candidate is to eligibility, and restricted industries.

Pure logic on top of :mod:`certification.rules`; no ORM here (the database side of the ordering
is in :mod:`certification.pool_selectors`, which must agree with :func:`distance_of`).

Distance (a whole number, smaller is closer; ``None`` when there is no data, sorted last):

- ``0``: eligible (by score or by a direct-confirmation path).
- ``1`` to ``pass_score`` (1–60): eligible once the basic conditions (一)–(四) hold, but the score
  path fails. The distance is the points still missing::

      max(pass_score − total_score, lowest tech-staff band points if the tech-staff score is 0)

  (a tech-staff score of 0 fails on its own, and reaching the lowest band adds its points to the
  total, so both shortfalls are covered by the larger one). Never 0 when not eligible.
- ``BASIC_CONDITIONS_DISTANCE + points missing`` (100–160): a basic condition (一)–(四) fails
  (e.g. a restricted industry or over a size cap); no score lever can fix it, so these rank after
  every candidate the score levers can bring over the line, and among themselves by score."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from certification import rules

BASIC_CONDITIONS_DISTANCE = 100


SOURCE_FILING = "filing"


SOURCE_ESTIMATE = "estimate"


SOURCE_NONE = "none"


class Closeness(NamedTuple):
    eligible: bool
    total_score: int | None
    distance: int | None  # None: no data
    gap: list[rules.Gap]


NO_DATA = Closeness(eligible=False, total_score=None, distance=None, gap=[])


def points_short(total_score: int, tech_staff_score: int, ruleset: rules.RuleSet) -> int:
    """Points missing to pass by score: see the module docstring."""
    lowest_tech_points = min(points for _pct, points in ruleset.tech_staff_bands)
    return max(ruleset.pass_score - total_score, lowest_tech_points if tech_staff_score == 0 else 0, 0)


def distance_of(evaluation: rules.Evaluation, ruleset: rules.RuleSet) -> int:
    if evaluation.eligible:
        return 0
    short = points_short(evaluation.total_score, evaluation.scores.tech_staff, ruleset)
    if any(code in rules.BASIC_CONDITION_CODES for code in evaluation.reason_codes):
        return BASIC_CONDITIONS_DISTANCE + short
    return max(short, 1)


def closeness(
    declaration: rules.Declaration | None, *, gettext: Callable[[str], str] = rules.no_translation
) -> Closeness:
    """(eligible, total_score, distance, gap list) of a declaration; :data:`NO_DATA` for None."""
    if declaration is None:
        return NO_DATA
    evaluation = rules.evaluate(declaration, gettext=gettext)
    ruleset = rules.ruleset_for(declaration.evaluation_year)
    return Closeness(evaluation.eligible, evaluation.total_score, distance_of(evaluation, ruleset), evaluation.gap)


def sort_key(item: Closeness) -> tuple:
    """Eligible first, then the smallest distance; no data last (for lists built in Python)."""
    return (not item.eligible, item.distance is None, item.distance or 0)


def declaration_from_snapshot(declared: Mapping | None) -> rules.Declaration | None:
    """The engine input from a filing snapshot's ``declaration`` part; None when it is incomplete."""
    if not isinstance(declared, Mapping):
        return None
    try:
        return rules.Declaration(
            evaluation_year=int(declared["evaluation_year"]),
            total_staff=Decimal(str(declared["total_staff"])),
            tech_staff=Decimal(str(declared["tech_staff"])),
            sales_revenue=Decimal(str(declared["sales_revenue"])),
            total_costs=Decimal(str(declared["total_costs"])),
            rd_expense=Decimal(str(declared["rd_expense"])),
            total_assets=Decimal(str(declared["total_assets"])),
            class1_ip=int(declared.get("class1_ip", 0)),
            class2_ip=int(declared.get("class2_ip", 0)),
            resident_enterprise=bool(declared.get("resident_enterprise", True)),
            audited_tax_collection=bool(declared.get("audited_tax_collection", True)),
            restricted_industry=bool(declared.get("restricted_industry", False)),
            compliance_violation=bool(declared.get("compliance_violation", False)),
            direct_paths=frozenset(declared.get("direct_paths") or ()),
        )
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return None
