"""The one scoping primitive: which enterprises a user acts on, and the role gates of the views.

Every selector, view, API viewset, service check and export scopes by :func:`enterprise_scope`:
a city official sees every enterprise, a district official those the district manages, an
enterprise user their own enterprise, anyone else none. Records that hang off an enterprise
(filings, registrations, revocations, agreements) are scoped with ``scope.q("path__to__enterprise")``,
so the rule is written once and a record outside the scope is a 404 everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from .roles import is_city_official, member_enterprise_id, official_district_id


@dataclass(frozen=True)
class EnterpriseScope:
    everything: bool = False
    district_id: int | None = None
    enterprise_id: int | None = None

    @property
    def is_official(self) -> bool:
        """A city or district official (the reviewing side), as opposed to an enterprise user."""
        return self.everything or self.district_id is not None

    @property
    def is_enterprise_user(self) -> bool:
        return self.enterprise_id is not None

    @property
    def is_empty(self) -> bool:
        return not (self.is_official or self.is_enterprise_user)

    def q(self, path: str = "", *, district: str = "") -> Q:
        """The scope as a filter on enterprises (``path`` empty) or on a relation leading to one. ``district``
        names the record's own copy of its enterprise's managing district, where it keeps one (filings, agreements)."""
        if self.everything:
            return Q()
        if self.district_id is not None:
            district = district or (f"{path}__managing_district" if path else "managing_district")
            return Q(**{f"{district}_id": self.district_id})
        if self.enterprise_id is not None:
            return Q(**{f"{path}_id" if path else "pk": self.enterprise_id})
        return Q(pk__in=[])

    def allows(self, *, enterprise_id: int, managing_district_id: int | None) -> bool:
        """The same rule as :meth:`q`, for one enterprise already in hand."""
        if self.everything:
            return True
        if self.district_id is not None:
            return self.district_id == managing_district_id
        return self.enterprise_id is not None and self.enterprise_id == enterprise_id


NO_SCOPE = EnterpriseScope()


def enterprise_scope(user) -> EnterpriseScope:
    """The enterprises ``user`` may see and act on (city, then district, then enterprise membership)."""
    if is_city_official(user):
        return EnterpriseScope(everything=True)
    if (district_id := official_district_id(user)) is not None:
        return EnterpriseScope(district_id=district_id)
    if (enterprise_id := member_enterprise_id(user)) is not None:
        return EnterpriseScope(enterprise_id=enterprise_id)
    return NO_SCOPE
