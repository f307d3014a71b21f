"""Reads of enterprises and districts, scoped by :func:`enterprises.scoping.enterprise_scope`."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from enterprises.models import EnterpriseMembership
from enterprises.roles import enterprise_membership
from smeportal.history_read import object_history
from smeportal.listing import Sorting
from smeportal.models import ChangeRecord

from .creditcode import normalize_credit_code
from .models import District, DistrictMove, Enterprise
from .scoping import enterprise_scope
from .search import CREDIT_CODE_LENGTH, is_too_short, name_or_code_condition

# The enterprise list's sort keys (the id last keeps pages stable); newest first by default.
ENTERPRISE_SORTING = Sorting(
    keys={
        "name": ("name", "id"),
        "credit_code": ("credit_code", "id"),
        "district": ("managing_district__sort_order", "managing_district__code", "id"),
        "established": ("established_on", "id"),
        "status": ("status", "id"),
    },
    default="-established",
)


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    """The enterprises a user may see: all for city officials, their district's, or their own."""
    return Enterprise.objects.select_related("managing_district", "cluster").filter(enterprise_scope(user).q())


def enterprise_history(user, enterprise_id: int) -> QuerySet[ChangeRecord]:
    """The change history of an enterprise in the user's scope (Http404 outside it), with its assistance
    agreements and their service records, newest first. Officials only: an enterprise user sees the
    history of its filings, not of the registry's record (PermissionDenied)."""
    scope = enterprise_scope(user)
    if not Enterprise.objects.filter(scope.q(), pk=enterprise_id).exists():
        raise Http404
    if not scope.is_official:
        raise PermissionDenied
    return object_history(Enterprise, enterprise_id)


def managing_district_on(day: dt.date) -> Coalesce:
    """An expression for the id of the district that managed the enterprise on ``day``.

    The district it left by the first move after that day, else the current one (a move counts from
    the day it happened). One correlated lookup on the (enterprise, moved_on) index per enterprise.
    """
    later_moves = DistrictMove.objects.filter(enterprise=OuterRef("pk"), moved_on__gt=day).order_by("moved_on", "pk")
    return Coalesce(
        Subquery(later_moves.values("from_district_id")[:1]), F("managing_district_id"), output_field=BigIntegerField()
    )


def districts_visible_to(user) -> QuerySet[District]:
    """Every district for city officials, their own for district officials, none for anyone else."""
    scope = enterprise_scope(user)
    if scope.everything:
        return District.objects.all()
    if scope.district_id is not None:
        return District.objects.filter(pk=scope.district_id)
    return District.objects.none()


def search_enterprises(qs: QuerySet[Enterprise], text: str | None) -> QuerySet[Enterprise]:
    """Enterprises whose name contains ``text`` or whose credit code starts with it (normalised), through
    the indexes of :mod:`enterprises.search`; a whole credit code matches that enterprise only. Blank
    text: ``qs`` unchanged; text under the minimum length: nothing (the form says why)."""
    text = (text or "").strip()
    if not text:
        return qs
    if is_too_short(text):
        return qs.none()
    code = normalize_credit_code(text)
    if len(code) == CREDIT_CODE_LENGTH:
        return qs.filter(credit_code=code)
    return qs.filter(name_or_code_condition("", text))


def enterprises_managed_by(user) -> QuerySet[Enterprise]:
    """The enterprises an official works on (the cultivation pool, its estimates): the official's scope;
    none for enterprise users and everyone else."""
    scope = enterprise_scope(user)
    return Enterprise.objects.filter(scope.q()) if scope.is_official else Enterprise.objects.none()


def claims_to_decide(user) -> QuerySet[EnterpriseMembership]:
    """Claims waiting for verification that ``user`` may decide: an official's scope, or the claims to
    the enterprise a user administers; oldest first."""
    claims = EnterpriseMembership.objects.filter(status=EnterpriseMembership.Status.CLAIMED).select_related(
        "user", "enterprise__managing_district"
    )
    scope = enterprise_scope(user)
    if scope.is_official:
        return claims.filter(scope.q("enterprise")).order_by("created_at", "pk")
    own = enterprise_membership(user)
    if own is not None and own.is_verified and own.is_admin:
        return claims.filter(enterprise_id=own.enterprise_id).order_by("created_at", "pk")
    return claims.none()


def members_of(enterprise_id: int) -> QuerySet[EnterpriseMembership]:
    """The accounts of an enterprise, verified first, with who decided them."""
    return (
        EnterpriseMembership.objects.filter(enterprise_id=enterprise_id)
        .select_related("user", "decided_by")
        .order_by("-is_admin", "status", "created_at", "pk")
    )
