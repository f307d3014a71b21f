"""Reads of filings, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from certification.models import Application
from enterprises.roles import is_city_official, member_enterprise_id, official_district_id


def applications_visible_to(user) -> QuerySet[Application]:
    """All filings for city officials, their district's for district officials, their own for enterprises."""
    qs = Application.objects.select_related("enterprise__managing_district")
    if is_city_official(user):
        return qs
    if (district_id := official_district_id(user)) is not None:
        return qs.filter(enterprise__managing_district_id=district_id)
    if (enterprise_id := member_enterprise_id(user)) is not None:
        return qs.filter(enterprise_id=enterprise_id)
    return qs.none()
