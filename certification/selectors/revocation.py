"""Reads of revocation procedures, scoped by the one primitive (:mod:`enterprises.scoping`)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from certification.models import Revocation
from enterprises.creditcode import normalize_credit_code
from enterprises.scoping import enterprise_scope

CREDIT_CODE_LENGTH = 18


def revocations_visible_to(user) -> QuerySet[Revocation]:
    """All for city officials; their district's enterprises for district officials (read-only);
    their own enterprise's for enterprise users; nothing for anyone else."""
    return Revocation.objects.select_related("registration__enterprise__managing_district").filter(
        enterprise_scope(user).q("registration__enterprise")
    )


def search_revocations(qs: QuerySet[Revocation], text: str) -> QuerySet[Revocation]:
    """Enterprise name (contains), credit code (exact) or registration number (exact)."""
    text = (text or "").strip()
    if not text:
        return qs
    condition = Q(registration__enterprise__name__icontains=text) | Q(registration__number=text.upper())
    code = normalize_credit_code(text)
    if len(code) == CREDIT_CODE_LENGTH:
        condition |= Q(registration__enterprise__credit_code=code)
    return qs.filter(condition)


def announced_revocations() -> QuerySet[Revocation]:
    """The public announcements: decided revocations that revoked the registration, newest first."""
    return (
        Revocation.objects.filter(state=Revocation.State.REVOKED, announced_at__isnull=False)
        .select_related("registration__enterprise")
        .order_by("-announced_at", "-id")
    )
