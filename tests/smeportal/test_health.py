"""Liveness and readiness (smeportal/health.py): the contract the load balancer relies on.

Readiness is 200 when every check passes and 503 naming the failed checks otherwise, with a real outage for
each: PostgreSQL and Redis on a port nobody listens on, the migrations of the code not in the database.
Nothing beyond the checks' names reaches the client, and neither endpoint exists outside the allowed networks.
"""

import socket

import pytest
from django.db import connections
from django.test import override_settings

LIVE = "/health/live/"
READY = "/health/ready/"


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # not there yet: its disk is its parent's


def test_liveness_answers_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(LIVE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_when_everything_is_fine(client, db):
    response = client.get(READY)
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "status": "ok",
        "failed": [],
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok", "media_disk": "ok"},
    }


def test_not_ready_when_postgresql_is_unreachable(client, db, monkeypatch, caplog):
    port = closed_port()
    # The checks run on threads of their own, which connect afresh with these settings.
    unreachable = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "127.0.0.1",
        "PORT": port,
        "NAME": "smeportal",
        "USER": "postgres",
        "OPTIONS": {"connect_timeout": 2},
    }
    monkeypatch.setitem(connections.settings, "default", unreachable)
    response = client.get(READY)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "database" in body["failed"] and body["checks"]["database"] == "failed"
    assert body["checks"]["cache"] == "ok"
    # The why is for the operator's log, not for whoever asked.
    assert str(port) not in response.content.decode()
    assert str(port) in caplog.text


def test_not_ready_when_the_redis_broker_is_down(client, db, settings, caplog):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/6"
    response = client.get(READY)
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert "Connection" in caplog.text


def redis_cache(url: str):
    # Restored before the suite's own teardown clears the cache.
    return override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    )


def test_not_ready_when_the_redis_cache_is_down(client, db):
    with redis_cache(f"redis://127.0.0.1:{closed_port()}/6"):
        response = client.get(READY)
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


@pytest.mark.needs_redis
def test_ready_with_a_live_redis_broker_and_cache(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/6"
    with redis_cache("redis://127.0.0.1:6379/6"):
        response = client.get(READY)
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["broker"] == "ok"


def test_not_ready_while_migrations_are_not_applied(client, db, settings):
    # The suite builds its tables without migrations; with the project's migrations back, none is recorded.
    settings.MIGRATION_MODULES = {}
    response = client.get(READY)
    assert response.status_code == 503
    assert response.json()["failed"] == ["migrations"]


def test_not_ready_when_the_media_disk_is_full(client, db, settings):
    settings.HEALTH_MEDIA_DISK_MAX_PERCENT = 0.0001
    response = client.get(READY)
    assert response.status_code == 503
    assert response.json()["failed"] == ["media_disk"]


@pytest.mark.parametrize("url", [LIVE, READY])
def test_absent_outside_the_allowed_networks(client, db, settings, url):
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 404
    settings.HEALTH_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get(url).status_code == 404  # loopback no longer allowed
    assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 200


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(client, db, settings):
    # An internet client cannot claim to be the load balancer.
    assert client.get(LIVE, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 404
    # Behind one trusted proxy on the same host, the client is the address the proxy saw.
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get(LIVE, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 404
    assert client.get(LIVE, HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 200


def test_a_broker_other_than_redis_is_checked_by_connecting(client, db, settings):
    settings.CELERY_BROKER_URL = "memory://"
    assert client.get(READY).json()["checks"]["broker"] == "ok"
    settings.CELERY_BROKER_URL = f"amqp://guest:guest@127.0.0.1:{closed_port()}//"
    response = client.get(READY)
    assert response.status_code == 503 and response.json()["failed"] == ["broker"]


def test_the_load_balancer_may_probe_with_head(client, db):
    assert client.head(LIVE).status_code == 200
    assert client.head(READY).status_code == 200
