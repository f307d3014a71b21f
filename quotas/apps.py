"""The quotas app: the tech-share and department-share jobs, their snapshots, runs and alerts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotasConfig(AppConfig):
    name = "quotas"
    verbose_name = _("指标测算")
