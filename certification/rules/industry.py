"""Restricted industries (RULES.md §1 (三)): the negative list of 财税〔2015〕119号 by GB/T 4754
section and division. The one definition: the pool, the filing's prefilled declaration, the registry
checks and the demo all ask :func:`is_restricted_industry`; the pool's database filter is built from
the same tables. Pure: no Django imports."""

from __future__ import annotations

# RULES.md §1 (三): GB/T 4754 sections wholesale and retail (F), accommodation and catering (H),
# real estate (K), leasing and business services (L); divisions tobacco (C16) and entertainment (R90).
# Division numbers are unique across sections, so a division is restricted whatever section is given.
RESTRICTED_SECTIONS = frozenset({"F", "H", "K", "L"})


RESTRICTED_DIVISIONS = frozenset({"16", "90"})


def is_restricted_industry(section: str | None, code: str | None) -> bool:
    """Whether a GB/T 4754 section letter and/or industry code is on the negative list.

    ``code`` may carry its section letter ("C1610") or not ("1610"); an empty section is taken
    from the code's letter.
    """
    section = (section or "").strip().upper()[:1]
    code = (code or "").strip().upper()
    if code[:1].isalpha():
        section = section or code[0]
        code = code[1:]
    return section in RESTRICTED_SECTIONS or code[:2] in RESTRICTED_DIVISIONS
