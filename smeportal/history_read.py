"""Reading the change history of a row (and of the rows recorded under it), for the API and the pages.

The callers scope first (the enterprise or filing must be visible to the user); these functions only
read its records, newest first, with a fixed number of queries: the records with their actors, and
for a page, one query per kind of object its foreign-key values name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import ChangeRecord


def object_history(model: type[models.Model], pk: int) -> QuerySet[ChangeRecord]:
    """The records of row ``pk`` of ``model`` and of the rows whose history it holds (a filing's items),
    newest first."""
    label = model._meta.label_lower
    own, held = Q(model=label, object_id=pk), Q(parent_model=label, parent_id=pk)
    return ChangeRecord.objects.filter(own | held).select_related("actor").order_by("-at", "-id")


@cache
def _model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _field_key(record: ChangeRecord, name: str) -> str:
    if not record.parent_model:
        return name
    return f"{_model(record.model).history_prefix}[{record.object_id}].{name}"


def entry_changes(record: ChangeRecord) -> dict:
    """``{field: [old, new]}``; a field of a row recorded under another is named ``prefix[id].field``."""
    return {_field_key(record, name): values for name, values in record.pairs().items()}


@dataclass
class ChangeRow:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    record: ChangeRecord
    rows: list[ChangeRow]


def _field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)
    except LookupError:  # a field removed since the record was written
        return None


def _label(record: ChangeRecord, field: models.Field | None, name: str) -> str:
    label = str(field.verbose_name) if field is not None else name
    if not record.parent_model:
        return label
    return f"{_model(record.model)._meta.verbose_name} #{record.object_id} · {label}"


def _related_names(records: list[ChangeRecord]) -> dict[type[models.Model], dict]:
    """The display names of every row a foreign-key value of ``records`` points to, one query per model."""
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for record in records:
        model = _model(record.model)
        for name, values in record.pairs().items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.many_to_one:
                wanted[field.related_model].update(value for value in values if value is not None)
    return {related: related._base_manager.select_related().in_bulk(ids) for related, ids in wanted.items()}


def _display(field: models.Field | None, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if field is None:
        return str(value)
    if field.is_relation and field.many_to_one:
        target = related.get(field.related_model, {}).get(value)
        return str(target) if target is not None else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def history_entries(records: list[ChangeRecord]) -> list[HistoryEntry]:
    """``records`` for a page: each changed field by its label, old and new values as shown elsewhere."""
    related = _related_names(records)
    entries = []
    for record in records:
        model = _model(record.model)
        rows = []
        for name, (old, new) in record.pairs().items():
            field = _field(model, name)
            rows.append(
                ChangeRow(_label(record, field, name), _display(field, old, related), _display(field, new, related))
            )
        entries.append(HistoryEntry(record, rows))
    return entries
