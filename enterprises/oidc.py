"""Login through an external identity provider by OpenID Connect (the provincial government service
platform's unified identity, 政务服务网统一身份认证), with mozilla-django-oidc, when ``OIDC_ENABLED``.

The provider proves who a person is, not which enterprise they act for: an account that arrives this
way is a plain login, and it acts for an enterprise only through a verified claim, as a self-registered
account does (:mod:`enterprises.services.claims`), made on the claim page (``/accounts/claim/``).
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from enterprises.backends import user_with_memberships
from enterprises.models import ProviderIdentity

# The start of the usernames of the accounts the provider creates (random characters follow); self-registration
# refuses it (:class:`enterprises.account_forms.EnterpriseRegistrationForm`).
PROVIDER_USERNAME_PREFIX = "oidc-"


class ProvincialIdentityBackend(OIDCAuthenticationBackend):
    """Local accounts are found by the provider's stable subject identifier, stored in
    :class:`~enterprises.models.ProviderIdentity` (unique in the database), never by a name or e-mail that
    another person could also present or register first."""

    def filter_users_by_claims(self, claims):
        subject = claims.get("sub")
        if not subject:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(provider_identity__subject=subject)

    def create_user(self, claims):
        """A new account linked to the subject. Its username says where it came from and nothing of the
        person (a subject is often a resident ID number; usernames are shown to an enterprise's accounts)."""
        subject = claims["sub"]
        try:
            with transaction.atomic():
                user = self.UserModel.objects.create_user(
                    username=f"{PROVIDER_USERNAME_PREFIX}{secrets.token_hex(8)}",
                    email=claims.get("email", ""),
                    password=None,
                )
                ProviderIdentity.objects.create(user=user, subject=subject)
        except IntegrityError:
            # The same person's first sign-in in another tab linked the subject a moment ago.
            return self.UserModel.objects.get(provider_identity__subject=subject)
        return user

    def get_user(self, user_id):
        return user_with_memberships(user_id)
