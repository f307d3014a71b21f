"""The refusal of a filing's transition (the workflow's domain error)."""

from __future__ import annotations

from collections.abc import Iterable

from certification import rules
from smeportal.errors import DomainError


class TransitionError(DomainError):
    """A transition the filing's state, the calendar or a guard does not allow; nothing was written.

    ``reasons`` and ``gap`` carry the engine's result when the self-evaluation is what refused it."""

    def __init__(self, message: str, *, reasons: Iterable[rules.Reason] = (), gap: Iterable[rules.Gap] = ()):
        super().__init__(message)
        self.reasons = list(reasons)
        self.gap = list(gap)

    def as_body(self) -> dict:
        return {**super().as_body(), "reasons": self.reasons, "gap": self.gap}
