"""Pure closeness and restricted-industry logic of the cultivation pool (no database)."""

import dataclasses
from decimal import Decimal

import pytest

from certification import rules
from certification.rules import closeness, industry

# RULES.md §2 worked example: tech staff 6 of 40 (8 points), sales 800, costs 700, 3 software copyrights (18).
BASE = rules.Declaration(
    evaluation_year=2026,
    total_staff=Decimal(40),
    tech_staff=Decimal(6),
    sales_revenue=Decimal(800),
    total_costs=Decimal(700),
    rd_expense=Decimal(48),
    total_assets=Decimal(1000),
    class2_ip=3,
)


def with_(**changes):
    return dataclasses.replace(BASE, **changes)


@pytest.mark.parametrize(
    ("declaration", "eligible", "score", "distance"),
    [
        (BASE, True, 76, 0),  # 8 + 50 + 18
        (with_(rd_expense=Decimal(32)), False, 56, 4),  # 8 + 30 + 18: 4 points short
        (with_(rd_expense=Decimal(16)), False, 36, 24),  # 8 + 10 + 18
        (with_(rd_expense=Decimal(0), class2_ip=0, tech_staff=Decimal(0)), False, 0, 60),
        # 80 points but tech-staff score 0: the lowest tech band (4 points) is missing.
        (with_(tech_staff=Decimal(3), class1_ip=1), False, 80, 4),
        # 56 points and tech score 0 (total 48 + 0): 12 short, more than the 4 of the tech band.
        (with_(tech_staff=Decimal(3), rd_expense=Decimal(32)), False, 48, 12),
        # Basic condition (三) fails: ranks after every score-fixable candidate.
        (with_(restricted_industry=True), False, 76, 100),
        (with_(restricted_industry=True, rd_expense=Decimal(32)), False, 56, 104),
        (with_(total_staff=Decimal(501), tech_staff=Decimal(200)), False, 88, 100),
        # Direct confirmation: eligible whatever the score, unless a basic condition fails.
        (with_(rd_expense=Decimal(0), direct_paths={"high_tech_certificate"}), True, 26, 0),
        (with_(compliance_violation=True, direct_paths={"led_standard"}), False, 76, 100),
    ],
)
def test_closeness_table(declaration, eligible, score, distance):
    result = closeness.closeness(declaration)
    assert (result.eligible, result.total_score, result.distance) == (eligible, score, distance)
    assert (result.distance == 0) == result.eligible
    assert result.gap == ([] if eligible else rules.evaluate(declaration).gap)


def test_gap_items_are_the_engines_suggestions():
    eligible, score, distance, gap = closeness.closeness(with_(rd_expense=Decimal(32)))
    assert (eligible, score, distance) == (False, 56, 4)
    codes = [item.code for item in gap]
    assert rules.GAP_RD_EXPENSE in codes
    rd = next(item for item in gap if item.code == rules.GAP_RD_EXPENSE)
    assert rd.amount == Decimal("8.00")  # 40 万元 reaches 5% of sales: 8 + 40 + 18 = 66


def test_no_data():
    assert closeness.closeness(None) == closeness.NO_DATA
    assert closeness.NO_DATA.distance is None and closeness.NO_DATA.total_score is None


def test_ordering_eligible_close_far_no_data():
    eligible = closeness.closeness(BASE)
    close = closeness.closeness(with_(rd_expense=Decimal(32)))  # 4 short
    far = closeness.closeness(with_(rd_expense=Decimal(16)))  # 24 short
    blocked = closeness.closeness(with_(restricted_industry=True))  # basic condition fails
    no_data = closeness.closeness(None)
    shuffled = [no_data, far, blocked, eligible, close]
    assert sorted(shuffled, key=closeness.sort_key) == [eligible, close, far, blocked, no_data]
    assert 0 == eligible.distance < close.distance < far.distance <= closeness.BASIC_CONDITIONS_DISTANCE
    assert blocked.distance >= closeness.BASIC_CONDITIONS_DISTANCE


def test_score_fixable_distance_never_reaches_the_basic_band():
    nothing = {name: Decimal(0) for name in ("tech_staff", "rd_expense", "sales_revenue", "total_costs")}
    worst = closeness.closeness(with_(class2_ip=0, **nothing))
    assert worst.distance == rules.RULESET_2017.pass_score < closeness.BASIC_CONDITIONS_DISTANCE


@pytest.mark.parametrize(
    ("section", "code", "restricted"),
    [
        ("F", "5110", True),  # wholesale
        ("H", "6110", True),  # accommodation
        ("K", "7010", True),  # real estate
        ("L", "7211", True),  # leasing and business services
        ("C", "1610", True),  # tobacco manufacturing
        ("", "1620", True),
        ("", "C1690", True),
        ("R", "9011", True),  # entertainment
        ("", "R9020", True),
        ("f", " 5110 ", True),
        ("", "F5110", True),
        ("I", "6510", False),  # software development
        ("C", "3911", False),  # computer manufacturing
        ("C", "1510", False),  # beverages (C15) is not tobacco
        ("R", "8810", False),  # culture and arts (R88) is not entertainment
        ("R", "9190", False),
        ("M", "7320", False),  # research and development
        ("", "", False),
        (None, None, False),
    ],
)
def test_is_restricted_industry(section, code, restricted):
    assert industry.is_restricted_industry(section, code) is restricted


def test_declaration_from_snapshot_round_trip():
    declared = {
        "evaluation_year": 2026,
        "total_staff": "40.00",
        "tech_staff": "6.00",
        "sales_revenue": "800.00",
        "total_costs": "700.00",
        "rd_expense": "48.00",
        "total_assets": "1000.00",
        "class1_ip": 0,
        "class2_ip": 3,
        "resident_enterprise": True,
        "audited_tax_collection": True,
        "restricted_industry": False,
        "compliance_violation": False,
        "direct_paths": [],
    }
    assert closeness.declaration_from_snapshot(declared) == BASE
    assert closeness.declaration_from_snapshot({**declared, "total_staff": None}) is None
    assert closeness.declaration_from_snapshot({"evaluation_year": 2026}) is None
    assert closeness.declaration_from_snapshot(None) is None
