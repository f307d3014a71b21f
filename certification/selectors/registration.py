"""Reads of registrations, scoped by the one primitive like the filings they come from."""

from __future__ import annotations

from django.db.models import QuerySet

from certification.models import Registration
from enterprises.scoping import enterprise_scope


def registrations_visible_to(user) -> QuerySet[Registration]:
    """Every registration for city officials, their district's for district officials, their own for
    enterprise users (a registered filing was submitted, so officials see all of their scope's)."""
    return Registration.objects.filter(enterprise_scope(user).q("enterprise")).select_related("enterprise")


def latest_registration(user, enterprise_id: int) -> Registration | None:
    """The enterprise's newest registration the user sees (revoked or expired ones included: the card
    says so), or None."""
    return (
        registrations_visible_to(user).filter(enterprise_id=enterprise_id).order_by("-evaluation_year", "-pk").first()
    )
