"""What the enterprise register establishes about a filing's declarations of conditions (三) and (四)
(RULES.md §1). Pure: no Django imports.

The register knows the enterprise's industry (restricted or not, by :mod:`.industry`) and whether it is on
the abnormal-operations list or the serious-dishonesty list. When it says so, the declaration must say so
too: the filing form shows these flags read-only, the draft service refuses to untick them, and the
workflow refuses to submit or recommend a filing that contradicts them. When the register says nothing,
the flag stays the applicant's to declare (the register knows no major accident and may lag behind)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .industry import is_restricted_industry

# The declaration flags the register can establish, in the filing's order.
REGISTRY_FLAGS = ("restricted_industry", "compliance_violation")


@dataclass(frozen=True)
class RegistryFacts:
    industry: str  # the registered section and code, e.g. "F5191" (empty when unknown)
    restricted_industry: bool
    on_abnormal_list: bool
    seriously_dishonest: bool

    @property
    def compliance_violation(self) -> bool:
        return self.on_abnormal_list or self.seriously_dishonest

    def established(self) -> tuple[str, ...]:
        """The declaration flags the register settles (those it says are true)."""
        return tuple(name for name in REGISTRY_FLAGS if getattr(self, name))

    def contradicted_by(self, declared: Mapping[str, bool]) -> tuple[str, ...]:
        """The established flags that ``declared`` (flag name → declared value) does not declare."""
        return tuple(name for name in self.established() if not declared.get(name))


def registry_facts(
    *, industry_section: str | None, industry_code: str | None, on_abnormal_list: bool, seriously_dishonest: bool
) -> RegistryFacts:
    section = (industry_section or "").strip().upper()[:1]
    code = (industry_code or "").strip().upper()
    return RegistryFacts(
        industry=code if code[:1].isalpha() else f"{section}{code}",
        restricted_industry=is_restricted_industry(section, code),
        on_abnormal_list=bool(on_abnormal_list),
        seriously_dishonest=bool(seriously_dishonest),
    )
