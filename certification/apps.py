"""The certification app: the national evaluation, filings and their procedure."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("评价入库")

    def ready(self):
        from certification.models import Application
        from certification.services.pool import keep_pool_distances
        from enterprises.services.moves import keep_district_copies

        keep_district_copies(Application)
        keep_pool_distances()
