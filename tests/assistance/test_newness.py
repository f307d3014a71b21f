"""The "new enterprise" rule: the pure function on a table of boundary cases, and the database
expression giving the same answer for the same cases."""

import datetime as dt
from decimal import Decimal

import pytest

from assistance.models import AssistanceAgreement
from assistance.newness import is_new_enterprise, percent, required_new, share_of, short_by
from assistance.selectors import new_enterprise_q
from enterprises.models import Enterprise
from tests.factories import AssistanceAgreementFactory, EnterpriseFactory

D = dt.date
# (established_on, introduced_on, origin, agreement_year, window_years, expected)
CASES = [
    (D(2026, 1, 1), None, "new", 2026, 1, True),  # first day of the agreement's year
    (D(2026, 12, 31), None, "new", 2026, 1, True),  # last day of the agreement's year
    (D(2025, 1, 1), None, "new", 2026, 1, True),  # first day of the window
    (D(2024, 12, 31), None, "new", 2026, 1, False),  # one day before the window
    (D(2027, 1, 1), None, "new", 2026, 1, False),  # after the agreement's year
    (D(2024, 12, 31), None, "existing", 2026, 2, True),  # wider window
    (D(2023, 12, 31), None, "existing", 2026, 2, False),
    (D(2025, 6, 1), None, "new", 2026, 0, False),  # window 0: only the agreement's year
    (D(2026, 6, 1), None, "new", 2026, 0, True),
    (D(2025, 6, 1), None, "existing", 2026, 1, True),  # established in the window counts whatever the origin
    (D(2010, 5, 1), D(2025, 1, 1), "introduced", 2026, 1, True),  # introduced on the window's first day
    (D(2010, 5, 1), D(2024, 12, 31), "introduced", 2026, 1, False),  # introduced a day before
    (D(2010, 5, 1), D(2026, 12, 31), "introduced", 2026, 1, True),
    (D(2010, 5, 1), D(2027, 1, 1), "introduced", 2026, 1, False),
    (D(2010, 5, 1), D(2025, 7, 1), "existing", 2026, 1, False),  # introduced date ignored unless origin introduced
    (D(2010, 5, 1), None, "existing", 2026, 1, False),
]


@pytest.mark.parametrize(("established", "introduced", "origin", "year", "window", "expected"), CASES)
def test_is_new_enterprise(established, introduced, origin, year, window, expected):
    assert (
        is_new_enterprise(
            established_on=established,
            introduced_on=introduced,
            origin=origin,
            agreement_year=year,
            window_years=window,
        )
        is expected
    )


def test_default_window_is_the_year_before():
    assert is_new_enterprise(established_on=D(2025, 1, 1), introduced_on=None, origin="new", agreement_year=2026)
    assert not is_new_enterprise(established_on=D(2024, 12, 31), introduced_on=None, origin="new", agreement_year=2026)


@pytest.mark.django_db
def test_database_expression_agrees_with_the_function():
    ids = []
    for established, introduced, origin, year, window, expected in CASES:
        enterprise = EnterpriseFactory(established_on=established, introduced_on=introduced, origin=origin)
        ids.append((enterprise.pk, year, window, expected))
    for pk, year, window, expected in ids:
        in_db = Enterprise.objects.filter(new_enterprise_q(year=year, window_years=window), pk=pk).exists()
        assert in_db is expected, (pk, year, window)


@pytest.mark.django_db
def test_relation_prefix_of_the_expression():
    new = AssistanceAgreementFactory(enterprise=EnterpriseFactory(established_on=D(2025, 1, 1)))
    old = AssistanceAgreementFactory(enterprise=EnterpriseFactory(established_on=D(2024, 12, 31)))
    found = set(
        AssistanceAgreement.objects.filter(new_enterprise_q(year=2026, prefix="enterprise__")).values_list(
            "pk", flat=True
        )
    )
    assert new.pk in found and old.pk not in found


@pytest.mark.parametrize(
    ("agreements", "new", "required", "short"),
    [
        (10, 2, 2, 0),
        (10, 1, 2, 1),
        (10, 0, 2, 2),
        (11, 2, 3, 1),
        (5, 1, 1, 0),
        (1, 0, 1, 1),
        (0, 0, 0, 0),
        (7, 3, 2, 0),
    ],
)
def test_share_arithmetic_at_least_20_percent(agreements, new, required, short):
    assert required_new(agreements, Decimal("0.20")) == required
    assert short_by(agreements=agreements, new=new, target=Decimal("0.20")) == short


# --- The one rounding of a share: toward zero --------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "share", "percent_2", "percent_1"),
    [
        (1, 10, "0.1000", "10.00", "10.0"),  # exactly 10%
        (200, 2001, "0.0999", "9.99", "9.9"),  # 9.995%: half-up would read 10.00% next to "short by 1"
        (99_999, 1_000_000, "0.0999", "9.99", "9.9"),  # 9.9999%
        (20, 201, "0.0995", "9.95", "9.9"),  # 9.950%: half-up to one place would read 10.0%
        (1999, 10_000, "0.1999", "19.99", "19.9"),  # 19.99%
        (800, 4001, "0.1999", "19.99", "19.9"),  # 19.995%
        (1, 5, "0.2000", "20.00", "20.0"),  # exactly 20%
        (2, 3, "0.6666", "66.66", "66.6"),
        (3, 3, "1.0000", "100.00", "100.0"),
        (0, 7, "0.0000", "0.00", "0.0"),
        (0, 0, "0", "0.00", "0.0"),  # nothing to share: 0, not a division by zero
    ],
)
def test_a_share_and_its_percentage_are_rounded_toward_zero(part, whole, share, percent_2, percent_1):
    assert share_of(part, whole) == Decimal(share)
    assert str(percent(share_of(part, whole))) == percent_2
    assert str(percent(share_of(part, whole), 1)) == percent_1


@pytest.mark.parametrize(
    ("target", "places"),
    # Targets the percentage can show in full (12.5% with no decimals would read 12% whatever the rounding).
    [(Decimal("0.1"), 0), (Decimal("0.1"), 1), (Decimal("0.2"), 1), (Decimal("0.2"), 2), (Decimal("0.125"), 1)],
)
def test_a_shown_share_reaches_the_target_exactly_when_it_is_met(target, places):
    """Compared as RULES.md §2 compares (cross-multiplied, no rounding) for every count up to 1,200 near the
    target: the percentage officials read is at least the target's exactly when the share is met."""
    target_percent = percent(target, places)
    for whole in range(1, 1201):
        needed = required_new(whole, target)
        for part in (part for part in (needed - 1, needed, needed + 1) if 0 <= part <= whole):
            met = part >= target * whole
            assert (percent(share_of(part, whole), places) >= target_percent) is met, (part, whole)
