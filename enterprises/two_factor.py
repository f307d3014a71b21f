"""Two-factor login (TOTP with recovery codes, django-otp): who must use it, who may, and the gate that
keeps a signed-in user who still owes the second factor on the verification or enrolment page.

City officials and administrators must when ``OTP_REQUIRED_FOR_OFFICIALS`` is on (the default with
DEBUG=0). District officials and department users may. Enterprise accounts keep password login (and the
identity provider). At sign-in the receiver below notes in the session what the user owes. On every
request of an unverified session the middleware also asks the role itself (no query: the signed-in user
comes with its memberships), so a role given during the session, or a device an administrator reset
under a verified session, puts the gate up at the next request; a role with shorter session limits
lowers the session's own at once.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from smeportal.sessions import session_limits_lower, session_start

from .roles import enterprise_membership, is_city_official, is_official

GATE = "security.otp_gate"
VERIFY = "verify"
ENROL = "enrol"
# Pages a user who owes the second factor may still open (besides the gate's own pages).
OPEN_PREFIXES = ("/i18n/", "/static/", "/favicon.ico")
OPEN_NAMES = ("two_factor_verify", "two_factor_enrol", "logout")


def is_administrator(user) -> bool:
    return bool(user.is_active and (user.is_staff or user.is_superuser))


def otp_required(user) -> bool:
    """City officials and administrators, when the setting is on."""
    return bool(settings.OTP_REQUIRED_FOR_OFFICIALS and (is_administrator(user) or is_city_official(user)))


def otp_allowed(user) -> bool:
    """Everybody but enterprise accounts (who keep password login) may enrol."""
    return user.is_authenticated and (otp_required(user) or enterprise_membership(user) is None)


def has_device(user) -> bool:
    return any(devices_for_user(user, confirmed=True))


def has_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def session_limits_for(user) -> tuple[int, int]:
    """(idle timeout, lifetime) in seconds: officials and administrators get the shorter pair."""
    if is_official(user) or is_administrator(user):
        return settings.SESSION_IDLE_TIMEOUT_OFFICIALS, settings.SESSION_ABSOLUTE_LIFETIME_OFFICIALS
    return settings.SESSION_IDLE_TIMEOUT, settings.SESSION_ABSOLUTE_LIFETIME


@receiver(user_logged_in, dispatch_uid="two_factor_sign_in")
def _signed_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    idle, lifetime = session_limits_for(user)
    session_start(request, user, idle=idle, lifetime=lifetime)
    if has_totp(user):
        request.session[GATE] = VERIFY
    elif otp_required(user):
        request.session[GATE] = ENROL
    else:
        request.session.pop(GATE, None)


def gate_passed(request) -> None:
    request.session.pop(GATE, None)


def _gate_url(gate: str, request) -> str:
    name = "two_factor_verify" if gate == VERIFY else "two_factor_enrol"
    return reverse(name) + "?" + urlencode({"next": request.get_full_path()})


class TwoFactorMiddleware:
    """Sends a user who owes the second factor to verify (or enrol) before any other page; the API
    answers 403. What is owed is noted at sign-in and asked of the user's role on every request of an
    unverified session; the role's session limits are applied if shorter than the session's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        gate = None
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session and request.user.is_authenticated:
            idle, lifetime = session_limits_for(request.user)
            session_limits_lower(request, idle=idle, lifetime=lifetime)  # may end the session
            gate = self._owed(request)
        if gate is not None and not self._open(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("请先完成双因素认证。")}, status=403)
            return redirect(_gate_url(gate, request))
        return self.get_response(request)

    def _owed(self, request) -> str | None:
        """The gate a signed-in session still has to pass, or None."""
        session, user = request.session, request.user
        if not user.is_authenticated or user.is_verified():
            return None
        gate = session.get(GATE)
        if gate is None and otp_required(user):
            # The role now, not the one at sign-in: a user made a city official or an administrator
            # during the session, or whose device an administrator reset under a verified session.
            gate = session[GATE] = VERIFY if has_totp(user) else ENROL
        elif gate == ENROL and not otp_required(user):
            # The role that made enrolment compulsory was taken away since the sign-in.
            del session[GATE]
            gate = None
        return gate

    def _open(self, path: str) -> bool:
        return path.startswith(OPEN_PREFIXES) or path in {reverse(name) for name in OPEN_NAMES}
