"""The project app: on start, connects the Celery signals the request id and the metrics listen to."""

from django.apps import AppConfig
from django.conf import settings


class SmeportalConfig(AppConfig):
    name = "smeportal"

    def ready(self):
        # The request id's Celery signals, in the web process (publish) and the worker (run) alike.
        from . import requestid  # noqa: F401

        if settings.METRICS_ENABLED:
            from . import metrics

            metrics.install()
