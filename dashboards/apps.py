"""The dashboards app: read-only city and district dashboards over the quota snapshots."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("数据看板")
