"""Enumerations and clauses are joined in the active language."""

import pytest
from django.utils import translation

from smeportal.text import join_clauses, join_list


@pytest.mark.parametrize(
    ("language", "listed", "clauses"),
    [("zh-hans", "甲、乙、3", "甲；乙；3"), ("en", "甲, 乙, 3", "甲; 乙; 3")],
)
def test_joins_follow_the_language(language, listed, clauses):
    with translation.override(language):
        assert join_list(["甲", "乙", 3]) == listed
        assert join_clauses(iter(["甲", "乙", 3])) == clauses
        assert join_list([]) == ""
