"""Sortable lists: one whitelist of sort keys per list, read from ``?sort=key`` or ``?sort=-key``.

A list declares its :class:`Sorting` (each key an ordering of model fields, a tiebreaker last so pages
stay stable, and the default). The view orders its queryset by :meth:`Sorting.order_by` and hands the
page :func:`sort_headers`: a header cell per column with the link that sorts by it (the same column
again flips the direction) and its ``aria-sort``. A key outside the whitelist is ignored: the list is
shown in its default order, never an error.

:func:`xlsx_download` is the one way a list's page exports what it shows: the same rows, same order,
written by XlsxWriter in constant-memory mode into a temporary file that is streamed back, with at most
``LIST_EXPORT_MAX_ROWS`` rows (a last line says so when the list was longer). An export written otherwise
caps its rows with :class:`CappedRows`, the same rule and note.

:func:`list_total` is the total above a list: counted exactly up to ``LIST_COUNT_CAP`` rows and said as
"over N" beyond, so a million-row list costs a count of N + 1 rows, not of the million.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.db.models import F, QuerySet
from django.db.models.expressions import OrderBy
from django.http import FileResponse
from django.utils.translation import gettext as _

from .excel import XLSX_CONTENT_TYPE, write_sheet
from .security import Counted, record_export


def _flipped(field: str | OrderBy) -> str | OrderBy:
    if isinstance(field, OrderBy):  # the other direction, empty values where they were
        return OrderBy(
            field.expression,
            descending=not field.descending,
            nulls_first=field.nulls_first,
            nulls_last=field.nulls_last,
        )
    return field[1:] if field.startswith("-") else f"-{field}"


@dataclass(frozen=True)
class Sorting:
    """``keys``: key → the fields (or ``F(...).asc(nulls_last=True)`` expressions) of its ascending order;
    ``default``: the key, with a leading ``-`` for descending, of a request that names none (or a wrong one)."""

    keys: dict[str, tuple]
    default: str

    def parse(self, value: str | None) -> tuple[str, bool]:
        """(key, descending) of a ``?sort=`` value; the default for anything outside the whitelist."""
        value = (value or "").strip()
        key = value.removeprefix("-")
        if key not in self.keys:
            value = self.default
            key = value.removeprefix("-")
        return key, value.startswith("-")

    def fields(self, value: str | None) -> list:
        key, descending = self.parse(value)
        fields = self.keys[key]
        return [_flipped(field) for field in fields] if descending else list(fields)

    def order_by(self, queryset: QuerySet, value: str | None) -> QuerySet:
        return queryset.order_by(*self.fields(value))


def nulls_last(name: str) -> OrderBy:
    """A column whose empty values stay at the end in both directions (SQLite and PostgreSQL differ)."""
    return F(name).asc(nulls_last=True)


@dataclass(frozen=True)
class Header:
    label: str
    css: str = ""
    href: str = ""  # empty: the column does not sort
    aria_sort: str = ""  # "ascending" / "descending" on the column the list is sorted by


def sort_headers(request, sorting: Sorting, columns: list[tuple[str, str | None, str]]) -> list[Header]:
    """Header cells for ``columns`` of (label, sort key or None, css classes), linking to this page with
    the same filters, sorted by the column (first page). The current column's link flips its direction."""
    key, descending = sorting.parse(request.GET.get("sort"))
    query = request.GET.copy()
    query.pop("page", None)
    headers = []
    for label, column_key, css in columns:
        if column_key is None:
            headers.append(Header(label, css))
            continue
        current = column_key == key
        query["sort"] = column_key if (current and descending) or not current else f"-{column_key}"
        headers.append(
            Header(
                label,
                css,
                href=f"?{query.urlencode()}",
                aria_sort=("descending" if descending else "ascending") if current else "",
            )
        )
    return headers


def list_query(request) -> str:
    """The page's query string without its page number: what the pager and the export link carry on."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def list_total(queryset: QuerySet) -> dict:
    """The context of ``partials/list_summary.html``: ``total``, the number of rows of ``queryset`` up to
    ``LIST_COUNT_CAP``, and ``total_over``, True when there are more (the page then says "over total")."""
    cap = settings.LIST_COUNT_CAP
    # COUNT(*) over a subquery with LIMIT cap + 1: the database stops reading after cap + 1 matches.
    count = queryset.order_by()[: cap + 1].count()
    return {"total": min(count, cap), "total_over": count > cap}


_END = object()


class CappedRows:
    """The first ``LIST_EXPORT_MAX_ROWS`` of ``rows``, counted as a streaming writer reads them. Once read,
    ``note`` is the line saying the list was longer (empty when it was not), for the writer to place where the
    reader sees it: :func:`with_note` as the last line, or another sheet for a file that is read back."""

    def __init__(self, rows: Iterable):
        self.limit = settings.LIST_EXPORT_MAX_ROWS
        self._rest = iter(rows)
        self._written = Counted(islice(self._rest, self.limit))
        self.note = ""

    @property
    def count(self) -> int:
        return self._written.count

    def __iter__(self):
        yield from self._written
        if next(self._rest, _END) is not _END:
            self.note = _("仅导出前 {limit} 行，请缩小筛选范围后分批导出。").format(limit=f"{self.limit:,}")

    def with_note(self):
        """The rows, then the note as a line of its own when the list was longer."""
        yield from self
        if self.note:
            yield [self.note]


def xlsx_download(
    request, what: str, filename: str, title: str, headers: list[str], rows: Iterable[Iterable]
) -> FileResponse:
    """A one-sheet .xlsx of ``rows`` (read once, as they come, at most ``LIST_EXPORT_MAX_ROWS`` of them) as a
    streamed download, recorded in the security log as the export of ``what`` by the request's user with its
    filters and row count."""
    written = CappedRows(rows)
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    write_sheet(target, title, headers, written.with_note())
    target.seek(0)
    record_export(request, what=what, rows=written.count)
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
