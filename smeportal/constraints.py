"""Validating a model's check constraints in one query.

Django asks the database about each ``CheckConstraint`` of a model in a query of its own (and, inside a
transaction, a savepoint of its own): saving a step of the filing form took 76 queries, 27 of them such
checks with their savepoints around them, and twice as long as now (18 queries). The conditions are the
same; here they are asked in one ``SELECT``, a column each, with Django's own semantics: a constraint on
a field left out is skipped, a database error lets it pass (the database still enforces every
constraint when the row is written).
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

logger = logging.getLogger(__name__)


def failed_checks(
    model: type[models.Model], instance: models.Model, checks: list[CheckConstraint], exclude, using: str
) -> list[CheckConstraint]:
    """The ``checks`` that ``instance``'s values break (``exclude``: fields not to validate), in one query."""
    query = Query(None)
    for name, value in instance._get_field_expression_map(meta=model._meta, exclude=exclude).items():
        query.add_annotation(value if hasattr(value, "resolve_expression") else Value(value), name, select=False)
    asked = []
    for constraint in checks:
        try:
            condition = Coalesce(Q(constraint.condition), True, output_field=BooleanField())
            query.add_annotation(condition, f"_check_{len(asked)}")
        except FieldError:  # it names a field left out
            continue
        asked.append(constraint)
    if not asked:
        return []
    connection = connections[using]
    try:
        with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError as error:
        logger.warning("Got a database error checking the constraints of %r: %s", instance, error)
        return []
    return [constraint for constraint, holds in zip(asked, row, strict=True) if not holds]


class ChecksInOneQuery(models.Model):
    """``validate_constraints`` asks the database about all of the model's check constraints at once."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(type(self), instance=self)
        if not connections[using].features.supports_comparing_boolean_expr:
            return super().validate_constraints(exclude=exclude)
        errors = {}
        for model, constraints in self.get_constraints():
            checks = [constraint for constraint in constraints if isinstance(constraint, CheckConstraint)]
            for constraint in constraints:
                if isinstance(constraint, CheckConstraint):
                    continue
                try:
                    constraint.validate(model, self, exclude=exclude, using=using)
                except ValidationError as error:
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
            for constraint in failed_checks(model, self, checks, exclude, using):
                error = ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
