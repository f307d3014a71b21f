"""The read-only revocations API: scope per role, state filter, schema-conforming bodies, flat queries."""

import pytest
from django.urls import reverse

from certification.models import Revocation
from tests import factories
from tests.certification.test_revocation_views import announced, open_revocation

R = Revocation.State
LIST = "/api/v1/certification/revocations/"


@pytest.fixture
def procedures(enterprise, other_enterprise):
    mine = open_revocation(factories.registered_filing(enterprise, serial=1))
    theirs = announced(factories.registered_filing(other_enterprise, serial=2))
    return mine, theirs


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_list_path(db):
    assert reverse("certification-revocation-list") == LIST


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("enterprise_user", {"mine"}),
        ("other_enterprise_user", {"theirs"}),
        ("district_official", {"mine"}),
        ("other_district_official", {"theirs"}),
        ("city_official", {"mine", "theirs"}),
    ],
)
def test_each_role_sees_its_scope(persona_client, procedures, persona, sees):
    named = dict(zip(("mine", "theirs"), procedures, strict=True))
    response = persona_client(persona).get(LIST)
    assert response.status_code == 200
    assert ids(response) == {named[name].pk for name in sees}


@pytest.mark.parametrize(("persona", "status"), [("anonymous", {401, 403}), ("department_user", {403})])
def test_refused_roles(persona_client, procedures, persona, status):
    assert persona_client(persona).get(LIST).status_code in status


def test_detail_out_of_scope_is_404(persona_client, procedures):
    mine, _theirs = procedures
    assert persona_client("other_enterprise_user").get(f"{LIST}{mine.pk}/").status_code == 404


def test_detail_body(persona_client, procedures, enterprise):
    mine, _theirs = procedures
    body = persona_client("enterprise_user").get(f"{LIST}{mine.pk}/").json()
    assert body["state"] == R.NOTICED
    assert body["enterprise_name"] == enterprise.name and body["credit_code"] == enterprise.credit_code
    assert body["registration_number"] == mine.registration.number
    assert body["defence_deadline"] == mine.defence_deadline.isoformat()
    assert body["has_defence_attachment"] is False and body["decided_at"] is None


@pytest.mark.parametrize(("state", "expected"), [("open", "mine"), (R.REVOKED, "theirs"), (R.DISMISSED, None)])
def test_state_filter(persona_client, procedures, state, expected):
    named = dict(zip(("mine", "theirs"), procedures, strict=True))
    response = persona_client("city_official").get(LIST, {"state": state})
    assert ids(response) == ({named[expected].pk} if expected else set())


def test_unknown_state_is_400(persona_client, procedures):
    assert persona_client("city_official").get(LIST, {"state": "bogus"}).status_code == 400


def test_writes_are_not_offered(persona_client, procedures):
    mine, _theirs = procedures
    client = persona_client("city_official")
    assert client.post(LIST, {}, content_type="application/json").status_code == 405
    assert client.delete(f"{LIST}{mine.pk}/").status_code == 405


@pytest.mark.parametrize("count", [3, 30])
def test_list_query_count_is_flat(persona_client, district, django_assert_max_num_queries, count):
    for n in range(count):
        enterprise = factories.EnterpriseFactory(managing_district=district)
        open_revocation(factories.registered_filing(enterprise, serial=100 + n))
    client = persona_client("city_official")
    client.get(LIST)
    with django_assert_max_num_queries(4):
        response = client.get(LIST)
    assert len(response.json()["results"]) == count


def test_bodies_with_empty_and_null_values_conform_to_the_schema(persona_client, procedures, tmp_path):
    """An open procedure has no defence, finding or decision yet ("" and null)."""
    import yaml
    from django.core.management import call_command

    from tests.certification.test_api_schema import assert_conforms

    path = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(path))
    schema = yaml.safe_load(path.read_text(encoding="utf-8"))
    client = persona_client("city_official")
    listing = client.get(LIST).json()
    assert {row["defence"] for row in listing["results"]} == {""}
    assert_conforms(schema, "/api/v1/certification/revocations/", "get", 200, listing)
    mine, _theirs = procedures
    detail = client.get(f"{LIST}{mine.pk}/").json()
    assert detail["finding"] == "" and detail["announced_at"] is None
    assert_conforms(schema, "/api/v1/certification/revocations/{id}/", "get", 200, detail)
