"""The second factor and the session limits follow the role the user has now, not the one at sign-in: a user
given a role that requires two-factor login during a session, or whose device an administrator reset under
a verified session, is sent to verify or enrol at the next request; a role with shorter session limits
applies them at once. Asking costs no query (the signed-in user comes with its memberships)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from enterprises.models import OfficialMembership
from enterprises.services.two_factor import two_factor_remove
from smeportal import sessions
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "portal-pass-2026"
SECURITY_LOG = reverse("security_log")  # city officials only: what a promotion opens
PAGE = reverse("account_security")  # any page that needs a login
API = "/api/v1/enterprises/"


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED_FOR_OFFICIALS = True


def password_login(client, user) -> None:
    response = client.post(reverse("login"), {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def verify(client, device: TOTPDevice) -> None:
    response = client.post(reverse("two_factor_verify"), {"otp_token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302 and not response["Location"].startswith(reverse("two_factor_verify"))


def sent_to(response, name: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse(name))


def make_city_official(user) -> None:
    membership = OfficialMembership.objects.get(user=user)
    membership.district = None
    membership.save()


# --- A role given during the session ---------------------------------------------------------------------


def test_a_district_official_made_city_official_during_a_session_must_enrol_at_the_next_request(
    client, district_official, required
):
    """Two-factor login is optional for a district official and required of a city official: the promotion
    takes the whole city's pages, the security log and the exports behind the second factor at once, not at
    the next sign-in (up to 8 hours later)."""
    password_login(client, district_official)
    assert client.get(PAGE).status_code == 200

    make_city_official(district_official)

    assert sent_to(client.get(SECURITY_LOG), "two_factor_enrol")
    assert sent_to(client.get(reverse("home")), "two_factor_enrol")
    assert client.get(API).status_code == 403
    assert client.get(reverse("two_factor_enrol")).status_code == 200


def test_a_promoted_user_with_a_device_is_asked_for_the_code(client, district_official, required):
    device = TOTPDevice.objects.create(user=district_official, name="TOTP", confirmed=True)
    client.force_login(district_official)  # a session without the gate, as a password-only district official
    session = client.session
    session.pop("security.otp_gate", None)
    session.save()
    assert client.get(PAGE).status_code == 200

    make_city_official(district_official)

    assert sent_to(client.get(SECURITY_LOG), "two_factor_verify")
    verify(client, device)
    assert client.get(SECURITY_LOG).status_code == 200


def test_a_user_made_administrator_during_a_session_must_enrol(client, department_user, required):
    password_login(client, department_user)
    assert client.get(PAGE).status_code == 200

    department_user.is_staff = True
    department_user.save()

    assert sent_to(client.get(PAGE), "two_factor_enrol")
    assert sent_to(client.get(reverse("admin:index")), "two_factor_enrol")


def test_with_the_setting_off_a_promotion_asks_for_nothing(client, district_official, settings):
    settings.OTP_REQUIRED_FOR_OFFICIALS = False
    password_login(client, district_official)

    make_city_official(district_official)

    assert client.get(SECURITY_LOG).status_code == 200


def test_a_city_official_made_district_official_before_enrolling_is_let_go(client, city_official, district, required):
    """The enrolment that the city role required is no longer owed once the role is taken away."""
    password_login(client, city_official)
    assert sent_to(client.get(PAGE), "two_factor_enrol")

    OfficialMembership.objects.filter(user=city_official).update(district=district)

    assert client.get(PAGE).status_code == 200


# --- A device reset under a session ----------------------------------------------------------------------


def test_a_verified_session_whose_device_an_administrator_resets_must_enrol_again(
    client, city_official, admin_user_persona, required
):
    device = TOTPDevice.objects.create(user=city_official, name="TOTP", confirmed=True)
    password_login(client, city_official)
    verify(client, device)
    assert client.get(SECURITY_LOG).status_code == 200

    two_factor_remove(user=city_official, actor=admin_user_persona)

    assert sent_to(client.get(SECURITY_LOG), "two_factor_enrol")
    assert client.get(API).status_code == 403


def test_a_verified_session_whose_device_was_replaced_is_asked_for_the_new_code(client, city_official, required):
    old = TOTPDevice.objects.create(user=city_official, name="TOTP", confirmed=True)
    password_login(client, city_official)
    verify(client, old)
    old.delete()
    new = TOTPDevice.objects.create(user=city_official, name="TOTP", confirmed=True)

    assert sent_to(client.get(SECURITY_LOG), "two_factor_verify")
    verify(client, new)
    assert client.get(SECURITY_LOG).status_code == 200


def test_an_optional_user_whose_device_is_reset_goes_on_with_the_password_as_at_a_new_sign_in(
    client, district_official, admin_user_persona, required
):
    """A district official need not use the second factor: after the reset, verified or still at the
    verification step, the session goes on as a sign-in without a device would."""
    device = TOTPDevice.objects.create(user=district_official, name="TOTP", confirmed=True)
    verified, pending = Client(), client
    password_login(verified, district_official)
    verify(verified, device)
    password_login(pending, district_official)
    assert sent_to(pending.get(PAGE), "two_factor_verify")

    two_factor_remove(user=district_official, actor=admin_user_persona)

    assert verified.get(PAGE).status_code == 200
    answer = pending.get(reverse("two_factor_verify") + f"?next={PAGE}")
    assert answer.status_code == 302 and answer["Location"] == PAGE
    assert pending.get(PAGE).status_code == 200


# --- The session limits of the role ----------------------------------------------------------------------


def signed_out(response) -> bool:
    return sent_to(response, "login")


def test_a_user_made_official_during_a_session_gets_the_officials_idle_timeout(
    client, department_user, district, travel, session_limits
):
    client.force_login(department_user)
    travel(100)
    assert client.get(PAGE).status_code == 200

    factories.OfficialMembershipFactory(user=department_user, district=district)
    travel(200)
    assert client.get(PAGE).status_code == 200
    assert (client.session[sessions.IDLE], client.session[sessions.LIFETIME]) == (300, 1800)

    travel(200 + 301)  # idle past the officials' 5 minutes, within everyone else's 10
    assert signed_out(client.get(PAGE))


def test_a_user_made_official_past_the_officials_lifetime_is_signed_out_at_once(
    client, department_user, district, travel, session_limits
):
    client.force_login(department_user)
    for minute in range(9, 35, 9):
        travel(minute * 60)
        assert client.get(PAGE).status_code == 200
    travel(1801)  # past the officials' 30 minutes since the sign-in, within everyone else's hour

    factories.OfficialMembershipFactory(user=department_user, district=district)

    assert signed_out(client.get(PAGE))


def test_a_role_taken_away_keeps_the_shorter_limits_until_the_next_sign_in(
    client, district_official, travel, session_limits
):
    client.force_login(district_official)
    OfficialMembership.objects.filter(user=district_official).delete()
    travel(100)
    assert client.get(PAGE).status_code == 200
    assert (client.session[sessions.IDLE], client.session[sessions.LIFETIME]) == (300, 1800)


# --- Asking costs no query -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["district_official", "department_user", "enterprise_user"])
def test_asking_the_role_on_every_request_costs_no_query(client, request, persona, required, django_assert_num_queries):
    client.force_login(request.getfixturevalue(persona))
    client.get(PAGE)
    # The session, the user with its memberships, the navigation's unread notifications.
    with django_assert_num_queries(3):
        assert client.get("/no-such-page/").status_code == 404


def test_the_gate_put_up_during_a_session_is_kept_in_it(client, required, django_assert_num_queries):
    """The device is looked up once, when the gate goes up; the next requests read the gate from the session."""
    user = factories.UserFactory(username="plain")
    password_login(client, user)
    get_user_model().objects.filter(pk=user.pk).update(is_staff=True)
    assert sent_to(client.get(PAGE), "two_factor_enrol")
    # The session and the user: no device lookup, no session write.
    with django_assert_num_queries(2):
        assert sent_to(client.get(PAGE), "two_factor_enrol")
