"""The portal-wide app: at start-up it connects the receivers of the security audit log and the session limits,
and the Celery signals the request id and the metrics listen to."""

from django.apps import AppConfig
from django.conf import settings


class SmeportalConfig(AppConfig):
    name = "smeportal"

    def ready(self):
        from . import security, sessions  # noqa: F401 - their receivers record sign-ins and track sessions

        security.connect_lockouts()
        # The request id's Celery signals, in the web process (publish) and the worker (run) alike.
        from . import requestid  # noqa: F401

        if settings.METRICS_ENABLED:
            from . import metrics

            metrics.install()
