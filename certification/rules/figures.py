"""Figures of the national information form computed from their parts (RULES.md §2): annual staff
averages from quarters, sales revenue and total costs from their components. Pure: no Django imports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal


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
