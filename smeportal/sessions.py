"""Session limits: an idle timeout and an absolute lifetime per session, and "log out everywhere".

The limits are stamped into the session when the user signs in (:func:`session_start`, called by the
sign-in receiver that knows the user's role), so the middleware reads them without a query. The last
request's time is written back at most once a tenth of the idle timeout (and a minute), so a burst of
requests costs no extra writes.
A signed-in session without the stamps predates the limits and ends.
"""

from __future__ import annotations

import datetime as dt
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout
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


class SessionLimitsMiddleware:
    """Ends a session past its idle timeout or lifetime: the request goes on as anonymous (a page then
    sends the visitor to the login, the API answers 401/403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and "_auth_user_id" in session:
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
