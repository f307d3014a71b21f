"""403, 404 and 500 in the portal's layout and the visitor's language, with DEBUG off as in production.

403 and 404 are Django's own views with templates/403.html and 404.html (the whole request context: the
navigation of the signed-in user); 500 is smeportal.errorpages.server_error, which renders templates/500.html
with no request context at all and falls back to a plain page if even that fails.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import get_resolver, reverse

from smeportal import errorpages

pytestmark = pytest.mark.django_db

ERROR_URLS = "tests.smeportal.error_urls"


@pytest.fixture(autouse=True)
def production_debug():
    assert settings.DEBUG is False  # pytest-django runs the suite with DEBUG off; Django's pages show only with it on


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def assert_portal_layout(body: str, lang: str):
    assert f'<html lang="{lang}">' in body
    assert 'class="navbar' in body
    assert "/static/css/portal.css" in body
    assert "<footer" in body


def test_the_project_wires_its_own_500_handler():
    assert get_resolver().resolve_error_handler(500) is errorpages.server_error


def test_404_in_chinese_for_an_anonymous_visitor(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert_portal_layout(body, "zh-hans")
    assert "页面不存在" in body and 'data-error="404"' in body
    assert reverse("login") in body
    assert "Not Found" not in body and "The requested resource" not in body  # Django's plain English page


def test_404_in_english(client):
    body = english(client).get("/no-such-page/").content.decode()
    assert_portal_layout(body, "en")
    assert "Page not found" in body and "页面不存在" not in body


def test_404_of_a_record_out_of_scope_is_the_same_page_with_the_users_navigation(
    client, other_district_official, enterprise
):
    client.force_login(other_district_official)
    response = client.get(reverse("enterprises:detail", kwargs={"pk": enterprise.pk}))
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body
    assert other_district_official.username in body  # base.html's navigation of the signed-in user
    assert enterprise.name not in body
    assert "No Enterprise matches" not in body  # the exception's text is not shown


@pytest.mark.urls(ERROR_URLS)
def test_403_shows_the_services_reason_in_the_layout(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get("/test-errors/403/")
    assert response.status_code == 403
    body = response.content.decode()
    assert_portal_layout(body, "zh-hans")
    assert "无权访问" in body and "只有企业用户可以填写申报。" in body
    assert enterprise_user.username in body


@pytest.mark.urls(ERROR_URLS)
def test_403_without_a_reason_in_both_languages(client):
    body = client.get("/test-errors/403-plain/").content.decode()
    assert "无权访问" in body and "您没有执行此操作的权限。" in body
    body = english(client).get("/test-errors/403-plain/").content.decode()
    assert_portal_layout(body, "en")
    assert "Access denied" in body and "You do not have permission to do this." in body
    assert "403 Forbidden" not in body


def test_csrf_failure_is_the_portals_page(enterprise_user):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert_portal_layout(body, "zh-hans")
    assert "页面已过期" in body
    assert "CSRF verification failed" not in body
    body = english(strict).post(reverse("login"), {"username": "x", "password": "y"}).content.decode()
    assert "Page expired" in body


@pytest.mark.urls(ERROR_URLS)
def test_500_in_chinese_and_english_without_the_request_context(enterprise_user):
    client = Client(raise_request_exception=False)
    client.force_login(enterprise_user)
    response = client.get("/test-errors/500/")
    assert response.status_code == 500
    body = response.content.decode()
    assert_portal_layout(body, "zh-hans")
    assert "服务器内部错误" in body and 'data-error="500"' in body
    assert "a bug in a view" not in body and "Traceback" not in body
    assert enterprise_user.username not in body  # no context processors: nothing that could fail again
    assert response.has_header("Content-Security-Policy")
    body = english(client).get("/test-errors/500/").content.decode()
    assert_portal_layout(body, "en")
    assert "Server error" in body and "服务器内部错误" not in body


@pytest.mark.urls(ERROR_URLS)
def test_500_renders_even_when_the_context_processors_are_broken(monkeypatch):
    def broken_navigation(request):
        raise RuntimeError("the database behind the navigation is down")

    monkeypatch.setattr("dashboards.context_processors.navigation", broken_navigation)
    response = Client(raise_request_exception=False).get("/test-errors/500/")
    assert response.status_code == 500
    assert "服务器内部错误" in response.content.decode()


@pytest.mark.urls(ERROR_URLS)
def test_500_falls_back_to_a_plain_page_when_its_template_fails(monkeypatch, caplog):
    def missing_manifest_entry(name):
        raise ValueError("Missing staticfiles manifest entry for 'css/portal.css'")

    monkeypatch.setattr(errorpages.loader, "get_template", missing_manifest_entry)
    client = english(Client(raise_request_exception=False))
    response = client.get("/test-errors/500/")
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="en">' in body and "Server error" in body
    assert "could not be rendered" in caplog.text
