"""The versioned REST API: each app contributes its routes under /api/v1/.

Authentication: the session (browser) or ``Authorization: Token <key>``
(:mod:`smeportal.authentication`). A user gets a key by posting their username and password to
``auth/token/`` (throttled per client and subject to the login lockout) or on their tokens page.
"""

from django.urls import include, path

urlpatterns = [
    path("auth/", include("enterprises.token_urls")),
    path("enterprises/", include("enterprises.api_urls")),
    path("certification/", include("certification.api_urls")),
    path("assistance/", include("assistance.api_urls")),
]
