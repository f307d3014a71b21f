from django.db.models import QuerySet

from .models import Enterprise
from .roles import is_city_official, member_enterprise_id, official_district_id


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    """The enterprises a user may see: all for city officials, their district's, or their own."""
    qs = Enterprise.objects.select_related("managing_district", "cluster")
    if is_city_official(user):
        return qs
    if (district_id := official_district_id(user)) is not None:
        return qs.filter(managing_district_id=district_id)
    if (enterprise_id := member_enterprise_id(user)) is not None:
        return qs.filter(pk=enterprise_id)
    return qs.none()
