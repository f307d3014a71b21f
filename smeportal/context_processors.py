"""Template context the base layout needs on every page, whatever the app."""

from django.conf import settings
from django.utils.translation import gettext as _


def identity_provider(request):
    """The external identity provider's name, when one is configured (the login page offers it)."""
    return {"oidc_provider_name": settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else ""}


def site_contact(request):
    """Who runs the portal and how to reach them: the footer and the help page."""
    return {
        "portal_host_organisation": settings.PORTAL_HOST_ORGANISATION or _("绵阳市科学技术局"),
        "portal_contact_phone": settings.PORTAL_CONTACT_PHONE,
        "portal_contact_email": settings.PORTAL_CONTACT_EMAIL,
    }
