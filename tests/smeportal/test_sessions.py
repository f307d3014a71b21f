"""Session limits with time travel (the idle timeout, the absolute lifetime, the officials' shorter pair) and
"log out everywhere" (every session of the user and every API token)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from smeportal import sessions
from smeportal.models import ApiToken, SecurityEvent, UserSession
from tests.conftest import SESSION_CLOCK_START as START

pytestmark = pytest.mark.django_db

PAGE = reverse("account_security")  # any page that needs a login


@pytest.fixture(autouse=True, params=["db", "cached_db"])
def session_engine(request, settings):
    """Every test with sessions in the database alone and read from the cache (production's Redis)."""
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{request.param}"


def signed_in(response) -> bool:
    return response.status_code == 200


def expiries() -> list[dict]:
    return list(SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SESSION_EXPIRED).values_list("details", flat=True))


def test_an_idle_session_ends_after_the_timeout(client, enterprise_user, travel, session_limits):
    client.force_login(enterprise_user)
    travel(599)
    assert signed_in(client.get(PAGE))
    travel(599 + 601)
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert expiries() == [{"reason": "idle"}]


def test_activity_keeps_a_session_alive_until_its_lifetime(client, enterprise_user, travel, session_limits):
    client.force_login(enterprise_user)
    for minute in range(9, 60, 9):  # a request every 9 minutes: never idle for 10
        travel(minute * 60)
        assert signed_in(client.get(PAGE)), minute
    travel(3601)
    assert not signed_in(client.get(PAGE))
    assert expiries() == [{"reason": "lifetime"}]


def test_officials_sessions_are_shorter(client, city_official, enterprise_user, travel, session_limits):
    official = Client()
    official.force_login(city_official)
    client.force_login(enterprise_user)
    travel(400)  # past the officials' 5 minutes, within the 10 minutes of everyone else
    assert not signed_in(official.get(PAGE))
    assert signed_in(client.get(PAGE))


def test_a_session_from_before_the_limits_ends(client, enterprise_user, travel):
    client.force_login(enterprise_user)
    session = client.session
    del session[sessions.STARTED]
    session.save()
    assert not signed_in(client.get(PAGE))
    assert expiries() == [{"reason": "unstamped"}]


def test_a_burst_of_requests_writes_the_session_at_most_once_a_minute(client, enterprise_user, travel, session_limits):
    client.force_login(enterprise_user)
    key = client.session.session_key
    travel(30)
    client.get(PAGE)
    assert client.session[sessions.SEEN] == START  # not written within the minute
    travel(90)
    client.get(PAGE)
    assert Session.objects.get(session_key=key).get_decoded()[sessions.SEEN] == START + 90


def test_logout_everywhere_ends_every_session_and_token(client, department_user):
    laptop, phone = Client(), Client()
    laptop.force_login(department_user)
    phone.force_login(department_user)
    client.force_login(department_user)
    _token, key = ApiToken.issue(department_user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/assistance/agreements/").status_code == 200
    assert UserSession.objects.filter(user=department_user).count() == 3

    response = client.post(reverse("logout_everywhere"))

    assert response["Location"] == reverse("home")
    for device in (client, laptop, phone):
        assert not signed_in(device.get(PAGE))
    assert api.get("/api/v1/assistance/agreements/").status_code in {401, 403}
    assert not ApiToken.objects.filter(user=department_user).exists()
    assert not UserSession.objects.filter(user=department_user).exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGOUT_EVERYWHERE)
    assert (event.user, event.details) == (department_user, {"sessions": 3, "tokens": 1})


def test_logout_everywhere_leaves_other_users_alone(client, department_user, enterprise_user):
    other = Client()
    other.force_login(enterprise_user)
    client.force_login(department_user)
    client.post(reverse("logout_everywhere"))
    assert signed_in(other.get(PAGE))


def test_a_plain_logout_forgets_the_session(client, enterprise_user):
    client.force_login(enterprise_user)
    assert UserSession.objects.filter(user=enterprise_user).exists()
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(user=enterprise_user).exists()


def test_the_security_page_states_the_users_limits(client, city_official, session_limits):
    client.force_login(city_official)
    page = client.get(PAGE).content.decode()
    assert "无操作 5 分钟后自动退出" in page and "登录满 0.5 小时" in page
