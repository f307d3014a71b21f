"""The portal-wide app: at start-up it connects the receivers of the security audit log and the session limits."""

from django.apps import AppConfig


class SmeportalConfig(AppConfig):
    name = "smeportal"

    def ready(self):
        from . import security, sessions  # noqa: F401 - their receivers record sign-ins and track sessions

        security.connect_lockouts()
