"""Prometheus metrics for operators (README "Operations"), served at ``/metrics`` to METRICS_ALLOWED_NETWORKS.

django-prometheus measures the requests (latency by view, status codes). This module adds what it does not:
the database queries (all of them by database, and per request by view), the Celery tasks (duration by task
and outcome, failures by task and exception, from Celery's signals, so in the worker and in-process alike)
and the length of the broker's queues, read from Redis when the scrape asks.

Under gunicorn (several processes) and a Celery worker, each process has its own counters: with
PROMETHEUS_MULTIPROC_DIR set (the same empty directory for all of them on a host), a scrape adds them up.
"""

from __future__ import annotations

import contextvars
import time

import prometheus_client
import redis
from celery import current_app
from celery.signals import task_failure, task_postrun, task_prerun
from django.conf import settings
from django.db.backends.signals import connection_created
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView
from kombu.transport.redis import Channel
from prometheus_client.core import GaugeMetricFamily

from .internal import internal_only

# Each counter and histogram of every view would also write its creation time: a fifth of a scrape's lines,
# which Prometheus does not need (it detects counter resets itself).
prometheus_client.disable_created_metrics()

DB_QUERIES = prometheus_client.Counter("smeportal_db_queries_total", "Database queries executed.", ["alias", "vendor"])
QUERIES_PER_REQUEST = prometheus_client.Histogram(
    "smeportal_db_queries_per_request",
    "Database queries of one request, by view.",
    ["view"],
    buckets=(2, 5, 10, 20, 50, 200, float("inf")),
)
TASK_DURATION = prometheus_client.Histogram(
    "smeportal_celery_task_duration_seconds",
    "Time a Celery task ran, by task and outcome (SUCCESS, FAILURE, RETRY).",
    ["task", "state"],
    buckets=(0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, float("inf")),
)
TASK_FAILURES = prometheus_client.Counter(
    "smeportal_celery_task_failures_total", "Celery tasks that raised, by task and exception.", ["task", "exception"]
)

# --- Database queries ---------------------------------------------------------------------------

# While a request runs: a one-element list its queries are counted in.
_request_queries: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("request_queries", default=None)


def _count_query(execute, sql, params, many, context):
    connection = context["connection"]
    DB_QUERIES.labels(connection.alias, connection.vendor).inc()
    counted = _request_queries.get()
    if counted is not None:
        counted[0] += 1
    return execute(sql, params, many, context)


def _count_queries_on(sender, connection, **kwargs):
    if _count_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count_query)


class QueryCountMiddleware:
    """Observes how many queries each request ran, labelled by its view's name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counted = [0]
        token = _request_queries.set(counted)
        try:
            response = self.get_response(request)
        finally:
            _request_queries.reset(token)
        match = request.resolver_match
        QUERIES_PER_REQUEST.labels(match.view_name if match else "<unresolved>").observe(counted[0])
        return response


# --- Celery tasks ---------------------------------------------------------------------------------

_started: dict[str, float] = {}


def _task_started(task_id=None, **kwargs):
    _started[task_id] = time.monotonic()


def _task_finished(task_id=None, task=None, state=None, **kwargs):
    started = _started.pop(task_id, None)
    if started is not None and task is not None:
        TASK_DURATION.labels(task.name, state or "UNKNOWN").observe(time.monotonic() - started)


def _task_failed(sender=None, exception=None, **kwargs):
    TASK_FAILURES.labels(getattr(sender, "name", "unknown"), type(exception).__name__).inc()


# --- Queue length ----------------------------------------------------------------------------------


def queue_names() -> list[str]:
    queues = current_app.conf.task_queues
    return sorted({queue.name for queue in queues} if queues else {current_app.conf.task_default_queue})


class QueueLengthCollector:
    """The messages waiting in each Celery queue on a Redis broker, read at scrape time (LLEN of the queue's
    list and of its priority lists, as kombu's Redis transport names them)."""

    def collect(self):
        url = settings.CELERY_BROKER_URL
        if not url.startswith(("redis://", "rediss://", "unix://")):
            return
        up = GaugeMetricFamily("smeportal_celery_broker_up", "1 when the Redis broker answered the scrape.")
        length = GaugeMetricFamily(
            "smeportal_celery_queue_length", "Messages waiting in a Celery queue.", labels=["queue"]
        )
        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
            with client.pipeline(transaction=False) as pipeline:
                names = queue_names()
                for name in names:
                    for step in Channel.priority_steps:
                        pipeline.llen(f"{name}{Channel.sep}{step}" if step else name)
                counts = pipeline.execute()
            client.close()
        except redis.RedisError:
            up.add_metric([], 0)
            yield up
            return
        steps = len(Channel.priority_steps)
        for index, name in enumerate(names):
            length.add_metric([name], sum(counts[index * steps : (index + 1) * steps]))
        up.add_metric([], 1)
        yield up
        yield length


_queue_registry = prometheus_client.CollectorRegistry(auto_describe=False)
_queue_registry.register(QueueLengthCollector())


def install() -> None:
    """Connect the signals that feed the metrics (from the app's ready(), when METRICS_ENABLED)."""
    connection_created.connect(_count_queries_on, dispatch_uid="smeportal.metrics.queries")
    task_prerun.connect(_task_started, dispatch_uid="smeportal.metrics.prerun", weak=False)
    task_postrun.connect(_task_finished, dispatch_uid="smeportal.metrics.postrun", weak=False)
    task_failure.connect(_task_failed, dispatch_uid="smeportal.metrics.failure", weak=False)


@require_safe
@never_cache
@internal_only("METRICS_ALLOWED_NETWORKS")
def metrics(request):
    if not settings.METRICS_ENABLED:
        raise Http404
    # django-prometheus's exporter (one process, or every process under PROMETHEUS_MULTIPROC_DIR), and
    # the queues, which belong to no process.
    response = ExportToDjangoView(request)
    return HttpResponse(
        response.content + prometheus_client.generate_latest(_queue_registry),
        content_type=prometheus_client.CONTENT_TYPE_LATEST,
    )
