"""Liveness and readiness for the load balancer (README "Operations").

``GET /health/live/`` answers 200 while the process serves requests, touching nothing else.
``GET /health/ready/`` runs django-health-check's checks (the database, the cache, the Celery broker when
one is configured, the migrations, the media disk) and answers 200 when all pass, or 503 with the names of
the failed ones. The body names checks only: why a check failed (addresses, driver messages) goes to the
log, not to whoever asks. Both answer 404 outside HEALTH_ALLOWED_NETWORKS.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.contrib.psutil import Disk
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from kombu import Connection
from redis.asyncio import Redis as RedisClient

from .internal import client_in_networks, internal_only

PROBE_TIMEOUT = datetime.timedelta(seconds=3)


@dataclasses.dataclass
class Migrations(HealthCheck):
    """Fails while the database lacks a migration of the code that runs (a deploy half done)."""

    alias: str = "default"

    def run(self):
        connection = connections[self.alias]
        with connection.temporary_connection():
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            raise ServiceUnavailable(f"{len(plan)} migrations not applied")


@dataclasses.dataclass
class Broker(HealthCheck):
    """A broker other than Redis (RabbitMQ, say): can a connection be opened?"""

    url: str = dataclasses.field(repr=False, default="")

    def run(self):
        try:
            with Connection(self.url, connect_timeout=PROBE_TIMEOUT.total_seconds()) as connection:
                connection.ensure_connection(max_retries=1)
        except Exception as error:  # kombu raises the transport's own errors
            raise ServiceUnavailable("Unable to connect to the broker") from error


def broker_check(url: str) -> HealthCheck:
    if url.startswith(("redis://", "rediss://", "unix://")):
        seconds = PROBE_TIMEOUT.total_seconds()
        return Redis(
            client_factory=lambda: RedisClient.from_url(url, socket_connect_timeout=seconds, socket_timeout=seconds)
        )
    return Broker(url=url)


def readiness_checks() -> dict[str, HealthCheck]:
    """The checks by the name the answer gives them, as the settings configure the portal now."""
    checks: dict[str, HealthCheck] = {}
    for alias in settings.DATABASES:
        suffix = "" if alias == "default" else f"_{alias}"
        checks[f"database{suffix}"] = Database(alias=alias)
        checks[f"migrations{suffix}"] = Migrations(alias=alias)
    checks["cache"] = Cache(alias="default")
    if settings.CELERY_BROKER_URL:
        checks["broker"] = broker_check(settings.CELERY_BROKER_URL)
    # The media directory appears with the first upload; until then its disk is its nearest parent's.
    media = Path(settings.MEDIA_ROOT)
    media = next(path for path in (media, *media.parents) if path.exists())
    checks["media_disk"] = Disk(path=media, max_disk_usage_percent=settings.HEALTH_MEDIA_DISK_MAX_PERCENT)
    return checks


class ReadinessView(HealthCheckView):
    """django-health-check's view, answering 503 (not 500) and only the checks' names and states."""

    async def dispatch(self, request, *args, **kwargs):
        if not client_in_networks(request, settings.HEALTH_ALLOWED_NETWORKS):
            raise Http404
        return await super().dispatch(request, *args, **kwargs)

    async def get(self, request, *args, **kwargs):
        checks = readiness_checks()
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in checks.values()))
        states = {name: "failed" if result.error else "ok" for name, result in zip(checks, results, strict=True)}
        failed = [name for name, state in states.items() if state == "failed"]
        return JsonResponse(
            {"status": "unavailable" if failed else "ok", "failed": failed, "checks": states},
            status=503 if failed else 200,
        )


readiness = ReadinessView.as_view()


@require_safe
@never_cache
@internal_only("HEALTH_ALLOWED_NETWORKS")
def liveness(request):
    return JsonResponse({"status": "ok"})
