from django.db.models import Q, QuerySet

from .creditcode import normalize_credit_code
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


def search_enterprises(qs: QuerySet[Enterprise], text: str | None) -> QuerySet[Enterprise]:
    """Enterprises whose name contains ``text`` or whose credit code starts with it (normalised); a
    whole credit code matches that enterprise only. Blank text: ``qs`` unchanged."""
    text = (text or "").strip()
    if not text:
        return qs
    code = normalize_credit_code(text)
    if len(code) == 18:
        return qs.filter(credit_code=code)
    return qs.filter(Q(name__contains=text) | Q(credit_code__startswith=code))
