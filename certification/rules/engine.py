"""The evaluation engine (RULES.md §1-§2): points per indicator, every failed condition, and the single
changes that would make an enterprise eligible. Pure: no Django imports.

Everything is ``Decimal`` with cross-multiplication (``num * 100 >= pct * den``), so a band boundary
such as exactly 10.00% is never lost to float rounding."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal

from .rulesets import (
    ASSETS_OVER_CAP,
    BASIC_CONDITION_CODES,
    CENT,
    COMPLIANCE_VIOLATION,
    GAP_BASIC_CONDITIONS,
    GAP_CLASS1_IP,
    GAP_CLASS2_IP,
    GAP_LEVERS,
    GAP_NO_SINGLE_CHANGE,
    GAP_RD_EXPENSE,
    GAP_TECH_STAFF,
    HUNDRED,
    NOT_RESIDENT,
    RESTRICTED_INDUSTRY,
    REVENUE_OVER_CAP,
    RULESET_2017,
    SCORE_BELOW_60,
    STAFF_OVER_CAP,
    TAX_COLLECTION_NOT_AUDITED,
    TECH_STAFF_SCORE_ZERO,
    Bands,
    Declaration,
    Evaluation,
    Gap,
    Path,
    Reason,
    RuleSet,
    Scores,
    _,
    no_translation,
    ruleset_for,
)


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


def evaluate(declaration: Declaration, *, gettext: Callable[[str], str] = no_translation) -> Evaluation:
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
