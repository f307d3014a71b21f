import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from enterprises.creditcode import (
    ALPHABET,
    is_valid_credit_code,
    normalize_credit_code,
    normalize_credit_codes,
    valid_credit_codes,
    with_check_character,
)


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("91350100M000100Y43", True),  # the standard's own example
        ("91510703MA62QK7L2U", True),
        ("91510703MA62QK7L2V", False),  # wrong check character
        ("91350100M000100Y4", False),  # 17 characters
        ("91350100M000100Y433", False),  # 19 characters
        ("91350100M000100I43", False),  # I is not in the alphabet
        ("91350100M000100O43", False),
        # Positions 3–8 are an administrative code: a letter there fails even with the right check character.
        (with_check_character("91A10703MA62QK7L2"), False),
        (with_check_character("9151070AMA62QK7L2"), False),
        ("", False),
    ],
)
def test_check_character(code, valid):
    assert is_valid_credit_code(code) is valid


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        (" 9135 0100-M000 100Y43 ", "91350100M000100Y43"),
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),
        ("91510703ma62qk7l2u", "91510703MA62QK7L2U"),
        ("91510703—MA62QK7L2U", "91510703MA62QK7L2U"),
        (None, ""),
    ],
)
def test_normalisation(raw, normalised):
    assert normalize_credit_code(raw) == normalised


def test_column_functions_agree_with_single_values():
    raw = pd.Series(["91350100M000100Y43", " ９１５１０７０３ＭＡ６２ＱＫ７Ｌ２Ｕ", "bad", None, 12345])
    codes = normalize_credit_codes(raw)
    assert valid_credit_codes(codes).tolist() == [True, True, False, False, False]


@given(
    st.text(alphabet=ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)
def test_generated_codes_validate_and_any_single_change_is_caught(kind, area, organisation):
    code = with_check_character(kind + area + organisation)
    assert is_valid_credit_code(code)
    wrong = ALPHABET[(ALPHABET.index(code[-1]) + 1) % len(ALPHABET)]
    assert not is_valid_credit_code(code[:-1] + wrong)


def test_with_check_character_refuses_bad_input():
    with pytest.raises(ValueError, match="credit-code"):
        with_check_character("91350100M000100I4")


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_a_letter_in_the_administrative_code_is_refused_whatever_its_check_character(first17):
    code = with_check_character(first17)
    assert is_valid_credit_code(code) is first17[2:8].isdigit()
