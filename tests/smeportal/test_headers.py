"""Response headers of every kind of response, anonymous and signed in: the Content-Security-Policy and
``Cache-Control: private, no-store`` for signed-in users (tests/test_url_matrix.py checks both on every URL).
The tests run with DEBUG off (pytest-django), as production does."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from smeportal.models import ApiToken
from smeportal.templatetags.progress_bars import bar_width
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "connect-src": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'self'"},
    "object-src": {"'none'"},
}


def policy_of(response) -> dict[str, set[str]]:
    assert response.has_header("Content-Security-Policy"), response
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def cache_directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_debug_is_off_in_these_tests():
    assert settings.DEBUG is False


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("login"),
        reverse("certification:calculator"),
        "/no-such-page/",
        reverse("enterprise-list"),  # the API's 403
        reverse("api-docs"),
    ],
)
def test_every_response_carries_the_strict_policy(client, url):
    assert policy_of(client.get(url)) == EXPECTED_POLICY


def test_signed_in_pages_carry_the_policy_too(client, city_official):
    client.force_login(city_official)
    for url in (reverse("home"), reverse("dashboards:city"), reverse("enterprise-list"), "/no-such-page/"):
        assert policy_of(client.get(url)) == EXPECTED_POLICY, url


@pytest.mark.parametrize(
    "url", [reverse("home"), reverse("certification:calculator"), reverse("certification:notices")]
)
def test_anonymous_public_pages_stay_cacheable(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" not in cache_directives(response)
    assert "private" not in cache_directives(response)


@pytest.mark.parametrize(
    "persona", ["enterprise_user", "district_official", "department_user", "city_official", "admin_user_persona"]
)
def test_signed_in_pages_are_private_and_not_stored(persona_client, persona):
    client = persona_client(persona)
    for url in (reverse("home"), reverse("certification:calculator"), reverse("notifications"), "/no-such-page/"):
        directives = cache_directives(client.get(url))
        assert {"private", "no-store"} <= directives, (url, directives)
        assert "public" not in directives


def test_signed_in_api_answers_are_private_and_not_stored(client, district_official):
    client.force_login(district_official)
    response = client.get(reverse("enterprise-list"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_token_authenticated_api_answers_are_private_and_not_stored(client, enterprise_user):
    _, key = ApiToken.issue(enterprise_user)
    response = client.get(reverse("enterprise-list"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    refused = client.get(reverse("enterprise-list"), HTTP_AUTHORIZATION="Token not-a-key")
    assert refused.status_code in {401, 403}
    assert {"private", "no-store"} <= cache_directives(refused)


def test_xlsx_exports_are_private_and_not_stored(client, department_user, city_official):
    client.force_login(department_user)
    response = client.get(reverse("assistance:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(city_official)
    response = client.get(reverse("dashboards:export", kwargs={"table": "funnel"}))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_file_downloads_are_private_and_not_stored(client, enterprise, enterprise_user, settings, tmp_path):
    from certification.models import ApplicationAttachment

    settings.MEDIA_ROOT = tmp_path
    attachment = ApplicationAttachment(
        application=factories.ApplicationFactory(enterprise=enterprise), kind="other", original_name="说明.pdf", size=14
    )
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    attachment.save()
    client.force_login(enterprise_user)
    response = client.get(reverse("certification:attachment_download", kwargs={"pk": attachment.pk}))
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_directives(response)
    assert policy_of(response) == EXPECTED_POLICY


def test_a_view_that_chose_public_caching_is_made_private_for_a_signed_in_user(rf, enterprise_user):
    from django.http import HttpResponse

    from smeportal.middleware import PrivateCacheMiddleware

    def view(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    request = rf.get("/")
    request.user = enterprise_user
    directives = cache_directives(PrivateCacheMiddleware(view)(request))
    assert {"private", "no-store"} <= directives and "public" not in directives


# --- What the policy would refuse is not in the templates ------------------------------------------------

TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]  # the project's and any app's
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "inline <style>": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def template_files():
    for directory in TEMPLATE_DIRS:
        if directory.exists():
            yield from sorted(directory.rglob("*.html"))


def test_no_template_has_what_the_policy_refuses():
    found = []
    for path in template_files():
        text = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", path.read_text(), flags=re.S)
        found += [f"{path.relative_to(ROOT)}: {what}" for what, pattern in INLINE.items() if pattern.search(text)]
    assert not found, found


@pytest.mark.parametrize(
    ("value", "css_class"),
    [(0, "w-pct-0"), (37, "w-pct-37"), ("49.6", "w-pct-50"), (100, "w-pct-100"), (250, "w-pct-100"),
     (-3, "w-pct-0"), (None, "w-pct-0"), ("", "w-pct-0"), ("NaN", "w-pct-0")],
)  # fmt: skip
def test_bar_width_classes_cover_every_percent(value, css_class):
    assert bar_width(value) == css_class
    assert f".{css_class}{{width:" in (ROOT / "static" / "css" / "portal.css").read_text()
