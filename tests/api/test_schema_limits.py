"""The OpenAPI schema states the limits the API enforces (smeportal.api_schema); the fuzzing in
test_schema_fuzz.py sends what the schema allows and fails on a refusal, these name the statements."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.renderers import JSONRenderer


@pytest.fixture(scope="module")
def schema():
    return json.loads(JSONRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


def query_parameter(schema, path, name):
    return next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)["schema"]


def test_id_and_year_filters_are_whole_numbers_in_range(schema):
    assert query_parameter(schema, "/api/v1/certification/filings/", "district") == {
        "type": "integer",
        "minimum": 1,
        "maximum": 2**63 - 1,
    }
    year = query_parameter(schema, "/api/v1/certification/registrations/", "evaluation_year")
    assert (year["minimum"], year["maximum"]) == (2017, 2100)


def test_text_query_values_are_bounded(schema):
    assert query_parameter(schema, "/api/v1/enterprises/", "q")["maxLength"] == 1000
    assert query_parameter(schema, "/api/v1/certification/registrations/", "number")["maxLength"] == 24


def test_required_text_is_not_blank(schema):
    title = schema["components"]["schemas"]["NoticeBatchCreate"]["properties"]["title"]
    assert title["minLength"] == 1 and title["pattern"] == r"\S"


def test_rules_across_fields_and_of_the_data_are_described(schema):
    components = schema["components"]["schemas"]
    assert "职工总数" in components["EvaluationInput"]["properties"]["tech_staff"]["description"]
    assert "409" in components["FilingCreate"]["properties"]["evaluation_year"]["description"]
    assert components["NoticeBatchCreate"]["properties"]["start_date"]["pattern"]
    assert components["Return"]["properties"]["field_comments"]["additionalProperties"] is False
    assert "U+0000" in schema["info"]["description"]
