"""The national evaluation rules for tech-based SMEs (科技型中小企业), as a pure module.

No Django imports: the engine takes a :class:`Declaration` and returns an :class:`Evaluation`.
Everything is ``Decimal`` with cross-multiplication (``num * 100 >= pct * den``), so a band
boundary such as exactly 10.00% is never lost to float rounding. The band tables and caps live in
a :class:`RuleSet` keyed by the first evaluation year it applies to (:data:`RULESETS`), so a later
year's change is added as a new entry and never rewrites the result of an earlier year.

User-facing messages are Simplified Chinese templates marked with ``_`` (a no-op marker here, so
``makemessages`` extracts them); :func:`evaluate` takes a ``gettext`` callable that the Django
layer passes in to translate them at run time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
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


def _identity(message: str) -> str:
    return message


# --- Rule sets --------------------------------------------------------------------------------

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


# --- Input and output ---------------------------------------------------------------------------


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


# --- Indicator points ---------------------------------------------------------------------------


def band_points(numerator: Decimal, denominator: Decimal, bands: Bands) -> int:
    """Points of the first band whose lower bound (in percent, inclusive) the ratio reaches."""
    if denominator <= 0:
        return 0
    for lower_pct, points in bands:
        if numerator * HUNDRED >= lower_pct * denominator:
            return points
    return 0


def tech_staff_points(tech_staff: Decimal, total_staff: Decimal, ruleset: RuleSet = RULESET_2017) -> int:
    return band_points(Decimal(tech_staff), Decimal(total_staff), ruleset.tech_staff_bands)


def rd_by_sales_points(rd_expense: Decimal, sales_revenue: Decimal, ruleset: RuleSet = RULESET_2017) -> int:
    return band_points(Decimal(rd_expense), Decimal(sales_revenue), ruleset.rd_by_sales_bands)


def rd_by_costs_points(rd_expense: Decimal, total_costs: Decimal, ruleset: RuleSet = RULESET_2017) -> int:
    return band_points(Decimal(rd_expense), Decimal(total_costs), ruleset.rd_by_costs_bands)


def ip_points(class1_ip: int, class2_ip: int, ruleset: RuleSet = RULESET_2017) -> int:
    """Class I and class II do not add up: any class I item scores the class I points."""
    if class1_ip >= 1:
        return ruleset.class1_ip_points
    table = ruleset.class2_ip_points
    return table[min(max(class2_ip, 0), len(table) - 1)]


def score(declaration: Declaration, ruleset: RuleSet | None = None) -> Scores:
    rs = ruleset or ruleset_for(declaration.evaluation_year)
    by_sales = rd_by_sales_points(declaration.rd_expense, declaration.sales_revenue, rs)
    by_costs = rd_by_costs_points(declaration.rd_expense, declaration.total_costs, rs)
    return Scores(
        tech_staff=tech_staff_points(declaration.tech_staff, declaration.total_staff, rs),
        rd=max(by_sales, by_costs),
        rd_by_sales=by_sales,
        rd_by_costs=by_costs,
        ip=ip_points(declaration.class1_ip, declaration.class2_ip, rs),
    )


# --- Evaluation ---------------------------------------------------------------------------------

ARTICLE_6 = _("《科技型中小企业评价办法》第六条")


def _fmt(value: Decimal) -> str:
    """A number for a message: whole numbers without decimals, others as written."""
    value = Decimal(value)
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value.normalize())


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT, rounding=ROUND_CEILING))


def _basic_reasons(d: Declaration, rs: RuleSet, t: Callable[[str], str]) -> list[Reason]:
    reasons: list[Reason] = []
    if not d.resident_enterprise:
        reasons.append(
            Reason(
                NOT_RESIDENT,
                t(_("{article}（一）：须为在中国境内（不含港、澳、台地区）注册的居民企业")).format(
                    article=t(ARTICLE_6)
                ),
            )
        )
    if not d.audited_tax_collection:
        reasons.append(
            Reason(
                TAX_COLLECTION_NOT_AUDITED,
                t(_("{article}（一）：须财务核算健全、实行查账征收（核定征收的企业不符合条件）")).format(
                    article=t(ARTICLE_6)
                ),
            )
        )
    if d.total_staff > rs.staff_cap:
        reasons.append(
            Reason(
                STAFF_OVER_CAP,
                t(_("{article}（二）：职工总数不超过{cap}人（申报{value}人）")).format(
                    article=t(ARTICLE_6), cap=_fmt(rs.staff_cap), value=_fmt(d.total_staff)
                ),
            )
        )
    if d.sales_revenue > rs.revenue_cap:
        reasons.append(
            Reason(
                REVENUE_OVER_CAP,
                t(_("{article}（二）：年销售收入不超过{cap}万元（申报{value}万元）")).format(
                    article=t(ARTICLE_6), cap=_fmt(rs.revenue_cap), value=_fmt(d.sales_revenue)
                ),
            )
        )
    if d.total_assets > rs.assets_cap:
        reasons.append(
            Reason(
                ASSETS_OVER_CAP,
                t(_("{article}（二）：资产总额不超过{cap}万元（申报{value}万元）")).format(
                    article=t(ARTICLE_6), cap=_fmt(rs.assets_cap), value=_fmt(d.total_assets)
                ),
            )
        )
    if d.restricted_industry:
        reasons.append(
            Reason(
                RESTRICTED_INDUSTRY,
                t(
                    _(
                        "{article}（三）：企业提供的产品和服务不得属于国家规定的禁止、限制和淘汰类，"
                        "且不属于研发费用加计扣除负面清单行业"
                    )
                ).format(article=t(ARTICLE_6)),
            )
        )
    if d.compliance_violation:
        reasons.append(
            Reason(
                COMPLIANCE_VIOLATION,
                t(
                    _(
                        "{article}（四）：上一会计年度至当年未发生重大安全、重大质量事故或严重环境违法、"
                        "严重失信、科研严重失信行为，且未列入经营异常名录和严重违法失信名单"
                    )
                ).format(article=t(ARTICLE_6)),
            )
        )
    return reasons


def _score_reasons(scores: Scores, rs: RuleSet, t: Callable[[str], str]) -> list[Reason]:
    reasons: list[Reason] = []
    if scores.total < rs.pass_score:
        reasons.append(
            Reason(
                SCORE_BELOW_60,
                t(_("{article}（五）：综合评价得分须不低于{pass_score}分（当前{score}分）")).format(
                    article=t(ARTICLE_6), pass_score=rs.pass_score, score=scores.total
                ),
            )
        )
    if scores.tech_staff == 0:
        lowest = min(pct for pct, _points in rs.tech_staff_bands)
        reasons.append(
            Reason(
                TECH_STAFF_SCORE_ZERO,
                t(_("{article}（五）：科技人员指标得分不得为0分（科技人员占职工总数的比例须达到{pct}%）")).format(
                    article=t(ARTICLE_6), pct=_fmt(lowest)
                ),
            )
        )
    return reasons


def _assess(d: Declaration, rs: RuleSet, t: Callable[[str], str]) -> Evaluation:
    scores = score(d, rs)
    reasons = _basic_reasons(d, rs, t)
    basic_ok = not reasons
    by_score = scores.total >= rs.pass_score and scores.tech_staff > 0
    path: Path | None = None
    if d.direct_paths:
        path = "direct" if basic_ok else None
    else:
        reasons += _score_reasons(scores, rs, t)
        path = "score" if basic_ok and by_score else None
    return Evaluation(eligible=path is not None, path=path, total_score=scores.total, scores=scores, reasons=reasons)


def _ceil_int(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def _tech_staff_gap(d: Declaration, rs: RuleSet, t: Callable[[str], str]) -> Gap | None:
    """Whole extra tech staff (total staff unchanged) reaching the lowest band that suffices."""
    if d.total_staff <= 0:
        return None
    for lower_pct, _points in sorted(rs.tech_staff_bands):
        needed = lower_pct * d.total_staff / HUNDRED
        extra = _ceil_int(needed - d.tech_staff)
        if extra <= 0 or d.tech_staff + extra > d.total_staff:
            continue
        if _assess(dataclasses.replace(d, tech_staff=d.tech_staff + extra), rs, t).eligible:
            return Gap(
                GAP_TECH_STAFF,
                t(_("再增加{n}名科技人员（职工总数不变，科技人员达到{target}人）")).format(
                    n=extra, target=_fmt(d.tech_staff + extra)
                ),
                Decimal(extra),
            )
    return None


def _rd_gap(d: Declaration, rs: RuleSet, t: Callable[[str], str]) -> Gap | None:
    """The least R&D expense (to the cent) at a band boundary of either ratio that suffices."""
    candidates: set[Decimal] = set()
    for denominator, bands in ((d.sales_revenue, rs.rd_by_sales_bands), (d.total_costs, rs.rd_by_costs_bands)):
        if denominator > 0:
            for lower_pct, _points in bands:
                candidates.add((lower_pct * denominator / HUNDRED).quantize(CENT, rounding=ROUND_CEILING))
    for target in sorted(c for c in candidates if c > d.rd_expense):
        if _assess(dataclasses.replace(d, rd_expense=target), rs, t).eligible:
            return Gap(
                GAP_RD_EXPENSE,
                t(_("研发费用至少{target}万元（再增加{n}万元）")).format(
                    target=_money(target), n=_money(target - d.rd_expense)
                ),
                target - d.rd_expense,
            )
    return None


def _class2_gap(d: Declaration, rs: RuleSet, t: Callable[[str], str]) -> Gap | None:
    if d.class1_ip >= 1:
        return None
    for count in range(d.class2_ip + 1, len(rs.class2_ip_points)):
        if _assess(dataclasses.replace(d, class2_ip=count), rs, t).eligible:
            extra = count - d.class2_ip
            return Gap(GAP_CLASS2_IP, t(_("再增加{n}项II类知识产权")).format(n=extra), Decimal(extra))
    return None


def _class1_gap(d: Declaration, rs: RuleSet, t: Callable[[str], str]) -> Gap | None:
    if d.class1_ip >= 1:
        return None
    if _assess(dataclasses.replace(d, class1_ip=1), rs, t).eligible:
        return Gap(GAP_CLASS1_IP, t(_("再增加{n}项I类知识产权")).format(n=1), Decimal(1))
    return None


def _gap(d: Declaration, result: Evaluation, rs: RuleSet, t: Callable[[str], str]) -> list[Gap]:
    if result.eligible:
        return []
    if any(reason.code in BASIC_CONDITION_CODES for reason in result.reasons):
        return [
            Gap(
                GAP_BASIC_CONDITIONS,
                t(_("不满足{article}（一）至（四）项条件，无法通过提高评价指标得分弥补")).format(article=t(ARTICLE_6)),
            )
        ]
    levers = [_tech_staff_gap(d, rs, t), _rd_gap(d, rs, t), _class2_gap(d, rs, t), _class1_gap(d, rs, t)]
    gaps = [gap for gap in levers if gap is not None]
    if not gaps:
        gaps.append(Gap(GAP_NO_SINGLE_CHANGE, t(_("单独调整任何一项指标都不足以达到评价要求，需同时提高多项指标"))))
    return gaps


def evaluate(declaration: Declaration, *, gettext: Callable[[str], str] = _identity) -> Evaluation:
    """Eligibility, path, scores, every failed condition and the single changes that would suffice."""
    rs = ruleset_for(declaration.evaluation_year)
    result = _assess(declaration, rs, gettext)
    return dataclasses.replace(result, gap=_gap(declaration, result, rs, gettext))


def apply_gap(declaration: Declaration, gap: Gap) -> Declaration:
    """The declaration after one suggested change (for previews and tests)."""
    if gap.code not in GAP_LEVERS or gap.amount is None:
        raise ValueError(f"{gap.code} is not a change that can be applied")
    field_name = gap.code
    current = getattr(declaration, field_name)
    new = current + (int(gap.amount) if isinstance(current, int) else gap.amount)
    return dataclasses.replace(declaration, **{field_name: new})


# --- Helpers for the national information form --------------------------------------------------


def annual_average_staff(quarters: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """Annual quarterly average: each quarter (start + end) / 2, the four summed and divided by 4."""
    if len(quarters) != 4:
        raise ValueError("exactly four (start, end) quarter pairs are required")
    total = sum(((Decimal(start) + Decimal(end)) / 2 for start, end in quarters), Decimal(0))
    return total / 4


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal(0))


def sales_revenue(main_business: Decimal, other_business: Decimal) -> Decimal:
    """销售收入 = 主营业务收入 + 其他业务收入."""
    return _sum((main_business, other_business))


def total_costs(
    main_business_cost: Decimal,
    other_business_cost: Decimal,
    taxes_and_surcharges: Decimal,
    selling_expenses: Decimal,
    administrative_expenses: Decimal,
    financial_expenses: Decimal,
) -> Decimal:
    """成本费用支出总额 = 主营业务成本 + 其他业务成本 + 税金及附加 + 销售费用 + 管理费用 + 财务费用."""
    return _sum(
        (
            main_business_cost,
            other_business_cost,
            taxes_and_surcharges,
            selling_expenses,
            administrative_expenses,
            financial_expenses,
        )
    )
