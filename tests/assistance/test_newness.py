"""The "new enterprise" rule: the pure function on a table of boundary cases, and the database
expression giving the same answer for the same cases."""

import datetime as dt
from decimal import Decimal

import pytest

from assistance.models import AssistanceAgreement
from assistance.newness import is_new_enterprise, required_new, short_by
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
