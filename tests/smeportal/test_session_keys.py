"""A session that changes its key keeps its record: the second factor (verified or enrolled) and a password
change give the signed-in session a new key, and "log out everywhere", which ends the sessions on record
(UserSession), still ends it. Each test runs with sessions in the database alone and read from the cache."""

from importlib import import_module

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from enterprises.two_factor_views import PENDING_KEY
from smeportal.models import UserSession
from smeportal.sessions import SessionLimitsMiddleware

pytestmark = pytest.mark.django_db

PASSWORD = "portal-pass-2026"
NEW_PASSWORD = "Another-pass-2027!"
PAGE = reverse("account_security")  # any page that needs a login


@pytest.fixture(autouse=True, params=["db", "cached_db"])
def session_engine(request, settings):
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{request.param}"


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED_FOR_OFFICIALS = True


@pytest.fixture
def device(city_official):
    return TOTPDevice.objects.create(user=city_official, name="TOTP", confirmed=True)


def password_login(browser: Client, username: str, password: str = PASSWORD) -> None:
    response = browser.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content[:500]


def verify_with_code(browser: Client, device: TOTPDevice) -> None:
    # django-otp refuses a time step already used: each browser's code is the first of its step.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    response = browser.post(reverse("two_factor_verify"), {"otp_token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302 and not response["Location"].startswith(reverse("two_factor_verify"))


def signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def store(key: str | None = None):
    """The configured engine's session (the test's engine: the settings fixture changes it)."""
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)


def key_of(browser: Client) -> str:
    return browser.session.session_key


def recorded_keys(user) -> set[str]:
    return set(UserSession.objects.filter(user=user).values_list("session_key", flat=True))


# --- The second factor --------------------------------------------------------------------------------


def test_log_out_everywhere_ends_a_session_that_passed_the_second_factor(city_official, device, required):
    """The lost laptop of a city official, signed in with both factors, is signed out by "log out
    everywhere" from the phone: the verification's new session key is the one on record."""
    laptop, phone = Client(), Client()
    for browser in (laptop, phone):
        password_login(browser, "city_official")
        verify_with_code(browser, device)
    assert laptop.get(PAGE).status_code == 200
    assert recorded_keys(city_official) == {key_of(laptop), key_of(phone)}

    phone.post(reverse("logout_everywhere"))

    assert signed_out(laptop.get(PAGE))
    assert not UserSession.objects.filter(user=city_official).exists()


def test_the_verification_gives_the_session_a_new_key_and_the_old_one_opens_nothing(city_official, device, required):
    """Session fixation: the key the session had before the second factor (the password step's) is gone,
    both from the store and from the record."""
    browser = Client()
    password_login(browser, "city_official")
    before = key_of(browser)

    verify_with_code(browser, device)

    after = key_of(browser)
    assert after != before
    assert recorded_keys(city_official) == {after}
    assert not store().exists(before)
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert signed_out(stale.get(PAGE))


def test_a_refused_code_keeps_the_key(city_official, device, required):
    browser = Client()
    password_login(browser, "city_official")
    before = key_of(browser)
    wrong = "000000" if f"{totp(device.bin_key):06d}" != "000000" else "111111"

    assert browser.post(reverse("two_factor_verify"), {"otp_token": wrong}).status_code == 200

    assert key_of(browser) == before and recorded_keys(city_official) == {before}


def test_log_out_everywhere_ends_a_session_that_enrolled_the_second_factor(city_official, required):
    """Enrolment verifies the session too: it gets a new key, the record follows, "log out everywhere"
    from another device ends it."""
    laptop, phone = Client(), Client()
    password_login(laptop, "city_official")
    before = key_of(laptop)
    laptop.get(reverse("two_factor_enrol"))
    key = laptop.session[PENDING_KEY]
    code = f"{totp(TOTPDevice(key=key).bin_key):06d}"
    assert laptop.post(reverse("two_factor_enrol"), {"otp_token": code}).status_code == 200
    assert key_of(laptop) != before
    assert recorded_keys(city_official) == {key_of(laptop)}
    assert laptop.get(PAGE).status_code == 200
    password_login(phone, "city_official")
    verify_with_code(phone, TOTPDevice.objects.get(user=city_official))

    phone.post(reverse("logout_everywhere"))

    assert signed_out(laptop.get(PAGE))


# --- A password change --------------------------------------------------------------------------------


def change_password(browser: Client) -> None:
    changed = browser.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302 and changed["Location"] == reverse("password_change_done")


def test_log_out_everywhere_ends_the_session_where_the_password_was_changed(enterprise_user):
    """The shared office PC where the password was changed, left signed in, is signed out by "log out
    everywhere" from home."""
    office, home = Client(), Client()
    password_login(office, "ent_user")
    change_password(office)
    password_login(home, "ent_user", NEW_PASSWORD)

    home.post(reverse("logout_everywhere"))

    assert signed_out(office.get(PAGE))


def test_a_password_change_keeps_this_session_under_a_new_key_and_ends_the_others(enterprise_user):
    office, laptop = Client(), Client()
    password_login(office, "ent_user")
    password_login(laptop, "ent_user")
    before = key_of(office)

    change_password(office)

    assert key_of(office) != before
    assert office.get(PAGE).status_code == 200
    assert key_of(office) in recorded_keys(enterprise_user)
    assert before not in recorded_keys(enterprise_user)
    assert signed_out(laptop.get(PAGE))


def test_a_refused_password_change_keeps_the_key(enterprise_user):
    office = Client()
    password_login(office, "ent_user")
    before = key_of(office)
    refused = office.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert refused.status_code == 200
    assert key_of(office) == before and recorded_keys(enterprise_user) == {before}


# --- Any other page that changes the key: the middleware moves the record -------------------------------


def test_an_administrator_changing_their_own_password_in_the_admin_stays_on_record(admin_user_persona):
    """Django's admin changes the password through its own page; "log out everywhere" still ends that session."""
    admin_user_persona.set_password(PASSWORD)
    admin_user_persona.save()
    there, here = Client(), Client()
    password_login(there, admin_user_persona.username)
    before = key_of(there)
    response = there.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and key_of(there) != before
    assert key_of(there) in recorded_keys(admin_user_persona)
    password_login(here, admin_user_persona.username, NEW_PASSWORD)  # the new password ended this one
    here.post(reverse("logout_everywhere"))
    assert signed_out(there.get(PAGE))


def request_with_session(key: str | None = None):
    request = RequestFactory().get("/")
    request.session = store(key)
    return request


def through_the_middleware(request, view) -> None:
    SessionLimitsMiddleware(view)(request)


def test_a_new_key_moves_this_sessions_record_only(enterprise_user, department_user):
    ours, other = Client(), Client()
    ours.force_login(enterprise_user)
    other.force_login(department_user)
    request = request_with_session(key_of(ours))

    through_the_middleware(request, lambda request: request.session.cycle_key())

    assert recorded_keys(enterprise_user) == {request.session.session_key} != {key_of(ours)}
    assert recorded_keys(department_user) == {key_of(other)}


def test_a_new_key_for_a_session_without_a_record_records_nothing(enterprise_user):
    anonymous = request_with_session()
    anonymous.session["anything"] = 1
    anonymous.session.save()

    through_the_middleware(anonymous, lambda request: request.session.cycle_key())

    assert anonymous.session.session_key
    assert not UserSession.objects.exists()


def test_signing_in_as_another_user_in_the_same_browser_leaves_the_first_users_record(enterprise_user, city_official):
    """The first user's record must not follow the browser to the second user's session: the first user's "log
    out everywhere" would then end the second user's session."""
    browser = Client()
    password_login(browser, enterprise_user.username)
    first_key = key_of(browser)
    password_login(browser, city_official.username)
    assert recorded_keys(enterprise_user) <= {first_key}
    assert key_of(browser) in recorded_keys(city_official)
