"""Field-level change history: who changed which field of a tracked row, when, why, from what to what.

- :func:`history_context` says who acts and why for the code it wraps (a context variable, so it
  nests and follows the call stack): the request middleware names the signed-in user, the
  workflow names the transition, the admin says "管理后台", the registry import names itself and its id.
- :class:`HistoryMixin` makes a model record a :class:`~smeportal.models.ChangeRecord` on every
  save (only the fields that changed; a creation gives every field as ``[None, value]``; nothing when
  nothing changed) and on every deletion, queryset deletions and cascades included.
- :func:`record_saved` records instances written by ``bulk_create``/``bulk_update`` in one insert; on
  PostgreSQL the registry import has the database build its records (:func:`sql_changes`,
  :func:`insert_records`) from the rows it loads by COPY, in one statement per chunk.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, wraps

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, router, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete
from django.http import HttpRequest
from django.utils import timezone, translation

from .models import ChangeRecord

# Bookkeeping every TrackedModel carries; the history itself says who and when.
UNTRACKED = frozenset({"created_at", "updated_at", "created_by", "updated_by"})


_UNSET = object()


@dataclass(frozen=True)
class HistoryContext:
    actor: object = None  # a user, or the request whose user is read when a change is recorded
    reason: str = ""


_NOBODY = HistoryContext()


_current: ContextVar[HistoryContext | None] = ContextVar("history_context", default=None)


def _context() -> HistoryContext:
    return _current.get() or _NOBODY


@contextmanager
def history_context(*, actor=_UNSET, reason=_UNSET):
    """Record the changes made inside the block as made by ``actor`` (None: the system) for ``reason``.

    What is not given is inherited from the enclosing block. ``reason`` may be a lazy translation: it
    is stored in the portal's default language, whatever the language of the request.
    """
    outer = _context()
    if reason is not _UNSET:
        with translation.override(settings.LANGUAGE_CODE):
            reason = str(reason)
    token = _current.set(
        HistoryContext(
            actor=outer.actor if actor is _UNSET else actor,
            reason=outer.reason if reason is _UNSET else reason,
        )
    )
    try:
        yield
    finally:
        _current.reset(token)


def reason_text(template, **params) -> str:
    """A reason with parameters (an import's id), in the portal's default language like every reason."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(template) % params


def history_reason(reason):
    """Decorate a service: the changes it makes are recorded with ``reason``, as made by its ``actor``
    keyword argument (None: the system; absent: whoever the enclosing context names)."""

    def decorate(function):
        @wraps(function)
        def wrapper(*args, **kwargs):
            with history_context(actor=kwargs.get("actor", _UNSET), reason=reason):
                return function(*args, **kwargs)

        return wrapper

    return decorate


def current_actor_id() -> int | None:
    actor = _context().actor
    if isinstance(actor, HttpRequest):
        # DRF authenticates inside the view and sets the user on the underlying request.
        actor = getattr(actor, "user", None)
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor.pk


def current_reason() -> str:
    return _context().reason


def json_value(value):
    """A field's value as JSON: dates ISO, decimals as strings, files by name, foreign keys as ids."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, list | dict | tuple):
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return str(value)


@cache
def tracked_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    # The parent's key is implied: the record names its parent.
    exclude = UNTRACKED | frozenset(getattr(model, "history_exclude", ())) | {getattr(model, "history_parent", "")}
    return tuple(
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.generated and field.name not in exclude
    )


def model_label(model) -> str:
    return model._meta.label_lower


_deletions: ContextVar[list | None] = ContextVar("history_deletions", default=None)


@contextmanager
def _deletions_batched(using: str):
    """The deletions inside the block (a queryset's, with its cascades) are recorded in one insert, in
    the same transaction."""
    if _deletions.get() is not None:
        yield
        return
    token = _deletions.set([])
    try:
        with transaction.atomic(using=using):
            yield
            ChangeRecord.objects.using(using).bulk_create(_deletions.get(), batch_size=1000)
    finally:
        _deletions.reset(token)


class HistoryQuerySet(models.QuerySet):
    def delete(self):
        with _deletions_batched(self.db):
            return super().delete()


class HistoryMixin(models.Model):
    """Record every change of the model's rows (the first of the model's bases).

    ``history_parent`` names the foreign key to the row whose history this one belongs to (a filing's
    items, its filing) and ``history_prefix`` how its fields are named there (``ip_items[12].title``);
    ``history_exclude`` names fields not worth recording (a frozen snapshot of other fields).
    """

    history_parent: str = ""
    history_prefix: str = ""
    history_exclude: Sequence[str] = ()

    objects = HistoryQuerySet.as_manager()

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        post_delete.connect(
            _record_deletion, sender=cls, weak=False, dispatch_uid=f"history-{cls.__module__}.{cls.__qualname__}"
        )

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self._state.adding and self.pk is None:
            self._history_loaded = None
        elif self._state.adding:  # built by hand with its key: a creation only if the row is not there
            self._history_loaded = self._history_stored(tracked_fields(type(self)))
        else:
            self._history_loaded = {
                **(getattr(self, "_history_loaded", None) or {}),
                **(self._history_stored(self._history_not_loaded()) or {}),
            }
        super().save(*args, **kwargs)
        record = self.history_record(self.history_changes(update_fields))
        if record is not None:
            record.save(using=self._state.db)

    def delete(self, using=None, keep_parents=False):
        with _deletions_batched(using or router.db_for_write(type(self), instance=self)):
            return super().delete(using=using, keep_parents=keep_parents)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._history_loaded = {
            field.attname: getattr(instance, field.attname)
            for field in tracked_fields(cls)
            if field.attname in instance.__dict__
        }
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._history_loaded = {**(getattr(self, "_history_loaded", None) or {}), **self.history_snapshot()}

    def history_parent_key(self) -> tuple[str, int | None]:
        """The label and id of the row this one's history belongs to (none: its own only)."""
        if not self.history_parent:
            return "", None
        field = self._meta.get_field(self.history_parent)
        return model_label(field.related_model), getattr(self, field.attname)

    def history_snapshot(self) -> dict:
        return {field.attname: getattr(self, field.attname) for field in tracked_fields(type(self))}

    def history_changes(self, names: Iterable[str] | None = None) -> dict:
        """``{field: [old, new]}`` since the row was loaded (or last recorded), as JSON values."""
        loaded = getattr(self, "_history_loaded", None)
        wanted = None if names is None else set(names)
        changes = {}
        for field in tracked_fields(type(self)):
            if wanted is not None and field.name not in wanted and field.attname not in wanted:
                continue
            new = getattr(self, field.attname)
            if loaded is None:
                if new is not None and new != "":
                    changes[field.name] = [None, json_value(new)]
            elif field.attname in loaded and loaded[field.attname] != new:
                changes[field.name] = [json_value(loaded[field.attname]), json_value(new)]
        return changes

    def history_record(self, changes: dict) -> ChangeRecord | None:
        """An unsaved record of ``changes`` (:meth:`history_changes`) in the current context, and the new
        values as loaded."""
        created = getattr(self, "_history_loaded", None) is None
        self._history_loaded = self.history_snapshot()
        if not changes:
            return None
        if created:
            return _record(self, ChangeRecord.Kind.CREATED, {name: new for name, (_old, new) in changes.items()})
        return _record(self, ChangeRecord.Kind.CHANGED, changes)

    def _history_not_loaded(self) -> list[models.Field]:
        """Tracked fields whose old values were not loaded (a deferred field, an instance built by hand)."""
        loaded = getattr(self, "_history_loaded", None) or {}
        return [field for field in tracked_fields(type(self)) if field.attname not in loaded]

    def _history_stored(self, fields: Sequence[models.Field]) -> dict | None:
        """The stored values of ``fields`` (one query; none without fields); None when there is no row."""
        if not fields:
            return {}
        names = [field.attname for field in fields]
        return type(self)._base_manager.using(self._state.db).filter(pk=self.pk).values(*names).first()


def _record(instance: HistoryMixin, kind: str, changes: dict) -> ChangeRecord:
    parent_model, parent_id = instance.history_parent_key()
    return ChangeRecord(
        model=model_label(type(instance)),
        object_id=instance.pk,
        parent_model=parent_model if parent_id is not None else "",
        parent_id=parent_id,
        actor_id=current_actor_id(),
        reason=current_reason(),
        kind=kind,
        changes=changes,
    )


def _record_deletion(sender, instance, using, **kwargs):
    loaded = getattr(instance, "_history_loaded", None) or instance.history_snapshot()
    values = {
        field.name: json_value(loaded.get(field.attname))
        for field in tracked_fields(sender)
        if loaded.get(field.attname) not in (None, "")
    }
    record = _record(instance, ChangeRecord.Kind.DELETED, values)
    batch = _deletions.get()
    if batch is None:  # a cascade from a model without history
        record.save(using=using)
    else:
        batch.append(record)


def record_saved(objects: Iterable[HistoryMixin], fields: Iterable[str] | None = None) -> int:
    """Record the changes of instances written without ``save()`` (``bulk_update``), in one insert."""
    fields = None if fields is None else list(fields)
    records = [record for obj in objects if (record := obj.history_record(obj.history_changes(fields)))]
    ChangeRecord.objects.bulk_create(records, batch_size=1000)
    return len(records)


def record_rows(model: type[models.Model], rows: Iterable[tuple[int, int | None]], changes: dict) -> int:
    """Record the same ``changes`` of the ``(id, parent id)`` rows an UPDATE set wrote, in one insert."""
    parent = model._meta.get_field(model.history_parent).related_model if model.history_parent else None
    records = [
        ChangeRecord(
            model=model_label(model),
            object_id=pk,
            parent_model=model_label(parent) if parent is not None and parent_id is not None else "",
            parent_id=parent_id if parent is not None else None,
            actor_id=current_actor_id(),
            reason=current_reason(),
            changes=changes,
        )
        for pk, parent_id in rows
    ]
    ChangeRecord.objects.bulk_create(records, batch_size=1000)
    return len(records)


# --- Records built by the database, for the bulk writes (PostgreSQL) ------------------------------


def _json_sql(field: models.Field, column: str) -> str:
    """``column`` as the JSON value :func:`json_value` gives (numeric as text, dates ISO by jsonb)."""
    return f"{column}::text" if isinstance(field, models.DecimalField) else column


def sql_changes(model: type[models.Model], fields: Sequence[str], *, old: str | None, new: str) -> tuple[str, str]:
    """SQL for the record's JSON of ``fields`` between table aliases ``old`` and ``new``: ``{field: [old,
    new]}`` of the fields that differ, or (``old`` None) a creation's ``{field: value}`` of the fields set,
    as the mixin records them; and a condition that some field differs. PostgreSQL: ``jsonb_strip_nulls``
    drops the unchanged (or, created, empty) fields."""
    qn = connection.ops.quote_name
    pairs, differs = [], []
    for name in fields:
        field = model._meta.get_field(name)
        new_column = f"{new}.{qn(field.column)}"
        if old is None:
            value = _json_sql(field, new_column)
            if isinstance(field, models.CharField | models.TextField):
                value = f"NULLIF({value}, '')"
            pairs.append(f"'{field.name}', {value}")
            continue
        old_column = f"{old}.{qn(field.column)}"
        different = f"{old_column} IS DISTINCT FROM {new_column}"
        differs.append(different)
        change = f"jsonb_build_array({_json_sql(field, old_column)}, {_json_sql(field, new_column)})"
        pairs.append(f"'{field.name}', CASE WHEN {different} THEN {change} END")
    return f"jsonb_strip_nulls(jsonb_build_object({', '.join(pairs)}))", " OR ".join(differs) or "TRUE"


_RECORD_COLUMNS = ("model", "object_id", "parent_model", "parent_id", "at", "actor", "reason", "kind", "changes")


def insert_records(
    cursor,
    model: type[models.Model],
    *,
    kind: str,
    id_sql: str,
    changes_sql: str,
    source_sql: str,
    params: Sequence = (),
) -> None:
    """One record of ``kind`` per row of ``source_sql`` (``FROM … WHERE …``; ``id_sql`` the row's id) in
    one ``INSERT … SELECT``, in the current context; ``params`` are the source's."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(ChangeRecord._meta.get_field(name).column) for name in _RECORD_COLUMNS)
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    cursor.execute(
        f"INSERT INTO {qn(ChangeRecord._meta.db_table)} ({columns}) "
        f"SELECT %s, {id_sql}, '', NULL, %s, %s, %s, %s, {changes_sql} {source_sql}",
        [model_label(model), at, current_actor_id(), current_reason(), kind, *params],
    )
