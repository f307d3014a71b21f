"""The portal's password backend: the signed-in user comes with its memberships.

Every page asks who the user is (:mod:`enterprises.roles`: the navigation, the scoping, the
permissions), which reads all three reverse one-to-one memberships. Fetched one by one they cost three
queries per request on top of the user's own; joined to it, none.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from enterprises.roles import MEMBERSHIPS


def user_with_memberships(user_id):
    """The user with each membership joined (absent ones cached as absent), or None."""
    return get_user_model()._default_manager.select_related(*MEMBERSHIPS).filter(pk=user_id).first()


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_with_memberships(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
