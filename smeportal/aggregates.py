"""Aggregates shared by the apps' selectors."""

from __future__ import annotations

from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_of(rows: QuerySet) -> Coalesce:
    """How many of ``rows`` (correlated by OuterRef), counted by an index per outer row: annotating a
    list with ``Count`` over a relation joins every related row before the list is cut to its page."""
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
