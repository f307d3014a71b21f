"""The versioned REST API: each app contributes its routes under /api/v1/."""

from django.urls import include, path

urlpatterns = [
    path("enterprises/", include("enterprises.api_urls")),
    path("certification/", include("certification.api_urls")),
]
