"""The pure evaluation engine: every band boundary from both sides, the conditions, the worked
examples of RULES.md §2, the gap analysis and its properties."""

import dataclasses
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certification import rules
from certification.rules import Declaration, evaluate


def declaration(**overrides) -> Declaration:
    """The worked example of RULES.md §2 with R&D 48 万元 (76 points, eligible)."""
    values = {
        "evaluation_year": 2025,
        "total_staff": D("40"),
        "tech_staff": D("6"),
        "sales_revenue": D("800.00"),
        "total_costs": D("700.00"),
        "rd_expense": D("48.00"),
        "total_assets": D("1500.00"),
        "class1_ip": 0,
        "class2_ip": 3,
    }
    values.update(overrides)
    return Declaration(**values)


# --- Bands, both sides of every boundary -------------------------------------------------------


@pytest.mark.parametrize(
    ("tech", "total", "points"),
    [
        ("10", "10", 20),
        ("3.00", "10", 20),
        ("2.99", "10", 16),
        ("2.50", "10", 16),
        ("2.49", "10", 12),
        ("2.00", "10", 12),
        ("1.99", "10", 8),
        ("1.50", "10", 8),
        ("1.49", "10", 4),
        ("1.00", "10", 4),
        ("0.99", "10", 0),
        ("0", "10", 0),
        ("0.33", "3.30", 4),  # exactly 10% where a float ratio is not exact
        ("0.99", "3.30", 20),  # exactly 30%
        ("6", "40", 8),
        ("0", "0", 0),  # zero denominator
    ],
)
def test_tech_staff_band_boundaries(tech, total, points):
    assert rules.tech_staff_points(D(tech), D(total)) == points


@pytest.mark.parametrize(
    ("rd", "sales", "points"),
    [
        ("100", "100", 50),
        ("6.00", "100", 50),
        ("5.99", "100", 40),
        ("5.00", "100", 40),
        ("4.99", "100", 30),
        ("4.00", "100", 30),
        ("3.99", "100", 20),
        ("3.00", "100", 20),
        ("2.99", "100", 10),
        ("2.00", "100", 10),
        ("1.99", "100", 0),
        ("0", "100", 0),
        ("32.00", "800.00", 30),
        ("48.00", "800.00", 50),
        ("47.99", "800.00", 40),
        ("5", "0", 0),  # zero denominator
        ("0", "0", 0),
    ],
)
def test_rd_by_sales_band_boundaries(rd, sales, points):
    assert rules.rd_by_sales_points(D(rd), D(sales)) == points


@pytest.mark.parametrize(
    ("rd", "costs", "points"),
    [
        ("30.00", "100", 50),
        ("29.99", "100", 40),
        ("25.00", "100", 40),
        ("24.99", "100", 30),
        ("20.00", "100", 30),
        ("19.99", "100", 20),
        ("15.00", "100", 20),
        ("14.99", "100", 10),
        ("10.00", "100", 10),
        ("9.99", "100", 0),
        ("0", "100", 0),
        ("70.00", "700.00", 10),
        ("69.99", "700.00", 0),
        ("5", "0", 0),  # zero denominator
    ],
)
def test_rd_by_costs_band_boundaries(rd, costs, points):
    assert rules.rd_by_costs_points(D(rd), D(costs)) == points


@pytest.mark.parametrize(
    ("class1", "class2", "points"),
    [
        (1, 0, 30),
        (3, 9, 30),  # class I and class II do not add up
        (0, 0, 0),
        (0, 1, 6),
        (0, 2, 12),
        (0, 3, 18),
        (0, 4, 24),
        (0, 5, 24),
        (0, 1000, 24),
    ],
)
def test_ip_points(class1, class2, points):
    assert rules.ip_points(class1, class2) == points


def test_rd_indicator_is_the_higher_of_the_two_ratios_and_both_are_shown():
    # 20% of costs (30 points) beats 1% of sales (0 points).
    scores = rules.score(declaration(sales_revenue=D("2000"), total_costs=D("100"), rd_expense=D("20")))
    assert (scores.rd_by_sales, scores.rd_by_costs, scores.rd) == (0, 30, 30)
    scores = rules.score(declaration(sales_revenue=D("100"), total_costs=D("1000"), rd_expense=D("6")))
    assert (scores.rd_by_sales, scores.rd_by_costs, scores.rd) == (50, 0, 50)


# --- Worked examples (RULES.md §2) -------------------------------------------------------------


def test_worked_example_rd_32_scores_56_and_is_not_eligible():
    result = evaluate(declaration(rd_expense=D("32")))
    assert result.scores == rules.Scores(tech_staff=8, rd=30, rd_by_sales=30, rd_by_costs=0, ip=18)
    assert result.total_score == 56
    assert (result.eligible, result.path) == (False, None)
    assert result.reason_codes == ["score_below_60"]
    assert "第六条（五）" in result.reasons[0].message
    assert "56" in result.reasons[0].message


def test_worked_example_rd_48_scores_76_and_is_eligible():
    result = evaluate(declaration(rd_expense=D("48")))
    assert result.total_score == 76
    assert (result.scores.tech_staff, result.scores.rd, result.scores.ip) == (8, 50, 18)
    assert (result.eligible, result.path) == (True, "score")
    assert result.reasons == []
    assert result.gap == []


def test_worked_example_80_points_without_tech_staff_score_is_not_eligible():
    result = evaluate(declaration(tech_staff=D("3"), class1_ip=1, class2_ip=0))
    assert result.total_score == 80
    assert result.scores.tech_staff == 0
    assert (result.eligible, result.path) == (False, None)
    assert result.reason_codes == ["tech_staff_score_zero"]
    assert "10%" in result.reasons[0].message


def test_score_below_60_and_tech_staff_zero_are_both_listed():
    result = evaluate(declaration(tech_staff=D("0"), rd_expense=D("0")))
    assert result.reason_codes == ["score_below_60", "tech_staff_score_zero"]


def test_exactly_60_with_tech_staff_points_is_eligible():
    # 12 + 30 + 18 = 60: tech 8/40 = 20%, R&D 32/800 = 4%, three class II items.
    result = evaluate(declaration(tech_staff=D("8"), rd_expense=D("32")))
    assert result.total_score == 60
    assert result.eligible


# --- Conditions (一)–(四) and caps -------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit", "code"),
    [
        ("total_staff", D("500"), "staff_over_cap"),
        ("sales_revenue", D("20000"), "revenue_over_cap"),
        ("total_assets", D("20000"), "assets_over_cap"),
    ],
)
def test_caps_pass_at_the_limit_and_fail_above(field, limit, code):
    at_limit = evaluate(declaration(**{field: limit}, direct_paths={"high_tech_certificate"}))
    assert code not in at_limit.reason_codes
    assert at_limit.eligible
    above = evaluate(declaration(**{field: limit + D("0.01")}, direct_paths={"high_tech_certificate"}))
    assert above.reason_codes == [code]
    assert not above.eligible
    assert "第六条（二）" in above.reasons[0].message


def test_staff_cap_message_cites_the_rule():
    result = evaluate(declaration(total_staff=D("501"), tech_staff=D("200")))
    assert result.reasons[0] == rules.Reason(
        "staff_over_cap", "《科技型中小企业评价办法》第六条（二）：职工总数不超过500人（申报501人）"
    )


def test_every_failed_basic_condition_is_listed_with_the_score_reasons():
    result = evaluate(
        declaration(
            resident_enterprise=False,
            audited_tax_collection=False,
            total_staff=D("600"),
            tech_staff=D("0"),
            sales_revenue=D("30000"),
            total_assets=D("25000"),
            restricted_industry=True,
            compliance_violation=True,
        )
    )
    assert result.reason_codes == [
        "not_resident",
        "tax_collection_not_audited",
        "staff_over_cap",
        "revenue_over_cap",
        "assets_over_cap",
        "restricted_industry",
        "compliance_violation",
        "score_below_60",
        "tech_staff_score_zero",
    ]
    assert not result.eligible
    assert [gap.code for gap in result.gap] == ["basic_conditions_unmet"]
    assert result.gap[0].amount is None


@pytest.mark.parametrize(
    ("field", "value", "code", "article"),
    [
        ("resident_enterprise", False, "not_resident", "（一）"),
        ("audited_tax_collection", False, "tax_collection_not_audited", "（一）"),
        ("restricted_industry", True, "restricted_industry", "（三）"),
        ("compliance_violation", True, "compliance_violation", "（四）"),
    ],
)
def test_one_failed_basic_condition_blocks_a_high_score(field, value, code, article):
    result = evaluate(declaration(**{field: value}, class1_ip=1))
    assert result.total_score == 88
    assert not result.eligible
    assert result.reason_codes == [code]
    assert f"第六条{article}" in result.reasons[0].message


# --- Direct confirmation (第八条) ---------------------------------------------------------------


@pytest.mark.parametrize("path", rules.DIRECT_PATHS)
def test_direct_path_makes_a_failing_score_eligible_without_score_reasons(path):
    result = evaluate(declaration(tech_staff=D("0"), rd_expense=D("0"), class2_ip=0, direct_paths={path}))
    assert result.total_score == 0
    assert (result.eligible, result.path) == (True, "direct")
    assert result.reasons == []
    assert result.gap == []


def test_direct_path_does_not_cover_basic_conditions_and_hides_score_reasons():
    result = evaluate(
        declaration(tech_staff=D("0"), rd_expense=D("0"), compliance_violation=True, direct_paths={"led_standard"})
    )
    assert (result.eligible, result.path) == (False, None)
    assert result.reason_codes == ["compliance_violation"]


def test_declaration_rejects_negative_figures_and_unknown_direct_paths():
    with pytest.raises(ValueError, match="rd_expense"):
        declaration(rd_expense=D("-0.01"))
    with pytest.raises(ValueError, match="IP"):
        declaration(class2_ip=-1)
    with pytest.raises(ValueError, match="direct"):
        declaration(direct_paths={"gold_medal"})


# --- Rule sets by year ---------------------------------------------------------------------------


def test_ruleset_for_picks_the_latest_ruleset_not_after_the_year(monkeypatch):
    assert rules.ruleset_for(2017) is rules.RULESET_2017
    assert rules.ruleset_for(2026) is rules.RULESET_2017
    assert rules.ruleset_for(2000) is rules.RULESET_2017
    stricter = dataclasses.replace(rules.RULESET_2017, first_year=2030, pass_score=80)
    monkeypatch.setitem(rules.RULESETS, 2030, stricter)
    assert rules.ruleset_for(2029) is rules.RULESET_2017
    assert rules.ruleset_for(2030) is stricter
    assert rules.ruleset_for(2031) is stricter
    # A later year's change does not rewrite an earlier year's result.
    assert evaluate(declaration(evaluation_year=2029)).eligible
    later = evaluate(declaration(evaluation_year=2030))
    assert later.total_score == 76
    assert not later.eligible
    assert "不低于80分" in later.reasons[0].message


# --- Gap analysis --------------------------------------------------------------------------------


def test_gap_for_worked_example_rd_32():
    result = evaluate(declaration(rd_expense=D("32")))
    assert [(gap.code, gap.amount) for gap in result.gap] == [
        ("tech_staff", D("2")),  # 8/40 = 20% → 12 points → 60
        ("rd_expense", D("8.00")),  # 40.00 万元 = 5% of sales → 40 points → 66
        ("class2_ip", D("1")),  # 4 class II → 24 points → 62
        ("class1_ip", D("1")),  # 1 class I → 30 points → 68
    ]
    messages = [gap.message for gap in result.gap]
    assert messages[0].startswith("再增加2名科技人员")
    assert messages[1].startswith("研发费用至少40.00万元")
    assert messages[2] == "再增加1项II类知识产权"
    assert messages[3] == "再增加1项I类知识产权"


def test_gap_for_worked_example_80_points_is_one_tech_staff_only():
    result = evaluate(declaration(tech_staff=D("3"), class1_ip=1, class2_ip=0))
    assert [(gap.code, gap.amount) for gap in result.gap] == [("tech_staff", D("1"))]
    assert result.gap[0].message.startswith("再增加1名科技人员")


def test_gap_rounds_fractional_tech_staff_up_to_whole_people():
    # 3.5 of 40 is 8.75% (0 points); 4.0 reaches 10%, so one more person (4.5) suffices.
    result = evaluate(declaration(tech_staff=D("3.5"), class1_ip=1))
    tech = next(gap for gap in result.gap if gap.code == "tech_staff")
    assert tech.amount == D("1")
    assert evaluate(rules.apply_gap(declaration(tech_staff=D("3.5"), class1_ip=1), tech)).eligible


def test_gap_rd_target_is_rounded_up_to_the_cent():
    # 5% of 333.33 is 16.6665 → 16.67 万元; 16.66 would fall short.
    d = declaration(sales_revenue=D("333.33"), total_costs=D("100000"), rd_expense=D("0"))
    rd = next(gap for gap in evaluate(d).gap if gap.code == "rd_expense")
    assert rd.amount == D("16.67")
    assert "至少16.67万元" in rd.message
    assert evaluate(dataclasses.replace(d, rd_expense=D("16.67"))).eligible
    assert not evaluate(dataclasses.replace(d, rd_expense=D("16.66"))).eligible


def test_gap_uses_the_cost_ratio_when_it_needs_less_rd():
    # Sales 10000, costs 100: 30 points via costs need 20.00, via sales 400.00.
    d = declaration(sales_revenue=D("10000"), total_costs=D("100"), rd_expense=D("0"), class2_ip=4)
    rd = next(gap for gap in evaluate(d).gap if gap.code == "rd_expense")
    assert rd.amount == D("20.00")  # 8 + 30 + 24 = 62


def test_no_single_lever_is_reported_when_none_suffices():
    result = evaluate(declaration(tech_staff=D("0"), rd_expense=D("0"), class2_ip=0))
    assert [gap.code for gap in result.gap] == ["no_single_change"]


def test_tech_staff_lever_cannot_exceed_total_staff():
    # Two staff, both already tech: no tech-staff suggestion is possible.
    result = evaluate(declaration(total_staff=D("2"), tech_staff=D("2"), rd_expense=D("0")))
    assert "tech_staff" not in [gap.code for gap in result.gap]


def test_apply_gap_refuses_notes():
    with pytest.raises(ValueError):
        rules.apply_gap(declaration(), rules.Gap("no_single_change", "…"))


# --- National form helpers ----------------------------------------------------------------------


def test_annual_average_staff():
    quarters = [(D(10), D(12)), (D(12), D(14)), (D(14), D(16)), (D(16), D(18))]
    assert rules.annual_average_staff(quarters) == D(14)
    assert rules.annual_average_staff([(D(1), D(2)), (D(0), D(0)), (D(0), D(0)), (D(0), D(0))]) == D("0.375")
    with pytest.raises(ValueError):
        rules.annual_average_staff(quarters[:3])


def test_sales_revenue_and_total_costs():
    assert rules.sales_revenue(D("700.50"), D("99.50")) == D("800.00")
    # Financial expenses may be negative (interest income).
    assert rules.total_costs(D("500"), D("20"), D("10.25"), D("80"), D("90"), D("-0.25")) == D("700.00")


# --- Properties ----------------------------------------------------------------------------------


def amounts(high):
    return st.decimals(min_value=0, max_value=high, places=2, allow_nan=False, allow_infinity=False)


# Mostly small firms near the pass mark, sometimes above the caps.
money = st.one_of(amounts(2000), amounts(21000))
rd_money = st.one_of(amounts(150), amounts(1500))
staff = st.one_of(amounts(60), amounts(520))
counts = st.integers(min_value=0, max_value=6)
mostly_true = st.sampled_from([True] * 9 + [False])


@st.composite
def declarations(draw):
    total = draw(staff)
    tech = draw(st.decimals(min_value=0, max_value=total, places=2, allow_nan=False, allow_infinity=False))
    return Declaration(
        evaluation_year=draw(st.integers(min_value=2017, max_value=2040)),
        total_staff=total,
        tech_staff=tech,
        sales_revenue=draw(money),
        total_costs=draw(money),
        rd_expense=draw(rd_money),
        total_assets=draw(money),
        class1_ip=draw(st.sampled_from([0, 0, 0, 1, 2])),
        class2_ip=draw(counts),
        resident_enterprise=draw(mostly_true),
        compliance_violation=not draw(mostly_true),
        direct_paths=draw(st.frozensets(st.sampled_from(rules.DIRECT_PATHS), max_size=1)),
    )


@settings(max_examples=300, deadline=None)
@given(declarations())
def test_score_is_between_0_and_100_and_eligibility_matches_reasons(d):
    result = evaluate(d)
    assert 0 <= result.total_score <= 100
    s = result.scores
    assert result.total_score == s.tech_staff + s.rd + s.ip
    assert s.rd == max(s.rd_by_sales, s.rd_by_costs)
    assert result.eligible == (result.reasons == [])
    assert result.eligible == (result.path is not None)
    if result.eligible:
        assert result.gap == []
    else:
        assert result.gap


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(declarations(), st.data())
def test_score_is_monotone_in_tech_staff_rd_and_ip(d, data):
    base = evaluate(d).total_score
    more_tech = data.draw(
        st.decimals(min_value=d.tech_staff, max_value=d.total_staff, places=2, allow_nan=False, allow_infinity=False)
    )
    assert evaluate(dataclasses.replace(d, tech_staff=more_tech)).total_score >= base
    more_rd = d.rd_expense + data.draw(money)
    assert evaluate(dataclasses.replace(d, rd_expense=more_rd)).total_score >= base
    assert evaluate(dataclasses.replace(d, class2_ip=d.class2_ip + data.draw(counts))).total_score >= base
    assert evaluate(dataclasses.replace(d, class1_ip=d.class1_ip + data.draw(counts))).total_score >= base


@settings(max_examples=300, deadline=None)
@given(declarations())
def test_every_suggested_change_alone_makes_the_enterprise_eligible_and_is_the_smallest(d):
    result = evaluate(d)
    for gap in result.gap:
        if gap.code not in rules.GAP_LEVERS:
            continue
        assert gap.amount > 0
        assert evaluate(rules.apply_gap(d, gap)).eligible, gap
        smaller = dataclasses.replace(gap, amount=gap.amount - (D("0.01") if gap.code == "rd_expense" else 1))
        if smaller.amount > 0:
            assert not evaluate(rules.apply_gap(d, smaller)).eligible, gap
    if any(reason.code in rules.BASIC_CONDITION_CODES for reason in result.reasons):
        assert [gap.code for gap in result.gap] == ["basic_conditions_unmet"]
