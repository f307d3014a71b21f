"""Who a user is in the portal, resolved from the membership rows (deny by default).

The reverse one-to-one lookups are cached on the user instance by Django, so each costs at most
one query per request.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist


def _membership(user, attribute: str):
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return getattr(user, attribute)
    except ObjectDoesNotExist:
        return None


def is_city_official(user) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    membership = _membership(user, "official_membership")
    return membership is not None and membership.district_id is None


def official_district_id(user) -> int | None:
    """The district a district official works for; None for everyone else (city officials included)."""
    membership = _membership(user, "official_membership")
    return membership.district_id if membership is not None else None


def is_official(user) -> bool:
    return is_city_official(user) or official_district_id(user) is not None


def member_enterprise_id(user) -> int | None:
    membership = _membership(user, "enterprise_membership")
    return membership.enterprise_id if membership is not None else None
