"""Searching enterprises by name or credit code with an index, on every page that offers it.

A name is searched by substring. On PostgreSQL the ``substring`` lookup of ``Enterprise.name`` also
asks the trigram (pg_trgm) GIN index of the name with every character written twice
(``enterprise_name_doubled_trgm``, migration 0008): a trigram needs three characters, and Chinese
names are searched by two (绵阳, 长虹), which give no trigram; doubled, "长虹" is "长长虹虹", whose
trigrams "长长虹" and "长虹虹" occur in a doubled name exactly when "长虹" occurs in the name. The
plain ``ILIKE`` beside it refuses most names cheaply where names are tested one by one; a search joined to
another table uses ``joined_substring``, the doubled condition alone, so that the planner's estimate of
the matches is right. Elsewhere (SQLite) both lookups are Django's ``icontains``.

A credit code is found by its unique btree: a whole code by equality, the start of one by a range
(the collation is not "C", so PostgreSQL would not use the btree for ``LIKE 'prefix%'``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Lookup, Q, QuerySet
from django.db.models.lookups import IContains
from django.utils.translation import gettext_lazy

from .creditcode import ALPHABET, normalize_credit_code

MIN_QUERY_LENGTH = 2
CREDIT_CODE_LENGTH = 18
MIN_LENGTH_MESSAGE = gettext_lazy("请至少输入%(n)s个字符。")  # the same words as the lookup page's
# Above the highest character of a credit code: ``[prefix, prefix + "~")`` holds every code that starts so.
_AFTER_CODE_CHARACTERS = "~"


def doubled(text: str) -> str:
    return "".join(character * 2 for character in text)


class Substring(Lookup):
    """``name__substring=text``: the name contains ``text``, ignoring case, through the index where there is one."""

    lookup_name = "substring"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return compiler.compile(IContains(self.lhs, self.rhs))

    def doubled_condition(self, compiler, connection) -> tuple[str, tuple]:
        """The doubled name contains the doubled text (what the trigram index serves), as SQL and params.
        ILIKE rather than Django's UPPER(…) LIKE UPPER(…), which no index expression would match (pg_trgm
        folds case itself, so the trigram index serves ILIKE)."""
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        doubled_like = f"%{connection.ops.prep_for_like_query(doubled(self.rhs))}%"
        return rf"regexp_replace({lhs_sql}, '(.)', '\1\1', 'g') ILIKE %s", (*lhs_params, doubled_like)

    def as_postgresql(self, compiler, connection):
        # The plain ILIKE comes first: where the condition is checked row by row (inside an OR, which the
        # planner does not reorder), a name without the text is refused before it is doubled.
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        like = f"%{connection.ops.prep_for_like_query(self.rhs)}%"
        doubled_sql, doubled_params = self.doubled_condition(compiler, connection)
        return f"({lhs_sql} ILIKE %s AND {doubled_sql})", (*lhs_params, like, *doubled_params)


class JoinedSubstring(Substring):
    """``name__joined_substring=text``: the same names, by the doubled-name condition alone (it is exact:
    the doubled text occurs in a doubled name only where the text occurs in the name).

    For a search joined to another table. Substring's two conditions say the same thing, but the
    planner multiplies their selectivities and expects a common word (电子, in 5% of a million names)
    in a few hundred: the public lookup then read 50,000 names to join them to the registrations
    (0.4 s) instead of walking the registrations in their order until a page is full (10 ms). The
    doubling costs more than the plain test where names are tested one by one, so Substring keeps it."""

    lookup_name = "joined_substring"

    def as_postgresql(self, compiler, connection):
        return self.doubled_condition(compiler, connection)


def is_too_short(text: str | None) -> bool:
    """A non-blank query shorter than the minimum (spaces and hyphens in a code do not count)."""
    text = (text or "").strip()
    return bool(text) and len(normalize_credit_code(text)) < MIN_QUERY_LENGTH


def validate_query_length(value: str | None) -> None:
    """For the search fields of filter forms: the minimum length, said to the user."""
    if is_too_short(value):
        raise ValidationError(MIN_LENGTH_MESSAGE, code="min_length", params={"n": MIN_QUERY_LENGTH})


# The API schema states it as the parameter's minLength (smeportal.api_schema.FilterLimitsExtension).
validate_query_length.min_length = MIN_QUERY_LENGTH


def code_condition(path: str, text: str) -> Q | None:
    """The credit code at ``path`` equal to a whole code, or starting with a partial one; None when
    ``text`` cannot be (part of) a code."""
    code = normalize_credit_code(text)
    if not code or any(character not in ALPHABET for character in code):
        return None
    if len(code) == CREDIT_CODE_LENGTH:
        return Q(**{path: code})
    return Q(**{f"{path}__gte": code, f"{path}__lt": code + _AFTER_CODE_CHARACTERS})


def first_matches(queryset: QuerySet, limit: int) -> QuerySet:
    """Suggestions: ``limit`` of the enterprises ``queryset`` selects, shown by name (then id).

    Taken in id order, not the first ``limit`` by name: names cluster by their county prefix, so a common
    word (绵阳, in most names) would walk the name index past every 三台县… name before the first match, or
    sort all its matches. In id order the matches of a common word come at once and a rare word is read
    from the trigram index; either way the database stops after ``limit``."""
    first = queryset.order_by("pk").values("pk")[:limit]
    return queryset.model.objects.filter(pk__in=first).order_by("name", "pk")


def name_or_code_condition(prefix: str, text: str, *, joined: bool = False) -> Q:
    """The enterprise at ``prefix`` ("" or "…__") whose name contains ``text`` or whose credit code matches it
    (``joined``: for a query that joins the enterprises to a smaller table, see :class:`JoinedSubstring`)."""
    code = code_condition(f"{prefix}credit_code", text)
    # Text that may be part of a code is rare in names, so the low estimate does no harm there, and where
    # the rows are tested one by one (walking the registrations for a code) the plain test is cheaper.
    lookup = JoinedSubstring.lookup_name if joined and code is None else Substring.lookup_name
    condition = Q(**{f"{prefix}name__{lookup}": text.strip()})
    return condition if code is None else condition | code
