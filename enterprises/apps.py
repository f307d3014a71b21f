"""The enterprises app: the registry, districts, memberships, roles and scoping."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("企业库")

    def ready(self):
        from smeportal.security import record_role_grants

        from . import two_factor  # noqa: F401 - its sign-in receiver stamps the session limits and the 2FA gate
        from .models import Enterprise, EnterpriseMembership, OfficialMembership
        from .search import JoinedSubstring, Substring

        for lookup in (Substring, JoinedSubstring):
            Enterprise._meta.get_field("name").register_lookup(lookup)
        record_role_grants(OfficialMembership, fields=("district",))
        record_role_grants(EnterpriseMembership, fields=("enterprise", "status", "is_admin"))
