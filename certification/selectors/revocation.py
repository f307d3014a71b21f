"""Reads of revocation procedures, scoped by the one primitive (:mod:`enterprises.scoping`)."""

from __future__ import annotations

from django.db.models import QuerySet

from certification.models import Revocation
from certification.selectors.registration import registration_search_condition
from enterprises.scoping import enterprise_scope
from enterprises.search import is_too_short


def revocations_visible_to(user) -> QuerySet[Revocation]:
    """All for city officials; their district's enterprises for district officials (read-only);
    their own enterprise's for enterprise users; nothing for anyone else."""
    return Revocation.objects.select_related("registration__enterprise__managing_district").filter(
        enterprise_scope(user).q("registration__enterprise")
    )


def search_revocations(qs: QuerySet[Revocation], text: str) -> QuerySet[Revocation]:
    """Enterprise name (contains), credit code or registration number, as the public lookup finds them."""
    text = (text or "").strip()
    if not text:
        return qs
    if is_too_short(text):
        return qs.none()
    return qs.filter(registration_search_condition(text, prefix="registration__"))


def announced_revocations() -> QuerySet[Revocation]:
    """The public announcements: decided revocations that revoked the registration, newest first."""
    return (
        Revocation.objects.filter(state=Revocation.State.REVOKED, announced_at__isnull=False)
        .select_related("registration__enterprise")
        .order_by("-announced_at", "-id")
    )
