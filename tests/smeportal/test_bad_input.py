"""Bad input answers 400 with a message (or 404 for a cursor), never 500 (smeportal.badinput, the cursor
pagination of smeportal.api).

The NUL cases failed with 500 on PostgreSQL only ("A string literal cannot contain NUL"); the checks are
made before any database sees the value, so they are tested on both databases. Every URL with hostile
query values as every persona is in tests/test_url_matrix.py.
"""

import base64
import json

import pytest
from django.conf import settings
from django.urls import reverse

from certification.models import Application
from smeportal.badinput import MAX_JSON_DEPTH, MAX_QUERY_VALUE_LENGTH
from tests import factories

pytestmark = pytest.mark.django_db

NUL = "专精\x00特新"


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("anonymous", "/certification/lookup/?q=" + NUL),
        ("anonymous", "/certification/revocations/announcements/?q=" + NUL),
        ("district_official", "/certification/pool/?add_q=" + NUL),
        ("department_user", "/assistance/agreements/?q=" + NUL),
        ("department_user", "/assistance/agreements/enterprise-search/?enterprise=" + NUL),
        ("city_official", "/dashboards/export/funnel/?district=" + NUL),
        ("city_official", "/dashboards/district/51%000703/"),
        ("city_official", "/enterprises/?" + NUL + "=1"),
    ],
)
def test_a_nul_character_in_a_page_request_is_a_400_page(persona_client, persona, url):
    response = persona_client(persona).get(url)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-error="400"' in body and 'class="navbar' in body
    assert "不允许的字符" in body


def test_the_400_page_speaks_the_visitors_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/certification/lookup/?q=" + NUL)
    assert response.status_code == 400
    assert '<html lang="en">' in response.content.decode()
    assert "characters that are not allowed" in response.content.decode()


def test_an_over_long_query_value_is_refused(client):
    assert client.get("/certification/lookup/", {"q": "企" * MAX_QUERY_VALUE_LENGTH}).status_code == 200
    response = client.get("/certification/lookup/", {"q": "企" * (MAX_QUERY_VALUE_LENGTH + 1)})
    assert response.status_code == 400
    assert str(MAX_QUERY_VALUE_LENGTH) in response.content.decode()


def test_a_nul_character_in_a_form_field_changes_nothing(client, enterprise_user, enterprise):
    filing = factories.ApplicationFactory(enterprise=enterprise)
    client.force_login(enterprise_user)
    response = client.post(reverse("certification:filing_withdraw", args=[filing.pk]), {"comment": "撤回\x00"})
    assert response.status_code == 400
    filing.refresh_from_db()
    assert filing.state == Application.State.DRAFT


def test_api_query_with_a_nul_character_is_a_json_400(client, city_official):
    client.force_login(city_official)
    response = client.get("/api/v1/enterprises/", {"name": NUL})
    assert response.status_code == 400
    assert "不允许的字符" in response.json()["detail"]


def cursor(querystring: str) -> str:
    return base64.b64encode(querystring.encode()).decode()


@pytest.mark.parametrize(
    "value",
    [cursor("p=abc"), cursor("p=1.5"), cursor("p=99999999999999999999"), cursor("p=%00"), cursor("o=x"), "YQ"],
)
def test_a_hand_made_cursor_is_404_with_a_message(client, city_official, enterprise, value):
    client.force_login(city_official)
    response = client.get("/api/v1/enterprises/", {"cursor": value})
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_cursor_the_api_made_still_pages(client, city_official, district):
    factories.EnterpriseFactory.create_batch(3, managing_district=district)
    client.force_login(city_official)
    first = client.get("/api/v1/enterprises/").json()
    assert len(first["results"]) == 3
    position = cursor(f"p={first['results'][1]['id']}")
    second = client.get("/api/v1/enterprises/", {"cursor": position})
    assert second.status_code == 200
    assert [row["id"] for row in second.json()["results"]] == [first["results"][2]["id"]]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 5000 + "]" * 5000, "嵌套过深"),
        ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "嵌套过深"),
        (json.dumps({"enterprise_name": "专精\x00特新"}), "不允许的字符"),
        ('{"enterprise_name": "\\ud800"}', "不允许的字符"),
    ],
)
def test_json_the_database_cannot_take_is_a_400(client, body, message):
    response = client.post(reverse("certification-evaluate"), body, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_json_as_deep_as_allowed_reaches_the_serializer(client):
    body = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    response = client.post(reverse("certification-evaluate"), body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套过深" not in json.dumps(response.json(), ensure_ascii=False)


def test_json_filing_endpoints_use_the_strict_parser(client, enterprise_user, enterprise):
    filing = factories.ApplicationFactory(enterprise=enterprise)
    client.force_login(enterprise_user)
    response = client.patch(
        reverse("certification-filing-detail", args=[filing.pk]), "[" * 5000, content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("content_type", ["multipart", "urlencoded"])
def test_an_api_form_with_a_nul_character_is_a_400(client, content_type):
    url, fields = reverse("certification-evaluate"), {"evaluation_year": "2026", "total_staff": "4\x000"}
    if content_type == "multipart":
        response = client.post(url, fields)
    else:
        response = client.post(url, "evaluation_year=2026&total_staff=4%000", "application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "不允许的字符" in response.json()["detail"]
