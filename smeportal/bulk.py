"""Loading and updating many rows at once with PostgreSQL COPY.

``bulk_create`` turns every value into a model attribute and then into an SQL parameter, which
costs more than the database's own work on a 100,000-row registry import. COPY takes the rows as
one CSV stream instead. The caller passes values that are already valid for their columns (it has
validated them): COPY bypasses the model's field conversion, which is the point. The database still
checks every constraint.
"""

from __future__ import annotations

import io

import pandas as pd
from django.db import connection, models, transaction
from django.utils import timezone

from .history import insert_records, sql_changes, tracked_fields
from .models import ChangeRecord

TEXT_FIELDS = (models.CharField, models.TextField)


def _as_column(field: models.Field, values: pd.Series) -> pd.Series:
    """Floats as the column reads them: whole numbers for integer columns (a NaN makes pandas use
    floats), the field's decimal places for decimal columns (binary floats print too many digits)."""
    if not pd.api.types.is_float_dtype(values):
        return values
    if isinstance(field, models.DecimalField):
        places = field.decimal_places
        return values.astype(object).map(lambda value: None if pd.isna(value) else f"{value:.{places}f}")
    # Every integer field type subclasses IntegerField; a foreign key's column has its target's type.
    if isinstance(getattr(field, "target_field", field), models.IntegerField):
        return values.astype("Int64")
    return values


def inserted_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields an INSERT names: every stored field but the primary key and generated columns."""
    return [field for field in model._meta.concrete_fields if not field.primary_key and not field.generated]


def _column_values(model: type[models.Model], frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with a column for every stored field but the primary key and generated columns; absent
    fields get defaults."""
    now = timezone.now()
    columns = {}
    for field in inserted_fields(model):
        if field.attname in frame:
            columns[field.column] = _as_column(field, frame[field.attname])
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            columns[field.column] = now.isoformat()
        else:
            default = field.get_default()  # as Django would fill it: the default, "" for text, else None
            if default is None and not field.null:
                raise ValueError(f"{model.__name__}.{field.name} has no value and no default")
            columns[field.column] = default
    return pd.DataFrame(columns, index=frame.index)


def _require_postgresql(name: str) -> None:
    if connection.vendor != "postgresql":
        raise NotImplementedError(f"{name} needs PostgreSQL")


def _copy(cursor, table: str, model: type[models.Model], values: pd.DataFrame) -> None:
    """COPY the frame (columns named by database column) into ``table``."""
    # CSV says NULL with an unquoted empty field; text columns that may not be NULL read it as "".
    text_columns = {
        field.column for field in model._meta.concrete_fields if isinstance(field, TEXT_FIELDS) and not field.null
    }
    not_null_text = [connection.ops.quote_name(column) for column in values.columns if column in text_columns]
    buffer = io.StringIO()
    values.to_csv(buffer, header=False, index=False, date_format="%Y-%m-%d")
    buffer.seek(0)
    options = "FORMAT csv" + (f", FORCE_NOT_NULL ({', '.join(not_null_text)})" if not_null_text else "")
    names = ", ".join(connection.ops.quote_name(column) for column in values.columns)
    cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH ({options})", buffer)


def copy_insert(model: type[models.Model], frame: pd.DataFrame) -> int:
    """Insert one new row of ``model`` per frame row with COPY (PostgreSQL only); returns the row count.

    Columns are named by the fields' attnames (``managing_district_id``); dates may be datetime64 or
    ``datetime.date``; a missing value (None/NaN/NA) is NULL. Fields the frame lacks get their
    default, ``auto_now``/``auto_now_add`` fields the current time.
    """
    _require_postgresql("copy_insert")
    if frame.empty:
        return 0
    values = _column_values(model, frame)
    # copy_expert is psycopg2's own method: wrap its errors as Django's (IntegrityError, DataError, …).
    with connection.cursor() as cursor, connection.wrap_database_errors:
        _copy(cursor, connection.ops.quote_name(model._meta.db_table), model, values)
    return len(values)


def copy_update(model: type[models.Model], frame: pd.DataFrame, fields: list[str], *, history: bool = False) -> int:
    """Set ``fields`` (by name) of the rows whose primary keys are the frame's ``pk`` column, from the
    frame's columns of the same attnames: COPY into a temporary table, then one UPDATE … FROM
    (PostgreSQL only). ``bulk_update`` writes a CASE per field and row, which took 80 s for 100,000
    changed enterprises. Returns the number of rows updated.

    With ``history``, one ``INSERT … SELECT`` before the update records each row's changed fields
    (:mod:`smeportal.history`, in the current context), compared by the database.
    """
    _require_postgresql("copy_update")
    if frame.empty:
        return 0
    pk = model._meta.pk
    targets = [model._meta.get_field(name) for name in fields]
    values = pd.DataFrame(
        {pk.column: frame["pk"], **{field.column: _as_column(field, frame[field.attname]) for field in targets}},
        index=frame.index,
    )
    qn = connection.ops.quote_name
    table, staged = qn(model._meta.db_table), qn(f"bulk_update_{model._meta.db_table}")
    names = ", ".join(qn(column) for column in values.columns)
    assignments = ", ".join(f"{qn(field.column)} = staged.{qn(field.column)}" for field in targets)
    with transaction.atomic(), connection.cursor() as cursor, connection.wrap_database_errors:
        # Same column types as the table; dropped here, or at the latest when the transaction ends. Every
        # name in these statements comes from the model's metadata, quoted; the values travel by COPY.
        create = f"CREATE TEMPORARY TABLE {staged} ON COMMIT DROP AS SELECT {names} FROM {table} WITH NO DATA"  # noqa: S608
        cursor.execute(create)
        _copy(cursor, staged, model, values)
        if history:
            tracked = [field.name for field in tracked_fields(model) if field in targets]
            changes, differs = sql_changes(model, tracked, old="target", new="staged")
            insert_records(
                cursor,
                model,
                kind=ChangeRecord.Kind.CHANGED,
                id_sql=f"target.{qn(pk.column)}",
                changes_sql=changes,
                source_sql=(
                    f"FROM {table} AS target JOIN {staged} AS staged "
                    f"ON target.{qn(pk.column)} = staged.{qn(pk.column)} WHERE {differs}"
                ),
            )
        update = (
            f"UPDATE {table} AS target SET {assignments} FROM {staged} AS staged "  # noqa: S608 - quoted names
            f"WHERE target.{qn(pk.column)} = staged.{qn(pk.column)}"
        )
        cursor.execute(update)
        updated = cursor.rowcount
        cursor.execute(f"DROP TABLE {staged}")
    return updated
