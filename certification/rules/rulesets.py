"""The national evaluation rules as data (RULES.md §1-§2): rule sets by first evaluation year, the engine's
input and output types, and the reason and gap codes. Pure: no Django imports.

User-facing messages are Simplified Chinese templates marked with ``_`` (a no-op marker, so
``makemessages`` extracts them); the Django layer translates them at run time through the ``gettext``
callable it passes to :func:`certification.rules.engine.evaluate`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Path = Literal["score", "direct"]


CENT = Decimal("0.01")


HUNDRED = Decimal(100)


DIRECT_PATHS: tuple[str, ...] = (
    "high_tech_certificate",
    "national_award_top3",
    "provincial_rd_institution",
    "led_standard",
)


# Reason codes (RULES.md §1). Conditions (一)–(四) cannot be fixed by the score levers.
NOT_RESIDENT = "not_resident"


TAX_COLLECTION_NOT_AUDITED = "tax_collection_not_audited"


STAFF_OVER_CAP = "staff_over_cap"


REVENUE_OVER_CAP = "revenue_over_cap"


ASSETS_OVER_CAP = "assets_over_cap"


RESTRICTED_INDUSTRY = "restricted_industry"


COMPLIANCE_VIOLATION = "compliance_violation"


SCORE_BELOW_60 = "score_below_60"


TECH_STAFF_SCORE_ZERO = "tech_staff_score_zero"


BASIC_CONDITION_CODES = frozenset(
    {
        NOT_RESIDENT,
        TAX_COLLECTION_NOT_AUDITED,
        STAFF_OVER_CAP,
        REVENUE_OVER_CAP,
        ASSETS_OVER_CAP,
        RESTRICTED_INDUSTRY,
        COMPLIANCE_VIOLATION,
    }
)


# Gap codes. The lever codes name the declaration field the suggestion changes; ``amount`` is the
# increase of that field (people, 万元 or items). The two notes carry no amount.
GAP_TECH_STAFF = "tech_staff"


GAP_RD_EXPENSE = "rd_expense"


GAP_CLASS1_IP = "class1_ip"


GAP_CLASS2_IP = "class2_ip"


GAP_LEVERS = frozenset({GAP_TECH_STAFF, GAP_RD_EXPENSE, GAP_CLASS1_IP, GAP_CLASS2_IP})


GAP_BASIC_CONDITIONS = "basic_conditions_unmet"


GAP_NO_SINGLE_CHANGE = "no_single_change"


def _(message: str) -> str:
    """Marks a message for extraction; translation happens through ``evaluate(gettext=...)``."""
    return message


def no_translation(message: str) -> str:
    return message


Bands = tuple[tuple[Decimal, int], ...]  # (lower bound in percent, points), highest first


@dataclass(frozen=True)
class RuleSet:
    first_year: int
    staff_cap: Decimal
    revenue_cap: Decimal  # 万元
    assets_cap: Decimal  # 万元
    tech_staff_bands: Bands
    rd_by_sales_bands: Bands
    rd_by_costs_bands: Bands
    class1_ip_points: int
    class2_ip_points: tuple[int, ...]  # points by number of class II items; the last entry caps
    pass_score: int


def _bands(*pairs: tuple[str, int]) -> Bands:
    return tuple((Decimal(pct), points) for pct, points in pairs)


# 《科技型中小企业评价办法》（国科发政〔2017〕115号）; the table is unchanged in 国科火字〔2022〕67号.
RULESET_2017 = RuleSet(
    first_year=2017,
    staff_cap=Decimal(500),
    revenue_cap=Decimal(20000),
    assets_cap=Decimal(20000),
    tech_staff_bands=_bands(("30", 20), ("25", 16), ("20", 12), ("15", 8), ("10", 4)),
    rd_by_sales_bands=_bands(("6", 50), ("5", 40), ("4", 30), ("3", 20), ("2", 10)),
    rd_by_costs_bands=_bands(("30", 50), ("25", 40), ("20", 30), ("15", 20), ("10", 10)),
    class1_ip_points=30,
    class2_ip_points=(0, 6, 12, 18, 24),
    pass_score=60,
)


RULESETS: dict[int, RuleSet] = {RULESET_2017.first_year: RULESET_2017}


def ruleset_for(year: int) -> RuleSet:
    """The latest rule set whose first year is not after ``year`` (the earliest one before 2017)."""
    eligible_years = [first for first in RULESETS if first <= year]
    return RULESETS[max(eligible_years) if eligible_years else min(RULESETS)]


@dataclass(frozen=True)
class Declaration:
    """What an enterprise declares. Money in 万元; staff are annual quarterly averages."""

    evaluation_year: int
    total_staff: Decimal
    tech_staff: Decimal
    sales_revenue: Decimal
    total_costs: Decimal
    rd_expense: Decimal
    total_assets: Decimal
    class1_ip: int = 0
    class2_ip: int = 0
    resident_enterprise: bool = True
    audited_tax_collection: bool = True
    restricted_industry: bool = False
    compliance_violation: bool = False
    direct_paths: frozenset[str] = frozenset()

    def __post_init__(self):
        for name in ("total_staff", "tech_staff", "sales_revenue", "total_costs", "rd_expense", "total_assets"):
            value = Decimal(getattr(self, name))
            if not value.is_finite() or value < 0:
                raise ValueError(f"{name} must be a finite non-negative number")
            object.__setattr__(self, name, value)
        if self.class1_ip < 0 or self.class2_ip < 0:
            raise ValueError("IP counts must be non-negative")
        object.__setattr__(self, "direct_paths", frozenset(self.direct_paths))
        unknown = self.direct_paths - set(DIRECT_PATHS)
        if unknown:
            raise ValueError(f"unknown direct paths: {sorted(unknown)}")


@dataclass(frozen=True)
class Scores:
    tech_staff: int
    rd: int
    rd_by_sales: int
    rd_by_costs: int
    ip: int

    @property
    def total(self) -> int:
        return self.tech_staff + self.rd + self.ip


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class Gap:
    code: str
    message: str
    amount: Decimal | None = None  # the increase of the field named by ``code``; None for notes


@dataclass(frozen=True)
class Evaluation:
    eligible: bool
    path: Path | None
    total_score: int
    scores: Scores
    reasons: list[Reason] = field(default_factory=list)
    gap: list[Gap] = field(default_factory=list)

    @property
    def reason_codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]
