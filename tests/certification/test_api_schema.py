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


# --- Real responses against the schema (regressions found by fuzzing with schemathesis) -------------


def _json_schema(node):
    """OpenAPI 3.0 → JSON Schema: ``nullable: true`` becomes "or null"."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def assert_conforms(schema, path, method, status, body):
    from jsonschema import Draft202012Validator

    response_schema = schema["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]
    document = {**_json_schema(response_schema), "components": _json_schema(schema["components"])}
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(document).iter_errors(body)]
    assert errors == [], (path, errors)


@pytest.mark.django_db
def test_responses_with_empty_values_conform_to_the_schema(schema, enterprise, enterprise_user, city_official):
    """A new filing's first event has from_state ""; a registration not revoked has grounds ""; an
    enterprise without a cluster has cluster null and founder category "" (DRF drops allow_blank and
    allow_null from read-only model fields, so the generated schema refused these)."""
    import datetime as dt

    from rest_framework.test import APIClient

    from certification.models import Application, Registration
    from tests import factories

    company = APIClient()
    company.force_login(enterprise_user)
    created = company.post("/api/v1/certification/filings/", {"evaluation_year": 2026}, format="json")
    assert created.status_code == 201
    assert created.json()["events"][0]["from_state"] == ""
    assert_conforms(schema, "/api/v1/certification/filings/", "post", 201, created.json())

    app = factories.ApplicationFactory(enterprise=enterprise, evaluation_year=2025, state=Application.State.REGISTERED)
    Registration.objects.create(
        application=app,
        enterprise=enterprise,
        evaluation_year=2025,
        number="2025510703000001",
        valid_from=dt.date(2025, 7, 1),
        valid_until=dt.date(2025, 12, 31),
    )
    city = APIClient()
    city.force_login(city_official)
    registrations = city.get("/api/v1/certification/registrations/").json()
    assert registrations["results"][0]["revocation_grounds"] == ""
    assert_conforms(schema, "/api/v1/certification/registrations/", "get", 200, registrations)

    enterprises = city.get("/api/v1/enterprises/").json()
    assert enterprises["results"][0]["cluster"] is None and enterprises["results"][0]["founder_category"] == ""
    assert_conforms(schema, "/api/v1/enterprises/", "get", 200, enterprises)

    detail = company.get(f"/api/v1/certification/filings/{created.json()['id']}/").json()
    assert_conforms(schema, "/api/v1/certification/filings/{id}/", "get", 200, detail)


def test_amount_patterns_refuse_what_the_api_refuses(schema):
    draft = schema["components"]["schemas"]["FilingCreate"]["properties"]["rd_expense"]
    evaluation = schema["components"]["schemas"]["EvaluationInput"]["properties"]["total_staff"]
    for field, whole in ((draft, 12), (evaluation, 7)):
        pattern = re.compile(field["pattern"])
        for good in ("0", "48", "48.5", "48.50", "9" * whole + ".99"):
            assert pattern.match(good), good
        for bad in ("", "-", "-1", "1.", ".5", "1.234", "9" * (whole + 1), "1e3"):
            assert not pattern.match(bad), bad
