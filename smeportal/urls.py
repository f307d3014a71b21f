"""The root URL configuration: every app's pages, the API under /api/v1/, the schema and the admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from dashboards.guide import guide
from dashboards.workbench import home
from smeportal.api_docs import SchemaView, SwaggerView
from smeportal.health import liveness, readiness
from smeportal.metrics import metrics
from smeportal.views import favicon, notifications

admin.site.site_header = _("科技型中小企业服务平台管理后台")
admin.site.site_title = _("科技型中小企业服务平台")

urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("help/", guide, name="help"),
    path("notifications/", notifications, name="notifications"),
    path("accounts/", include("enterprises.account_urls")),
    path("enterprises/", include("enterprises.urls")),
    path("certification/", include("certification.urls")),
    path("assistance/", include("assistance.urls")),
    path("quotas/", include("quotas.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("smeportal.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("health/live/", liveness, name="health-live"),
    path("health/ready/", readiness, name="health-ready"),
    path("metrics", metrics, name="metrics"),
]
if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

# A server error is rendered without the request's context processors, which may be what failed.
handler500 = "smeportal.errorpages.server_error"
