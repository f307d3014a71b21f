"""The Prometheus endpoint (smeportal/metrics.py): what an operator reads there, and who may read it."""

import pytest
import redis
from celery import Celery
from django.db import connection
from django.test.utils import CaptureQueriesContext
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from smeportal.celery import app

METRICS = "/metrics"
BROKER = "redis://127.0.0.1:6379/6"


@app.task(name="tests.metrics.succeeds")
def succeeds():
    return 1


class Boom(Exception):
    pass


@app.task(name="tests.metrics.fails")
def fails():
    raise Boom


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get(METRICS)
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_request_latency_and_queries_by_view(client, db):
    latency = "django_http_requests_latency_seconds_by_view_method_count"
    before = value(latency, view="help", method="GET")
    queries_before = value("smeportal_db_queries_per_request_sum", view="help")
    with CaptureQueriesContext(connection) as counted:
        assert client.get("/help/").status_code == 200
    ran = len(counted.captured_queries)
    samples = scrape(client)
    assert samples[(latency, (("method", "GET"), ("view", "help")))] == before + 1
    assert samples[("smeportal_db_queries_per_request_sum", (("view", "help"),))] == queries_before + ran


def test_latency_buckets_mark_the_targets_and_a_scrape_has_no_creation_times(client, db):
    """Buckets at the page budget (50 ms) and the load budget (300 ms); no ``_created`` line per series."""
    assert client.get("/help/").status_code == 200
    samples = scrape(client)
    bounds = {
        dict(labels)["le"]
        for name, labels in samples
        if name == "django_http_requests_latency_seconds_by_view_method_bucket" and ("view", "help") in labels
    }
    assert {"0.05", "0.3"} <= bounds and len(bounds) == 8
    assert not [name for name, _labels in samples if name.endswith("_created")]


def test_database_queries_are_counted_per_request_and_in_total(client, city_official):
    client.force_login(city_official)
    total = ("smeportal_db_queries_total", (("alias", "default"), ("vendor", connection.vendor)))
    before = scrape(client)
    response = client.get("/notifications/")
    assert response.status_code == 200
    after = scrape(client)
    per_request = ("smeportal_db_queries_per_request_sum", (("view", "notifications"),))
    ran = after[per_request] - before.get(per_request, 0)
    assert ran >= 2  # the session, the user, the notifications
    assert after[total] - before[total] >= ran


def test_celery_task_durations_and_failures(db):
    durations = "smeportal_celery_task_duration_seconds_count"
    ok = value(durations, task="tests.metrics.succeeds", state="SUCCESS")
    failed = value("smeportal_celery_task_failures_total", task="tests.metrics.fails", exception="Boom")
    assert succeeds.delay().get() == 1
    # As a worker runs it: the error is the task's result, not raised to the caller.
    assert isinstance(fails.apply(throw=False).result, Boom)
    assert value(durations, task="tests.metrics.succeeds", state="SUCCESS") == ok + 1
    assert value("smeportal_celery_task_failures_total", task="tests.metrics.fails", exception="Boom") == failed + 1
    assert value(durations, task="tests.metrics.fails", state="FAILURE") >= 1


@pytest.mark.needs_redis
def test_queue_length_is_read_from_the_broker_at_scrape_time(client, db, settings):
    settings.CELERY_BROKER_URL = BROKER
    broker = redis.Redis.from_url(BROKER)
    broker.delete("celery")
    publisher = Celery("metrics-test", broker=BROKER)
    try:
        for _ in range(3):
            publisher.send_task("tests.metrics.succeeds")
        samples = scrape(client)
        assert samples[("smeportal_celery_queue_length", (("queue", "celery"),))] == 3
        assert samples[("smeportal_celery_broker_up", ())] == 1
    finally:
        broker.delete("celery")
        publisher.close()


def test_a_broker_that_does_not_answer_is_reported_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/6"
    samples = scrape(client)
    assert samples[("smeportal_celery_broker_up", ())] == 0
    assert not any(name == "smeportal_celery_queue_length" for name, _ in samples)


def test_off_the_public_surface(client, db, settings):
    assert client.get(METRICS, REMOTE_ADDR="203.0.113.7").status_code == 404
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get(METRICS).status_code == 404
    assert client.get(METRICS, REMOTE_ADDR="10.0.0.5").status_code == 200
    settings.METRICS_ENABLED = False
    assert client.get(METRICS, REMOTE_ADDR="10.0.0.5").status_code == 404
