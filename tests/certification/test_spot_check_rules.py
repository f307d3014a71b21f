"""The pure spot-check draw: the sample size (share rounded up, at least one) and its reproducibility."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certification.rules.campaign import SPOT_CHECK_SHARE
from certification.rules.spot_check import MIN_SHARE, SEED_LIMIT, draw, sample_size, share_allowed


@pytest.mark.parametrize(
    ("population", "share", "expected"),
    [
        (0, "0.05", 0),  # nothing to draw from
        (1, "0.05", 1),  # at least one
        (19, "0.05", 1),  # 0.95 rounds up
        (20, "0.05", 1),  # exactly 1
        (21, "0.05", 2),  # 1.05 rounds up
        (100, "0.05", 5),  # exactly 5 in decimals (a float would give 5.000…1 and 6)
        (101, "0.05", 6),
        (1000, "0.05", 50),
        (7, "0.1", 1),
        (10, "0.3", 3),  # 0.3 × 10 in floats is 3.0000000000000004
        (10, "1", 10),  # everyone
        (3, "0.001", 1),
    ],
)
def test_sample_size(population, share, expected):
    assert sample_size(population, Decimal(share)) == expected


@pytest.mark.parametrize(("population", "share"), [(-1, "0.05"), (10, "0"), (10, "-0.1"), (10, "1.001")])
def test_sample_size_refuses_values_out_of_range(population, share):
    with pytest.raises(ValueError):
        sample_size(population, Decimal(share))


@pytest.mark.parametrize(
    ("share", "allowed"),
    [("0.049", False), ("0.01", False), ("0", False), ("0.05", True), ("1", True), ("1.001", False)],
)
def test_a_draw_covers_at_least_five_percent(share, allowed):
    """RULES.md §3: spot checks cover at least 5% of the year's registered enterprises."""
    assert share_allowed(Decimal(share)) is allowed


def test_the_campaign_default_share_is_the_minimum():
    assert SPOT_CHECK_SHARE == MIN_SHARE == Decimal("0.05")


@pytest.mark.parametrize("seed", [-1, SEED_LIMIT])
def test_draw_refuses_a_seed_out_of_range(seed):
    with pytest.raises(ValueError):
        draw([1, 2, 3], Decimal("0.5"), seed)


def test_draw_of_nobody_is_empty():
    assert draw([], Decimal("0.05"), 7) == []


def test_different_seeds_draw_differently():
    ids = range(1, 1001)
    assert draw(ids, Decimal("0.05"), 1) != draw(ids, Decimal("0.05"), 2)


def test_a_known_draw_stays_the_same():
    """Pinned: a Python upgrade or a change of algorithm that would redraw other firms from a recorded seed fails."""
    assert draw(range(1, 101), Decimal("0.05"), 20261215) == draw(list(range(100, 0, -1)), Decimal("0.05"), 20261215)
    assert draw(range(1, 101), Decimal("0.05"), 42) == [4, 25, 29, 64, 75]


ids_strategy = st.sets(st.integers(min_value=1, max_value=10**9), max_size=300)
shares = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(1), places=3)
seeds = st.integers(min_value=0, max_value=SEED_LIMIT - 1)


@given(ids=ids_strategy, share=shares, seed=seeds)
def test_the_same_seed_draws_the_same_sample_whatever_the_order(ids, share, seed):
    first = draw(sorted(ids), share, seed)
    again = draw(sorted(ids, reverse=True), share, seed)
    assert first == again
    assert len(first) == sample_size(len(ids), share)
    assert set(first) <= ids
    assert len(set(first)) == len(first)
