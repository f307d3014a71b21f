import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import AssistanceAgreementFactory, EnterpriseFactory, ServiceRecordFactory

pytestmark = pytest.mark.django_db
AGREEMENTS = "assistance-agreement-list"
RECORDS = "assistance-service-record-list"


@pytest.fixture
def data(department, other_department, enterprise, other_enterprise, district):
    a = AssistanceAgreementFactory(department=department, enterprise=enterprise, counts_as_new=True)
    b = AssistanceAgreementFactory(department=other_department, enterprise=other_enterprise, status="completed")
    c = AssistanceAgreementFactory(
        department=department, enterprise=EnterpriseFactory(managing_district=district), year=2025,
        signed_on=dt.date(2025, 6, 1),
    )  # fmt: skip
    AssistanceAgreementFactory(department=department, enterprise=other_enterprise, archived=True)
    records = [ServiceRecordFactory(agreement=a), ServiceRecordFactory(agreement=b, kind="call")]
    return {"a": a, "b": b, "c": c, "records": records}


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("city_official", {"a", "b", "c"}),
        ("department_user", {"a", "c"}),
        ("other_department_user", {"b"}),
        ("enterprise_user", {"a"}),
        ("district_official", {"a", "c"}),
        ("other_district_official", {"b"}),
    ],
)
def test_agreement_scoping(persona_client, data, persona, expected):
    client = persona_client(persona)
    assert ids(client.get(reverse(AGREEMENTS))) == {data[k].pk for k in expected}


def test_refused_without_scope(client, persona_client, data):
    from tests.factories import UserFactory

    assert persona_client("anonymous").get(reverse(AGREEMENTS)).status_code in {401, 403}
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse(AGREEMENTS)).status_code == 403
    assert client.get(reverse(RECORDS)).status_code == 403


def test_agreement_filters(persona_client, data, district, other_district):
    client = persona_client("city_official")
    url = reverse(AGREEMENTS)
    assert ids(client.get(url, {"year": 2025})) == {data["c"].pk}
    assert ids(client.get(url, {"counts_as_new": "true"})) == {data["a"].pk}
    assert ids(client.get(url, {"status": "completed"})) == {data["b"].pk}
    assert ids(client.get(url, {"district": other_district.pk})) == {data["b"].pk}
    assert ids(client.get(url, {"enterprise": data["a"].enterprise_id})) == {data["a"].pk}
    assert ids(client.get(url, {"credit_code": data["c"].enterprise.credit_code})) == {data["c"].pk}
    row = client.get(reverse("assistance-agreement-detail", args=[data["a"].pk])).json()
    assert row["department"] == "kjj" and row["counts_as_new"] is True and row["measures"] == ["policy"]


def test_agreement_detail_out_of_scope_404(persona_client, data):
    client = persona_client("enterprise_user")
    assert client.get(reverse("assistance-agreement-detail", args=[data["b"].pk])).status_code == 404


def test_service_records_scoping_and_filters(persona_client, data):
    a_record, b_record = data["records"]
    assert ids(persona_client("enterprise_user").get(reverse(RECORDS))) == {a_record.pk}
    city = persona_client("city_official")
    assert ids(city.get(reverse(RECORDS))) == {a_record.pk, b_record.pk}
    assert ids(city.get(reverse(RECORDS), {"kind": "call"})) == {b_record.pk}
    assert ids(city.get(reverse(RECORDS), {"counts_as_new": "true"})) == {a_record.pk}


def test_pagination_and_flat_queries(persona_client, department, django_assert_max_num_queries):
    for _ in range(55):
        ServiceRecordFactory(agreement=AssistanceAgreementFactory(department=department))
    client = persona_client("city_official")
    with django_assert_max_num_queries(8):
        first = client.get(reverse(AGREEMENTS)).json()
    assert len(first["results"]) == 50 and first["next"]
    assert len(client.get(first["next"]).json()["results"]) == 5
    with django_assert_max_num_queries(8):
        assert len(client.get(reverse(RECORDS)).json()["results"]) == 50


def test_in_openapi_schema(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    assert "/api/v1/assistance/agreements/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/assistance/agreements/"]["get"]["parameters"]}
    assert {"year", "enterprise", "district", "counts_as_new", "status"} <= params


# --- Regressions found by fuzzing with schemathesis (tests/api/test_schema_fuzz.py) ------------------


@pytest.mark.parametrize(
    "query",
    [
        {"agreement": "-2.3853493969020067e+106"},
        {"agreement": str(2**70)},
        {"enterprise": "1.5"},
        {"year": "99999999999999999999999"},
    ],
)
def test_out_of_range_numeric_filters_answer_400(persona_client, data, query):
    client = persona_client("city_official")
    for name in (AGREEMENTS, RECORDS):
        if "agreement" in query and name == AGREEMENTS:
            continue
        response = client.get(reverse(name), query)
        assert response.status_code == 400, (name, query, response.content)
        assert set(response.json()) == set(query)


def test_schema_documents_the_refusals(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    for path in ("/api/v1/assistance/agreements/", "/api/v1/assistance/service-records/"):
        operation = schema["paths"][path]["get"]
        assert {"200", "400", "401", "403", "404"} <= set(operation["responses"]), path
        detail = schema["paths"][path + "{id}/"]["get"]
        assert {"200", "401", "403", "404"} <= set(detail["responses"]), path
