"""Joining words for display in the active language (Chinese 、 and ；, English commas and semicolons)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import pgettext


def join_list(items: Iterable) -> str:
    """Items of an enumeration: 甲、乙、丙 in Chinese, "a, b, c" in English."""
    return pgettext("list separator", "、").join(str(item) for item in items)


def join_clauses(items: Iterable) -> str:
    """Independent statements (errors, reasons): 甲；乙 in Chinese, "a; b" in English."""
    return pgettext("clause separator", "；").join(str(item) for item in items)
