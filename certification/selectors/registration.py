"""Reads of registrations, scoped by the one primitive like the filings they come from."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from certification.models import Registration
from certification.rules.registration import as_registration_number
from enterprises.scoping import enterprise_scope
from enterprises.search import name_or_code_condition


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


def registration_search_condition(text: str, prefix: str = "") -> Q:
    """The registration at ``prefix`` ("" or "…__") numbered ``text`` (its unique btree), else of an enterprise
    whose name contains ``text`` or whose credit code matches it. A number is never part of a name or a
    code, and a condition on one table at a time lets the planner use that table's indexes (and, for
    the name, estimate how many match: see enterprises.search.JoinedSubstring)."""
    if number := as_registration_number(text):
        return Q(**{f"{prefix}number": number})
    return name_or_code_condition(f"{prefix}enterprise__", text, joined=True)


def registrations_found(text: str) -> QuerySet[Registration]:
    """The public lookup: every registration (any standing) matching ``text``, newest year first."""
    return (
        Registration.objects.filter(registration_search_condition(text))
        .select_related("enterprise__managing_district")
        .order_by("-evaluation_year", "number")
    )
