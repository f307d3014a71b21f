"""Reads of revocation procedures, with the role scoping in one place (as ``applications_visible_to``)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from certification.models import Revocation
from enterprises.creditcode import normalize_credit_code
from enterprises.roles import is_city_official, member_enterprise_id, official_district_id

CREDIT_CODE_LENGTH = 18


def revocations_visible_to(user) -> QuerySet[Revocation]:
    """All for city officials; their district's enterprises for district officials (read-only);
    their own enterprise's for enterprise users; nothing for anyone else."""
    qs = Revocation.objects.select_related("registration__enterprise__managing_district")
    if is_city_official(user):
        return qs
    if (district_id := official_district_id(user)) is not None:
        return qs.filter(registration__enterprise__managing_district_id=district_id)
    if (enterprise_id := member_enterprise_id(user)) is not None:
        return qs.filter(registration__enterprise_id=enterprise_id)
    return qs.none()


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
