import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "asset",
    [
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/echarts/echarts.min.js",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
    ],
)
def test_front_end_packages_are_served_locally(asset):
    assert finders.find(asset), f"{asset} missing: run `make install` (npm ci)"


def test_home_page_for_anonymous_links_login_and_registration(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="viewport"' in body
    assert reverse("login") in body
    assert reverse("register") in body
    assert "cdn" not in body.lower()


def test_navigation_fits_the_role(client, city_official, enterprise_user):
    client.force_login(city_official)
    body = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("enterprises:list")}"' in body
    assert f'href="{reverse("enterprises:profile")}"' not in body
    client.force_login(enterprise_user)
    body = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("enterprises:profile")}"' in body
    assert f'href="{reverse("enterprises:list")}"' not in body


def test_chinese_is_the_default_and_english_can_be_chosen(client):
    assert '<html lang="zh-hans">' in client.get(reverse("home")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    body = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in body


def test_csrf_is_enforced_on_login():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("login"), {"username": "x", "password": "y"}).status_code == 403


def test_security_headers_are_set(client):
    response = client.get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
