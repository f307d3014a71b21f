"""The OpenAPI schema and Swagger UI: signed-in users only unless API_DOCS_PUBLIC (production's default is
off; tests/smeportal/test_settings.py checks the defaults), and a Swagger page with nothing inline."""

import json
import re

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer

from smeportal.api_docs import RenderedOnce, SchemaMadeOnce
from smeportal.models import ApiToken

pytestmark = pytest.mark.django_db

SCHEMA, DOCS = reverse("api-schema"), reverse("api-docs")


@pytest.fixture
def docs_private(settings):
    settings.API_DOCS_PUBLIC = False


def test_anonymous_visitors_get_neither_schema_nor_docs(client, docs_private):
    assert client.get(SCHEMA).status_code in {401, 403}
    response = client.get(DOCS)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={DOCS}"


@pytest.mark.parametrize("persona", ["enterprise_user", "department_user", "city_official"])
def test_signed_in_users_read_schema_and_docs(persona_client, persona, docs_private):
    client = persona_client(persona)
    schema = client.get(SCHEMA, HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/enterprises/" in schema.json()["paths"]
    assert client.get(DOCS).status_code == 200


def test_a_token_reads_the_schema(client, enterprise_user, docs_private):
    _, key = ApiToken.issue(enterprise_user)
    assert client.get(SCHEMA, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_public_when_the_setting_says_so(client, settings):
    settings.API_DOCS_PUBLIC = True
    assert client.get(SCHEMA).status_code == 200
    assert client.get(DOCS).status_code == 200


def test_swagger_page_has_nothing_inline_and_its_settings_as_data(client, city_official, docs_private):
    client.force_login(city_official)
    body = client.get(DOCS).content.decode()
    scripts = re.findall(r"<script[^>]*>", body)
    assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts), scripts
    assert "/static/js/swagger-init.js" in body
    assert "<style" not in body and " style=" not in body
    config = json.loads(re.search(r'<script id="swagger-config" type="application/json">(.*?)</script>', body).group(1))
    assert config["url"] == SCHEMA
    assert config["settings"]["validatorUrl"] is None
    assert config["csrfHeaderName"] == "X-CSRFTOKEN"


def test_the_docs_page_is_not_in_the_schema(client, city_official):
    client.force_login(city_official)
    paths = client.get(SCHEMA, HTTP_ACCEPT="application/json").json()["paths"]
    assert not [path for path in paths if path.startswith(("/api/docs", "/api/schema"))]


def test_the_schema_is_made_once_per_language(client, city_official, monkeypatch):
    made = []
    monkeypatch.setattr(SchemaMadeOnce, "made", {})
    original = SchemaGenerator.get_schema
    monkeypatch.setattr(SchemaGenerator, "get_schema", lambda *a, **kw: made.append(1) or original(*a, **kw))
    client.force_login(city_official)
    chinese = [client.get(SCHEMA, HTTP_ACCEPT="application/json").json() for _ in range(2)]
    english = [client.get(SCHEMA, {"lang": "en"}, HTTP_ACCEPT="application/json").json() for _ in range(2)]
    assert len(made) == 2  # one per language, not one per request
    assert chinese[0] == chinese[1] and english[0] == english[1]


def test_the_schema_is_rendered_once_per_language_and_format(client, city_official, monkeypatch):
    rendered = []
    monkeypatch.setattr(RenderedOnce, "rendered", {})
    for renderer in (OpenApiYamlRenderer, OpenApiJsonRenderer):
        original = renderer.render
        monkeypatch.setattr(
            renderer, "render", lambda *a, original=original, **kw: rendered.append(1) or original(*a, **kw)
        )
    client.force_login(city_official)
    yaml = [client.get(SCHEMA) for _ in range(2)]
    json_ = [client.get(SCHEMA, HTTP_ACCEPT="application/json") for _ in range(2)]
    english = [client.get(SCHEMA, {"lang": "en"}) for _ in range(2)]
    assert len(rendered) == 3  # YAML and JSON in Chinese, YAML in English; not once per request
    assert yaml[0].content == yaml[1].content and yaml[0]["Content-Type"].startswith("application/vnd.oai.openapi")
    assert json_[0].json() == json_[1].json() and json_[0]["Content-Type"].startswith("application/json")
    assert english[0].content == english[1].content != yaml[0].content


def test_a_refusal_is_not_kept_as_the_schema(client, city_official, docs_private, monkeypatch):
    monkeypatch.setattr(RenderedOnce, "rendered", {})
    assert client.get(SCHEMA).status_code in {401, 403}
    client.force_login(city_official)
    assert "/api/v1/enterprises/" in client.get(SCHEMA, HTTP_ACCEPT="application/json").json()["paths"]
    assert client.get(SCHEMA).content.startswith(b"openapi:")
