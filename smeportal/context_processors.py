"""Template context the base layout needs on every page, whatever the app."""

from django.conf import settings


def identity_provider(request):
    """The external identity provider's name, when one is configured (the login page offers it)."""
    return {"oidc_provider_name": settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else ""}
