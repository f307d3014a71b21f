"""Session limits: an idle timeout and an absolute lifetime per session, and "log out everywhere".

The limits are stamped into the session when the user signs in (:func:`session_start`, called by the
sign-in receiver that knows the user's role), so the middleware reads them without a query; a role with
shorter limits given during the session lowers them (:func:`session_limits_lower`). The last request's
time is written back at most once a tenth of the idle timeout (and a minute), so a burst of requests
costs no extra writes.
A signed-in session without the stamps predates the limits and ends.

"Log out everywhere" ends the sessions on record (:class:`UserSession`, one row per signed-in session
key). The sign-in records the key it ends with; a request that gives the session another key later (the
second factor passed or enrolled, a password changed on a portal or admin page) has its row moved to the
new key by :class:`SessionLimitsMiddleware`, whatever view did it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.utils import timezone

from .models import SecurityEvent, UserSession

STARTED = "security.started"
SEEN = "security.seen"
IDLE = "security.idle"
LIFETIME = "security.lifetime"
SEEN_GRANULARITY = 60  # at least this many seconds between two writes of the last request's time


def clock() -> float:
    """Seconds since the epoch; the tests move it."""
    return time.time()


def session_start(request, user, *, idle: int, lifetime: int) -> None:
    """Stamp a fresh sign-in with its limits and remember the session as the user's."""
    now = clock()
    request.session.update({STARTED: now, SEEN: now, IDLE: idle, LIFETIME: lifetime})
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.filter(user=user, created_at__lt=_oldest_alive()).delete()
    UserSession.objects.update_or_create(session_key=request.session.session_key, defaults={"user": user})


def _oldest_alive():
    return timezone.now() - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


@contextmanager
def _row_follows_key(request) -> Iterator[None]:
    """Whatever the block does to the session's key, the session's row is found under the key it ends
    with: a row left on the old key would hide the session from "log out everywhere". Only a row of the
    user the session ends with moves (signing in as another user in the same browser starts afresh)."""
    old = request.session.session_key
    yield
    new = request.session.session_key
    user_id = request.session.get(SESSION_KEY)
    if old and new and new != old and user_id is not None:
        UserSession.objects.filter(session_key=old, user_id=user_id).update(session_key=new)


def session_over(session, now: float) -> str | None:
    """Why a signed-in session must end ("idle", "lifetime", "unstamped"), or None."""
    started = session.get(STARTED)
    if started is None:
        return "unstamped"
    if now - started > session.get(LIFETIME, settings.SESSION_ABSOLUTE_LIFETIME):
        return "lifetime"
    if now - session.get(SEEN, started) > session.get(IDLE, settings.SESSION_IDLE_TIMEOUT):
        return "idle"
    return None


def _limits_enforce(request) -> None:
    """End the signed-in session of ``request`` if it is past its limits, or note the request's time."""
    session = request.session
    now = clock()
    reason = session_over(session, now)
    if reason is not None:
        # The logout receiver (smeportal.security) records the end as an expiry, with its reason.
        request.security_logout = (SecurityEvent.Kind.SESSION_EXPIRED, {"reason": reason})
        logout(request)
    elif now - session.get(SEEN, 0) >= max(SEEN_GRANULARITY, session.get(IDLE, 0) // 10):
        # Rewritten once a tenth of the idle timeout at most: a session may end that much early,
        # and a page costs no session write but every few minutes.
        session[SEEN] = now


def session_limits_lower(request, *, idle: int, lifetime: int) -> None:
    """Hold the signed-in session of ``request`` to ``idle`` and ``lifetime`` where they are shorter than
    its own (a role with shorter limits given since the sign-in), from this request on: a session already
    past them ends now. Longer limits (a role taken away) wait for the next sign-in."""
    session = request.session
    if SESSION_KEY not in session or STARTED not in session:
        return
    current_idle, current_lifetime = session.get(IDLE, idle), session.get(LIFETIME, lifetime)
    if current_idle <= idle and current_lifetime <= lifetime:
        return
    session[IDLE], session[LIFETIME] = min(current_idle, idle), min(current_lifetime, lifetime)
    _limits_enforce(request)


class SessionLimitsMiddleware:
    """Ends a session past its idle timeout or lifetime: the request goes on as anonymous (a page then
    sends the visitor to the login, the API answers 401/403). A session whose key the request changed
    keeps its record under the new key."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is None:
            return self.get_response(request)
        if SESSION_KEY in session:
            _limits_enforce(request)
        with _row_follows_key(request):
            return self.get_response(request)


def sessions_end_all(user) -> int:
    """End every session of ``user`` in the configured session store; how many there were."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@receiver(user_logged_out, dispatch_uid="sessions_forget_on_logout")
def _forget(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()
