"""Login through an external identity provider by OpenID Connect (the provincial government service
platform's unified identity, 政务服务网统一身份认证), with mozilla-django-oidc, when ``OIDC_ENABLED``.

The provider proves who a person is, not which enterprise they act for: an account that arrives this
way is a plain login, and it acts for an enterprise only through a verified claim, as a self-registered
account does (:mod:`enterprises.services.claims`).
"""

from __future__ import annotations

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from enterprises.backends import user_with_memberships


class ProvincialIdentityBackend(OIDCAuthenticationBackend):
    """Local accounts are keyed by the provider's stable subject identifier, never by a name or e-mail
    that another person could also present."""

    def filter_users_by_claims(self, claims):
        subject = claims.get("sub")
        if not subject:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=self.username_for(subject))

    def create_user(self, claims):
        return self.UserModel.objects.create_user(
            username=self.username_for(claims["sub"]), email=claims.get("email", ""), password=None
        )

    def get_user(self, user_id):
        return user_with_memberships(user_id)

    @staticmethod
    def username_for(subject: str) -> str:
        return f"oidc-{subject}"[:150]
