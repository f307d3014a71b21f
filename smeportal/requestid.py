"""One id per request on every log line it causes, in the web process and in the Celery tasks it enqueues.

The id comes from the request's X-Request-ID when the proxy in front is trusted to set it
(REQUEST_ID_TRUSTED) and it looks like an id; otherwise it is generated. The response carries it back in
X-Request-ID, so a user's complaint, the proxy's access log and the portal's logs can be joined.

A task enqueued during the request carries the id in its message headers (``before_task_publish``); the
worker takes it back before the task runs (``task_prerun``) and drops it after (``task_postrun``). A task
run in-process (no broker) runs inside the request and keeps its id as it is.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.conf import settings

HEADER = "X-Request-ID"
TASK_HEADER = "smeportal_request_id"
# What a trusted proxy may send (nginx's $request_id is 32 hex digits, a UUID has dashes); nothing that
# could forge a log line.
ACCEPTED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return request_id.get()


def _incoming(request) -> str | None:
    if not settings.REQUEST_ID_TRUSTED:
        return None
    value = request.headers.get(HEADER, "")
    return value if ACCEPTED.fullmatch(value) else None


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        value = _incoming(request) or uuid.uuid4().hex
        request.request_id = value
        token = request_id.set(value)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[HEADER] = value
        return response


class RequestIdLogFilter(logging.Filter):
    """Puts ``request_id`` on every record ("-" outside a request or a task that came from one). Django logs
    a request's 4xx and 5xx answers after the middleware has returned, with the request on the record."""

    def filter(self, record):
        record.request_id = request_id.get() or getattr(getattr(record, "request", None), "request_id", None) or "-"
        return True


@before_task_publish.connect(dispatch_uid="smeportal.requestid.publish")
def _carry_into_task(headers=None, **kwargs):
    value = request_id.get()
    if value and headers is not None:
        headers[TASK_HEADER] = value


# Each task's token, by task id, to restore what was there before it ran.
_tokens: dict[str, contextvars.Token] = {}


@task_prerun.connect(dispatch_uid="smeportal.requestid.prerun")
def _take_from_message(task_id=None, task=None, **kwargs):
    if task is None:
        return
    carried = getattr(task.request, TASK_HEADER, None)
    if carried or not task.request.is_eager:
        _tokens[task_id] = request_id.set(carried if carried and ACCEPTED.fullmatch(carried) else None)


@task_postrun.connect(dispatch_uid="smeportal.requestid.postrun")
def _drop_after_task(task_id=None, **kwargs):
    token = _tokens.pop(task_id, None)
    if token is not None:
        request_id.reset(token)
