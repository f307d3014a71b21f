"""Two-factor login: who must, who may, who may not; enrolment, the verification step, recovery codes, the
brute-force limit, the administrator's reset, the admin site and the API token exchange."""

import base64
import binascii

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from enterprises import two_factor
from enterprises.two_factor_views import PENDING_KEY
from smeportal.models import SecurityEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "portal-pass-2026"
Kind = SecurityEvent.Kind


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED_FOR_OFFICIALS = True


def password_login(client, user):
    response = client.post(reverse("login"), {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return response


def code_of(device_or_key) -> str:
    key = device_or_key.bin_key if isinstance(device_or_key, TOTPDevice) else binascii.unhexlify(device_or_key)
    return f"{totp(key):06d}"


def kinds_of(user) -> list[str]:
    """The user's sign-in events (the role the fixture's membership gave the account is left out)."""
    events = SecurityEvent.objects.filter(user=user).exclude(kind=SecurityEvent.Kind.ROLE_CHANGED)
    return list(events.order_by("id").values_list("kind", flat=True))


@pytest.fixture
def device(city_official):
    return TOTPDevice.objects.create(user=city_official, name="TOTP", confirmed=True)


@pytest.fixture
def recovery(city_official, device):
    static = StaticDevice.objects.create(user=city_official, name="恢复码", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    StaticToken.objects.create(device=static, token="efgh6789")
    return static


# --- Who ----------------------------------------------------------------------------------------------


def test_a_city_official_without_a_device_is_sent_to_enrol_before_anything_else(client, city_official, required):
    password_login(client, city_official)
    for path in (reverse("home"), reverse("dashboards:city"), reverse("admin:index")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_enrol") + "?next=")
    assert client.get("/api/v1/enterprises/").status_code == 403
    assert client.get(reverse("two_factor_enrol")).status_code == 200


def test_an_administrator_must_enrol_too(client, admin_user_persona, required):
    password_login(client, admin_user_persona)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor_enrol"))


def test_the_admin_site_asks_the_role_itself_for_a_session_without_the_gate(client, admin_user_persona, required):
    client.force_login(admin_user_persona)
    session = client.session
    del session[two_factor.GATE]  # a session older than the gate
    session.save()
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor_enrol"))


def test_with_the_setting_off_officials_sign_in_with_the_password_and_the_page_says_so(client, city_official, settings):
    settings.OTP_REQUIRED_FOR_OFFICIALS = False
    password_login(client, city_official)
    assert client.get(reverse("dashboards:city")).status_code == 200
    page = client.get(reverse("account_security")).content.decode()
    assert 'data-testid="otp-off-notice"' in page and "OTP_REQUIRED_FOR_OFFICIALS" in page


@pytest.mark.parametrize("persona", ["district_official", "department_user"])
def test_district_and_department_users_may_enrol_but_need_not(client, request, persona, required):
    user = request.getfixturevalue(persona)
    password_login(client, user)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("two_factor_enrol")).status_code == 200


def test_enterprise_accounts_keep_password_login(client, enterprise_user, required):
    password_login(client, enterprise_user)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("two_factor_enrol")).status_code == 404
    assert "企业账号使用密码登录" in client.get(reverse("account_security")).content.decode()


# --- Enrolment -----------------------------------------------------------------------------------------


def test_enrolment_shows_the_qr_code_and_secret_and_the_first_code_confirms_it(client, city_official, required):
    password_login(client, city_official)
    page = client.get(reverse("two_factor_enrol") + "?next=/dashboards/city/")
    key = client.session[PENDING_KEY]
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    secret = page.context["secret"].replace(" ", "")
    assert binascii.hexlify(base64.b32decode(secret)).decode() == key
    wrong = client.post(reverse("two_factor_enrol"), {"otp_token": "000000" if code_of(key) != "000000" else "111111"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.filter(user=city_official).exists()

    done = client.post(reverse("two_factor_enrol"), {"otp_token": code_of(key), "next": "/dashboards/city/"})

    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in done.content.decode() for code in codes)
    assert TOTPDevice.objects.get(user=city_official, confirmed=True).key == key
    assert set(StaticToken.objects.filter(device__user=city_official).values_list("token", flat=True)) == set(codes)
    assert client.get(reverse("dashboards:city")).status_code == 200  # the session is verified
    assert Kind.OTP_ENROLLED in kinds_of(city_official)
    assert PENDING_KEY not in client.session
    client.post(reverse("logout"))
    password_login(client, city_official)
    replayed = client.post(reverse("two_factor_verify"), {"otp_token": code_of(key)})
    assert replayed.status_code == 200, "the code that confirmed the device signs nobody in"


def test_a_user_with_a_device_cannot_enrol_another_before_verifying(client, city_official, device, required):
    password_login(client, city_official)
    assert client.get(reverse("two_factor_enrol"))["Location"] == reverse("two_factor_verify")


# --- Verification ------------------------------------------------------------------------------------


def test_after_the_password_the_code_is_asked_and_opens_the_portal(client, city_official, device, required):
    login = password_login(client, city_official)
    assert client.get(login["Location"])["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("dashboards:city")).status_code == 302
    verified = client.post(reverse("two_factor_verify"), {"otp_token": code_of(device), "next": "/dashboards/city/"})
    assert verified["Location"] == "/dashboards/city/"
    assert client.get(reverse("dashboards:city")).status_code == 200
    assert kinds_of(city_official) == [Kind.LOGIN, Kind.OTP_VERIFIED]


def test_an_optional_user_who_enrolled_is_asked_for_the_code_too(client, district_official, required):
    TOTPDevice.objects.create(user=district_official, confirmed=True)
    password_login(client, district_official)
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))


def test_a_wrong_code_is_refused_recorded_and_counted(client, city_official, device, required):
    password_login(client, city_official)
    refused = client.post(reverse("two_factor_verify"), {"otp_token": "12345x"})
    assert refused.status_code == 200 and "验证码不正确" in refused.content.decode()
    assert client.get(reverse("dashboards:city")).status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.OTP_FAILED)
    assert event.username == "city_official" and event.ip_address == "127.0.0.1"


def test_guessing_codes_locks_the_account_like_guessing_passwords(client, city_official, device, settings, required):
    settings.AXES_FAILURE_LIMIT = 3
    password_login(client, city_official)
    answers = [client.post(reverse("two_factor_verify"), {"otp_token": "000000"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "_auth_user_id" not in client.session  # signed out
    assert SecurityEvent.objects.filter(kind=Kind.LOCKOUT, username="city_official").exists()
    again = client.post(reverse("login"), {"username": "city_official", "password": PASSWORD})
    assert again.status_code == 429  # the password step is locked as well


def test_a_recovery_code_works_once(client, city_official, device, recovery, required):
    password_login(client, city_official)
    used = client.post(reverse("two_factor_verify"), {"otp_token": "ABCD 2345"})
    assert used.status_code == 302
    assert list(recovery.token_set.values_list("token", flat=True)) == ["efgh6789"]
    event = SecurityEvent.objects.get(kind=Kind.OTP_RECOVERY_USED)
    assert event.user == city_official and event.details == {"left": 1}
    client.post(reverse("logout"))
    password_login(client, city_official)
    assert client.post(reverse("two_factor_verify"), {"otp_token": "abcd2345"}).status_code == 200  # refused


def test_new_recovery_codes_replace_the_old_from_a_verified_session(client, city_official, device, recovery, required):
    password_login(client, city_official)
    client.post(reverse("two_factor_verify"), {"otp_token": code_of(device)})
    renewed = client.post(reverse("two_factor_recovery_codes"))
    codes = renewed.context["codes"]
    assert len(codes) == 10
    assert set(StaticToken.objects.filter(device__user=city_official).values_list("token", flat=True)) == set(codes)
    assert Kind.OTP_RECOVERY_RENEWED in kinds_of(city_official)


def test_an_optional_user_turns_it_off_but_a_required_one_cannot(client, district_official, city_official, required):
    own = TOTPDevice.objects.create(user=district_official, confirmed=True)
    password_login(client, district_official)
    client.post(reverse("two_factor_verify"), {"otp_token": code_of(own)})
    assert client.post(reverse("two_factor_disable"))["Location"] == reverse("account_security")
    assert not TOTPDevice.objects.filter(user=district_official).exists()
    assert Kind.OTP_DISABLED in kinds_of(district_official)

    client.post(reverse("logout"))
    required_device = TOTPDevice.objects.create(user=city_official, confirmed=True)
    password_login(client, city_official)
    client.post(reverse("two_factor_verify"), {"otp_token": code_of(required_device)})
    assert client.post(reverse("two_factor_disable")).status_code == 404
    assert TOTPDevice.objects.filter(user=city_official).exists()


def test_next_outside_the_portal_is_ignored(client, city_official, device, required):
    password_login(client, city_official)
    verified = client.post(
        reverse("two_factor_verify"), {"otp_token": code_of(device), "next": "https://evil.example/"}
    )
    assert verified["Location"] == reverse("home")


# --- Administrator's reset and the API ------------------------------------------------------------------


def test_the_administrator_resets_a_users_devices_and_it_is_recorded(
    client, admin_user_persona, city_official, device, recovery, settings
):
    settings.OTP_REQUIRED_FOR_OFFICIALS = False  # the administrator's own second factor is not the point here
    client.force_login(admin_user_persona)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", admin.helpers.ACTION_CHECKBOX_NAME: [city_official.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=city_official).exists()
    assert not StaticDevice.objects.filter(user=city_official).exists()
    event = SecurityEvent.objects.get(kind=Kind.OTP_RESET)
    assert (event.user, event.actor, event.details) == (city_official, admin_user_persona, {"devices": 2})


def test_the_device_admin_pages_are_gone():
    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
    assert admin.site.is_registered(get_user_model())


def test_the_password_alone_gets_no_api_token_for_a_two_factor_account(city_official, device, required):
    answer = APIClient().post(reverse("api-token"), {"username": "city_official", "password": PASSWORD})
    assert answer.status_code == 403
    user = UserFactory(username="plain")
    assert APIClient().post(reverse("api-token"), {"username": "plain", "password": PASSWORD}).status_code == 200
    assert SecurityEvent.objects.filter(kind=Kind.TOKEN_ISSUED, user=user).count() == 1
