"""The assistance app: departments' agreements and service visits with enterprises."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("部门帮扶")

    def ready(self):
        from assistance.models import AssistanceAgreement, DepartmentMembership
        from enterprises.services.moves import keep_district_copies
        from smeportal.security import record_role_grants

        keep_district_copies(AssistanceAgreement)
        record_role_grants(DepartmentMembership, fields=("department",))
