"""Who a user is in the portal, resolved from the membership rows (deny by default).

The reverse one-to-one lookups are cached on the user instance by Django; the signed-in user of a
request comes with all three joined (:mod:`enterprises.backends`), so they cost no query there.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

# The user's reverse one-to-one memberships the role checks read.
MEMBERSHIPS = ("official_membership", "department_membership", "enterprise_membership")


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
    """The enterprise a user acts for once the claim is verified; None before (and for everyone else)."""
    membership = _membership(user, "enterprise_membership")
    return membership.enterprise_id if membership is not None and membership.is_verified else None


def enterprise_membership(user):
    """The user's membership of an enterprise whatever its status (a claim waiting for verification
    included), or None."""
    return _membership(user, "enterprise_membership")


def is_enterprise_admin(user, enterprise_id: int) -> bool:
    """The verified account administrator (企业管理员) of that enterprise."""
    membership = _membership(user, "enterprise_membership")
    return (
        membership is not None
        and membership.is_verified
        and membership.is_admin
        and membership.enterprise_id == enterprise_id
    )


def has_confirmed_enterprise(user) -> bool:
    """A verified account of an enterprise the registry (or the district) has confirmed: the identity
    that may submit filings, object, see agreements and attachments, and get API tokens."""
    membership = _membership(user, "enterprise_membership")
    return membership is not None and membership.is_verified and membership.enterprise.confirmed


def has_portal_role(user) -> bool:
    """An official, a department's user or a verified account of a confirmed enterprise: whom the portal's
    signed-in reads serve. A claim still waiting, or an account with no role, is only a visitor."""
    return (
        is_official(user)
        or _membership(user, "department_membership") is not None
        or has_confirmed_enterprise(user)
    )


def is_unconfirmed_enterprise_user(user) -> bool:
    """An account whose claim is not verified, or whose enterprise is still pending confirmation."""
    return _membership(user, "enterprise_membership") is not None and not has_confirmed_enterprise(user)
