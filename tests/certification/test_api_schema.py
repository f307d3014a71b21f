"""The OpenAPI schema and Swagger UI: valid without warnings, unique operationIds, served from local files."""

import re

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    # --fail-on-warn raises on any warning (enum collisions, untyped fields, unresolvable views).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return path


@pytest.fixture(scope="module")
def schema(schema_file):
    return yaml.safe_load(schema_file.read_text(encoding="utf-8"))


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_schema_validates_without_warnings(schema):
    assert schema["openapi"].startswith("3.")


def test_operation_ids_are_unique(schema):
    ids = [operation["operationId"] for _, _, operation in operations(schema)]
    assert len(ids) == len(set(ids))


def test_every_filing_action_documents_its_errors(schema):
    prefix = "/api/v1/certification/filings/{id}/"
    actions = [(path, op) for path, method, op in operations(schema) if path.startswith(prefix) and method == "post"]
    assert {path.removeprefix(prefix) for path, _ in actions} == {
        "submit/",
        "resubmit/",
        "withdraw/",
        "return/",
        "require-on-site-check/",
        "record-on-site-check/",
        "recommend/",
        "reject/",
    }
    for path, operation in actions:
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"]), path
        conflict = operation["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
        assert conflict.endswith("/Conflict"), path
    conflict = schema["components"]["schemas"]["Conflict"]
    assert set(conflict["required"]) == {"detail", "reasons", "gap"}


def test_filing_states_are_one_named_enum(schema):
    states = schema["components"]["schemas"]["FilingStateEnum"]["enum"]
    assert "draft" in states and "registered" in states
    list_params = {p["name"]: p for p in schema["paths"]["/api/v1/certification/filings/"]["get"]["parameters"]}
    assert {"evaluation_year", "state", "district", "enterprise", "cursor"} <= set(list_params)


@pytest.mark.django_db
def test_swagger_ui_references_no_external_host(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert urls, "the page should load its scripts and styles"
    external = [url for url in urls if re.match(r"^(?:[a-z]+:)?//", url, re.IGNORECASE)]
    assert external == []
    assert not re.search(r"https?://", html)
    # Swagger UI would otherwise ask validator.swagger.io for a badge.
    assert '"validatorUrl": null' in html


@pytest.mark.django_db
def test_swagger_ui_assets_are_served_locally(client):
    html = client.get("/api/docs/").content.decode()
    script = re.search(r"""src\s*=\s*["']([^"']*swagger-ui-bundle[^"']*)["']""", html)
    assert script, html[:500]
    assert script.group(1).startswith("/static/")
