"""One client IP for the login lockout, the API throttles and the page throttles (TRUSTED_PROXY_COUNT).

On the previous main the API throttles trusted X-Forwarded-For as the client sent it (rotating it
bypassed them), while the lockout read REMOTE_ADDR (behind a proxy, five wrong passwords for ``city``
from anywhere locked every official out)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from smeportal.clientip import client_ip
from smeportal.throttling import PageThrottle
from tests import factories

PROXY = "10.0.0.2"  # the reverse proxy: every request reaches the portal from it


@pytest.mark.parametrize(
    ("count", "forwarded", "client"),
    [
        (0, "", "198.51.100.7"),
        (0, "203.0.113.9", "198.51.100.7"),  # no proxy is trusted: the header is anyone's to send
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a client's own entry on the left is not trusted
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (1, "", "198.51.100.7"),
        (3, "203.0.113.9", "203.0.113.9"),
    ],
)
def test_the_portal_drf_and_axes_read_the_same_client(settings, count, forwarded, client):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = count
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}
    meta = {"REMOTE_ADDR": "198.51.100.7"} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})
    request = RequestFactory().get("/", **meta)
    assert client_ip(request) == client
    assert get_client_ip_address(request) == client
    assert SimpleRateThrottle.get_ident(SimpleRateThrottle.__new__(SimpleRateThrottle), request) == client


def test_drf_trusts_as_many_proxies_as_the_portal():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXY_COUNT
    assert settings.AXES_CLIENT_IP_CALLABLE == "smeportal.clientip.client_ip"


@pytest.mark.django_db
def test_rotating_x_forwarded_for_does_not_bypass_the_token_throttle(settings):
    settings.API_TOKEN_THROTTLE_RATE = "3/min"
    api = APIClient()
    codes = [
        api.post(
            "/api/v1/auth/token/",
            {"username": "nobody", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(5)
    ]
    assert codes[:3] == [400, 400, 400] and codes[3:] == [429, 429]


@pytest.mark.django_db
def test_behind_the_proxy_a_lockout_of_city_from_one_client_leaves_the_official_in(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    factories.OfficialMembershipFactory(district=None, user__username="city")
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for _ in range(5):
        client.post(reverse("login"), {"username": "city", "password": "wrong"}, **attacker)
    assert (
        client.post(reverse("login"), {"username": "city", "password": "portal-pass-2026"}, **attacker).status_code
        == 429
    )
    official = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    response = client.post(reverse("login"), {"username": "city", "password": "portal-pass-2026"}, **official)
    assert response.status_code == 302


@pytest.mark.django_db
def test_registration_is_throttled_per_client(client, settings):
    settings.REGISTRATION_THROTTLE_RATE = "2/hour"
    for _ in range(2):
        assert client.post(reverse("register"), {"username": ""}).status_code == 200
    refused = client.post(reverse("register"), {"username": ""})
    assert refused.status_code == 429 and "注册过于频繁" in refused.content.decode()
    assert client.post(reverse("register"), {"username": ""}, REMOTE_ADDR="198.51.100.99").status_code == 200


def test_page_throttle_keys_on_the_client_ip(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    throttle = PageThrottle("register", "1/hour")
    request = RequestFactory().post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert throttle.get_cache_key(request, None).endswith("203.0.113.5")
