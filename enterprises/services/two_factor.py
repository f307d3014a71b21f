"""Writes of two-factor login: enrol a TOTP device with its recovery codes, renew the codes, remove a
user's devices (by the user when optional, by an administrator as a reset). Each is recorded in the
security audit log."""

from __future__ import annotations

import binascii

from django.conf import settings
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from smeportal.models import SecurityEvent
from smeportal.security import record_security_event

TOTP_NAME = "TOTP"
RECOVERY_NAME = "恢复码"


class EnrolmentError(Exception):
    """The code does not match the new secret."""


def new_totp_key() -> str:
    """A fresh secret (40 hex digits, django-otp's format), kept in the session until confirmed."""
    return TOTPDevice._meta.get_field("key").get_default()


def matched_step(key_hex: str, token: str, *, tolerance: int = 1) -> int | None:
    """The time step whose code ``token`` is (within ``tolerance`` steps of now), or None."""
    try:
        totp = TOTP(binascii.unhexlify(key_hex))
        return totp.t() if totp.verify(int(token), tolerance=tolerance) else None
    except (ValueError, TypeError, binascii.Error):
        return None


def _recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_enrol(*, user, key: str, token: str, request=None) -> tuple[TOTPDevice, list[str]]:
    """Confirm the secret with a code from the app: the device replaces any earlier one, and ten new
    recovery codes are returned (shown once: only django-otp's token rows keep them)."""
    step = matched_step(key, token)
    if step is None:
        raise EnrolmentError
    TOTPDevice.objects.filter(user=user).delete()
    # The step is remembered as used, so the code that confirmed the device cannot sign in again.
    device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=key, confirmed=True, last_t=step)
    codes = _recovery_codes(user)
    record_security_event(SecurityEvent.Kind.OTP_ENROLLED, request=request, user=user)
    return device, codes


@transaction.atomic
def recovery_codes_renew(*, user, request=None) -> list[str]:
    codes = _recovery_codes(user)
    record_security_event(SecurityEvent.Kind.OTP_RECOVERY_RENEWED, request=request, user=user)
    return codes


@transaction.atomic
def two_factor_remove(*, user, actor=None, request=None) -> int:
    """Remove every device of ``user``: the user's own choice (actor None) or an administrator's reset.
    How many devices there were."""
    removed = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
    removed += StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
    kind = SecurityEvent.Kind.OTP_DISABLED if actor is None else SecurityEvent.Kind.OTP_RESET
    record_security_event(kind, request=request, user=user, actor=actor, details={"devices": removed})
    return removed
