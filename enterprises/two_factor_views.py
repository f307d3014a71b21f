"""The account's security page, two-factor enrolment and verification, recovery codes, "log out
everywhere" (README "Two-factor login" and "Sessions")."""

from __future__ import annotations

import base64
import binascii

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from smeportal.models import ApiToken, SecurityEvent
from smeportal.qr import qr_svg_data_uri
from smeportal.security import record_security_event
from smeportal.sessions import sessions_end_all

from . import two_factor
from .services import two_factor as services

PENDING_KEY = "security.otp_pending_key"


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )

    def clean_otp_token(self):
        return "".join(self.cleaned_data["otp_token"].split()).lower()


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


def _may_enrol(request) -> None:
    if not two_factor.otp_allowed(request.user):
        raise Http404


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def account_security(request):
    """Two-factor status and actions, and the sessions section, for every signed-in user."""
    context = {
        "otp_allowed": two_factor.otp_allowed(request.user),
        "otp_required": two_factor.otp_required(request.user),
        "otp_enabled": two_factor.has_totp(request.user),
        "otp_setting_on": settings.OTP_REQUIRED_FOR_OFFICIALS,
        "recovery_left": StaticToken.objects.filter(device__user=request.user).count(),
        "verified": request.user.is_verified(),
        "idle_minutes": request.session.get("security.idle", settings.SESSION_IDLE_TIMEOUT) // 60,
        "lifetime_hours": request.session.get("security.lifetime", settings.SESSION_ABSOLUTE_LIFETIME) / 3600,
    }
    return render(request, "registration/security.html", context)


@sensitive_post_parameters("otp_token")
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    """A new secret as a QR code and in text; the first code from the app confirms it. The ten recovery
    codes are shown in the answer to that confirmation, once."""
    _may_enrol(request)
    if two_factor.has_totp(request.user) and not request.user.is_verified():
        return redirect("two_factor_verify")  # a second device is added only from a verified session
    key = request.session.get(PENDING_KEY) or services.new_totp_key()
    request.session[PENDING_KEY] = key
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.two_factor_enrol(
                user=request.user, key=key, token=form.cleaned_data["otp_token"], request=request
            )
        except services.EnrolmentError:
            form.add_error("otp_token", _("验证码不正确，请核对手机时间后重试。"))
        else:
            del request.session[PENDING_KEY]
            otp_login(request, device)
            two_factor.gate_passed(request)
            request.session.cycle_key()  # a verified session under a key the password-only one never had
            context = {"codes": codes, "next": _next_url(request)}
            return render(request, "registration/recovery_codes.html", context)
    config = TOTPDevice(user=request.user, key=key).config_url
    secret = base64.b32encode(binascii.unhexlify(key)).decode("ascii")
    context = {
        "form": form,
        "qr": qr_svg_data_uri(config),
        "secret": _grouped(secret),
        "next": _next_url(request),
        "required": two_factor.otp_required(request.user),
    }
    return render(request, "registration/two_factor_enrol.html", context)


@sensitive_post_parameters("otp_token")
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of the login: a code of the app or one recovery code. A wrong code counts as a
    failed login for django-axes, so the password's lockout also stops guessing codes."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not two_factor.has_totp(request.user):
        if not two_factor.otp_required(request.user):
            # The device an optional user signed in to verify with was removed since (an administrator's
            # reset): nothing is owed, as at a sign-in without a device.
            two_factor.gate_passed(request)
            return redirect(_next_url(request))
        return redirect("two_factor_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            two_factor.gate_passed(request)
            request.session.cycle_key()  # a verified session under a key the password-only one never had
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                record_security_event(SecurityEvent.Kind.OTP_RECOVERY_USED, request=request, details={"left": left})
                messages.warning(
                    request, _("已使用一个恢复码，还剩 %(left)d 个。请尽快在“账号安全”中重新生成。") % {"left": left}
                )
            else:
                record_security_event(SecurityEvent.Kind.OTP_VERIFIED, request=request)
            return redirect(_next_url(request))
        credentials = {"username": request.user.get_username(), "step": "otp"}
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if AxesProxyHandler.is_locked(request, credentials):
            logout(request)
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        form.add_error("otp_token", _("验证码不正确或已使用。"))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@require_POST
@login_required
def recovery_codes(request):
    """New recovery codes (the old ones stop working), from a verified session only."""
    if not (two_factor.has_totp(request.user) and request.user.is_verified()):
        raise Http404
    codes = services.recovery_codes_renew(user=request.user, request=request)
    return render(request, "registration/recovery_codes.html", {"codes": codes, "next": ""})


@require_POST
@login_required
def two_factor_disable(request):
    """A user for whom the second factor is optional may turn it off, from a verified session."""
    if two_factor.otp_required(request.user) or not request.user.is_verified():
        raise Http404
    services.two_factor_remove(user=request.user, request=request)
    messages.success(request, _("已停用双因素认证。"))
    return redirect("account_security")


@require_POST
@login_required
def logout_everywhere(request):
    """End every session of the user, this one included, and revoke every API token: what a lost
    laptop or a leaked password calls for (a password change also ends the tokens)."""
    user = request.user
    sessions = sessions_end_all(user)
    tokens = ApiToken.objects.filter(user=user).delete()[0]
    request.security_logout = (SecurityEvent.Kind.LOGOUT_EVERYWHERE, {"sessions": sessions, "tokens": tokens})
    logout(request)
    messages.success(request, _("已在所有设备上退出登录，并撤销了全部 API 令牌。"))
    return redirect("home")
