"""Role gates of the assistance pages, each declared once (the city and enterprise gates are in
:mod:`enterprises.permissions`)."""

from enterprises.permissions import is_enterprise_user, role_required
from enterprises.roles import is_city_official, is_official

from .roles import member_department_id


def is_department_user(user) -> bool:
    return member_department_id(user) is not None


department_required = role_required(is_department_user)
department_or_city_required = role_required(is_department_user, is_city_official)
department_or_official_required = role_required(is_department_user, is_official)
# Anyone with an agreement scope: department users, officials (district and city), enterprise users.
agreement_scope_required = role_required(is_department_user, is_official, is_enterprise_user)
