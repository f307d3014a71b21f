"""Check constraints validated in one query (smeportal.constraints) say what Django's one-by-one
validation says, and skip what it skips."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import models, transaction

from certification.models import Application, PoolEstimate
from tests import factories

pytestmark = pytest.mark.django_db


def errors_of(validate) -> dict | None:
    try:
        validate()
    except ValidationError as error:
        return {field: sorted(messages) for field, messages in error.message_dict.items()}
    return None


def both(instance, exclude=None) -> tuple[dict | None, dict | None]:
    """(errors in one query, errors from Django's own validation, one query per constraint)."""
    return (
        errors_of(lambda: instance.validate_constraints(exclude=exclude)),
        errors_of(lambda: models.Model.validate_constraints(instance, exclude=exclude)),
    )


@pytest.mark.parametrize(
    ("changes", "exclude", "broken"),
    [
        ({}, None, 0),
        ({"rd_expense": Decimal("-1")}, None, 1),
        ({"total_staff": Decimal("10"), "tech_staff": Decimal("12"), "rd_expense": Decimal("-5")}, None, 2),
        ({"total_staff": Decimal("10"), "tech_staff": Decimal("12")}, {"tech_staff"}, 0),  # left out: skipped
        ({"evaluation_year": 1990}, None, 1),
    ],
)
def test_a_filing_is_refused_for_the_same_reasons(enterprise, changes, exclude, broken):
    application = factories.ApplicationFactory(enterprise=enterprise)
    for name, value in changes.items():
        setattr(application, name, value)
    in_one_query, one_by_one = both(application, exclude)
    assert in_one_query == one_by_one
    assert len((in_one_query or {}).get("__all__", [])) == broken


def test_an_estimate_is_refused_for_the_same_reasons(enterprise):
    estimate = PoolEstimate(
        enterprise=enterprise,
        evaluation_year=2026,
        total_staff=Decimal("10"),
        tech_staff=Decimal("2"),
        sales_revenue=Decimal("1"),
        total_costs=Decimal("1"),
        rd_expense=Decimal("1"),
        total_assets=Decimal("1"),
        total_score=70,
        eligible=True,
        distance=3,  # eligible, yet some way from eligibility
        computed_at="2026-01-01T00:00:00Z",
    )
    in_one_query, one_by_one = both(estimate)
    assert in_one_query == one_by_one and in_one_query is not None


def test_every_check_of_a_filing_is_one_query(enterprise, django_assert_max_num_queries):
    application = factories.ApplicationFactory(enterprise=enterprise)
    check_constraints = [c for c in Application._meta.constraints if isinstance(c, models.CheckConstraint)]
    assert len(check_constraints) > 15
    with transaction.atomic(), django_assert_max_num_queries(4):  # the checks, their savepoint, the unique pair
        application.validate_constraints()
