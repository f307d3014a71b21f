"""Pagination that never counts the whole table: fetch one row more than a page to know if there is a next."""

from dataclasses import dataclass

from django.core.paginator import InvalidPage
from django.http import Http404

# Beyond this offset a page cannot exist (SQLite's and PostgreSQL's OFFSET are 64-bit integers).
MAX_OFFSET = 2**62


@dataclass
class UncountedPage:
    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def paginate_without_count(queryset, page: str | None, per_page: int = 50) -> UncountedPage:
    try:
        number = int(page or 1)
        if number < 1 or (number - 1) * per_page > MAX_OFFSET:
            raise InvalidPage
    except (TypeError, ValueError, InvalidPage):
        raise Http404("invalid page") from None
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    if not rows and number > 1:
        raise Http404("empty page")
    return UncountedPage(object_list=rows[:per_page], number=number, has_next=len(rows) > per_page)
