"""A request id on the response and on every log line of the request and of the tasks it enqueues
(smeportal/requestid.py), and the log format the settings choose."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

from smeportal.requestid import RequestIdLogFilter, current_request_id, request_id

ROOT = Path(__file__).resolve().parents[2]
GENERATED = re.compile(r"[0-9a-f]{32}")


def test_each_response_carries_a_generated_id(client, db):
    first, second = client.get("/help/"), client.get("/help/")
    assert GENERATED.fullmatch(first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_id_is_there_during_the_request(rf, db):
    from smeportal.requestid import RequestIdMiddleware

    seen = []
    response = RequestIdMiddleware(lambda request: seen.append(current_request_id()) or _ok())(rf.get("/"))
    assert seen == [response["X-Request-ID"]]
    assert current_request_id() is None  # and gone after it


def _ok():
    from django.http import HttpResponse

    return HttpResponse()


@pytest.mark.parametrize("trusted", [False, True])
def test_an_incoming_id_is_taken_only_from_a_trusted_proxy(client, db, settings, trusted):
    settings.REQUEST_ID_TRUSTED = trusted
    incoming = "4f1c2b9e8a7d6c5b4a39281706f5e4d3"
    answered = client.get("/help/", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]
    assert (answered == incoming) is trusted


@pytest.mark.parametrize("forged", ["abc", "x" * 65, "ok-looking-id\nFAKE LOG LINE", "../../etc", "id with spaces"])
def test_a_malformed_incoming_id_is_replaced(client, db, settings, forged):
    settings.REQUEST_ID_TRUSTED = True
    assert GENERATED.fullmatch(client.get("/help/", HTTP_X_REQUEST_ID=forged)["X-Request-ID"])


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(RequestIdLogFilter())
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.mark.celery_as_configured
def test_a_task_enqueued_in_a_request_logs_with_its_id():
    # A broker and a worker of its own (in a thread, so in another context than the test's): the id can only
    # reach the task through the message.
    broker = Celery("request-id-test", broker="memory://", backend="cache+memory://")
    logger = logging.getLogger("tests.request_id.task")

    @broker.task(name="tests.request_id.logs")
    def logs():
        logger.warning("inside the task")
        return current_request_id()

    handler = Records()
    logger.addHandler(handler)
    try:
        with start_worker(broker, pool="solo", perform_ping_check=False):
            token = request_id.set("req-0123456789abcdef")  # as RequestIdMiddleware sets it for a request
            try:
                result = logs.delay()
            finally:
                request_id.reset(token)
            assert result.get(timeout=10) == "req-0123456789abcdef"
            assert logs.delay().get(timeout=10) is None  # a task from no request has none, not the last one's
    finally:
        logger.removeHandler(handler)
    assert [record.request_id for record in handler.records] == ["req-0123456789abcdef", "-"]


LOG_A_REQUEST = """
import django
django.setup()
from django.conf import settings
from django.test import Client
# No collectstatic here: the 404 page links its static files unhashed.
settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
response = Client().get("/no-such-page/")
print("ID", response["X-Request-ID"])
"""


def run_portal(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "LOG_FORMAT"}}
    environment.update(DJANGO_SETTINGS_MODULE="smeportal.settings", DATABASE_URL="sqlite:///:memory:", **env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60, check=True
    )


def test_json_logs_by_default_in_production():
    done = run_portal(
        LOG_A_REQUEST, DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0"
    )
    answered = done.stdout.split("ID ", 1)[1].strip()
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found, done.stderr
    assert not_found[0]["request_id"] == answered
    assert not_found[0]["level"] == "WARNING" and "Not Found" in not_found[0]["message"]
    assert {"time", "level", "logger", "message", "request_id"} <= not_found[0].keys()


def test_text_logs_in_development(client, db):
    # The suite runs with DEBUG on and no LOG_FORMAT, as development does: the console handler the settings
    # configure, written to a buffer instead of the terminal.
    (console,) = [handler for handler in logging.getLogger().handlers if handler.name == "console"]
    buffer = io.StringIO()
    terminal = console.setStream(buffer)
    try:
        answered = client.get("/no-such-page/")["X-Request-ID"]
    finally:
        console.setStream(terminal)
    logged = buffer.getvalue()
    assert f"WARNING [{answered}] django.request: Not Found: /no-such-page/" in logged
    assert not any(line.startswith("{") for line in logged.splitlines())
