"""Unified social credit code (统一社会信用代码, GB 32100-2015): normalisation and check character.

Pure module (pandas/numpy, no Django). The column-wise functions are the implementation; the
single-value helpers used by forms and serializers call them, so the registry import, the forms
and the API agree on every code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Positions 3–8 are the registering authority's six-digit administrative code (RULES.md §4).
CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
# Weight of position i (1-based) is 3^(i-1) mod 31.
WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)

# ASCII byte -> value 0..30, or -1 for a character outside the alphabet.
_VALUE_OF_BYTE = np.full(256, -1, dtype=np.int64)
for _value, _char in enumerate(ALPHABET):
    _VALUE_OF_BYTE[ord(_char)] = _value
_SEPARATORS = r"[\s\-‐‑‒–—―－_]+"


def normalize_credit_codes(raw: pd.Series) -> pd.Series:
    """Full-width to half-width, drop spaces and hyphens, upper-case. Missing values become ''."""
    text = raw.astype("string").fillna("")
    return text.str.normalize("NFKC").str.replace(_SEPARATORS, "", regex=True).str.upper().astype(object)


def _check_characters(first17: np.ndarray) -> np.ndarray:
    """The check character for each row of an (n, 17) array of alphabet values."""
    remainder = (first17 * WEIGHTS).sum(axis=1) % 31
    check_values = (31 - remainder) % 31
    return np.array(list(ALPHABET))[check_values]


def valid_credit_codes(codes: pd.Series) -> pd.Series:
    """True where a normalised code has the right shape and check character."""
    codes = codes.astype("string").fillna("")
    shaped = codes.str.fullmatch(CREDIT_CODE_PATTERN).fillna(False).to_numpy(dtype=bool)
    result = np.zeros(len(codes), dtype=bool)
    if shaped.any():
        candidates = codes[shaped].to_numpy(dtype=str).astype("S18")
        values = _VALUE_OF_BYTE[np.frombuffer(candidates.tobytes(), dtype=np.uint8).reshape(-1, 18)]
        expected = _check_characters(values[:, :17])
        actual = np.array(list(ALPHABET))[values[:, 17]]
        result[shaped] = expected == actual
    return pd.Series(result, index=codes.index)


def normalize_credit_code(raw: str | None) -> str:
    return normalize_credit_codes(pd.Series([raw], dtype=object)).iloc[0]


def is_valid_credit_code(code: str) -> bool:
    return bool(valid_credit_codes(pd.Series([code], dtype=object)).iloc[0])


def with_check_character(first17: str) -> str:
    """Complete 17 alphabet characters with their check character (used to generate demo data)."""
    values = _VALUE_OF_BYTE[np.frombuffer(first17.encode("ascii"), dtype=np.uint8)]
    if len(first17) != 17 or (values < 0).any():
        raise ValueError(f"not 17 credit-code characters: {first17!r}")
    return first17 + _check_characters(values.reshape(1, 17))[0]
