"""POST /api/v1/certification/evaluate/: the public self-evaluation API."""

import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from certification.api.evaluate import EvaluateView

URL = "/api/v1/certification/evaluate/"

WORKED = {
    "evaluation_year": 2025,
    "total_staff": "40",
    "tech_staff": "6",
    "sales_revenue": "800.00",
    "total_costs": "700.00",
    "rd_expense": "48.00",
    "total_assets": "1500.00",
    "class1_ip": 0,
    "class2_ip": 3,
}
REQUIRED = [
    "evaluation_year",
    "total_staff",
    "tech_staff",
    "sales_revenue",
    "total_costs",
    "rd_expense",
    "total_assets",
    "class1_ip",
    "class2_ip",
]


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def post(api, payload):
    return api.post(URL, payload, format="json")


def test_worked_example_rd_32_is_56_and_not_eligible(api):
    response = post(api, {**WORKED, "rd_expense": "32.00"})
    assert response.status_code == 200
    assert response.json() == {
        "eligible": False,
        "path": None,
        "total_score": 56,
        "scores": {"tech_staff": 8, "rd": 30, "rd_by_sales": 30, "rd_by_costs": 0, "ip": 18},
        "reasons": [
            {
                "code": "score_below_60",
                "message": "《科技型中小企业评价办法》第六条（五）：综合评价得分须不低于60分（当前56分）",
            }
        ],
        "gap": [
            {"code": "tech_staff", "message": "再增加2名科技人员（职工总数不变，科技人员达到8人）", "amount": "2.00"},
            {"code": "rd_expense", "message": "研发费用至少40.00万元（再增加8.00万元）", "amount": "8.00"},
            {"code": "class2_ip", "message": "再增加1项II类知识产权", "amount": "1.00"},
            {"code": "class1_ip", "message": "再增加1项I类知识产权", "amount": "1.00"},
        ],
    }


def test_worked_example_rd_48_is_76_and_eligible(api):
    response = post(api, WORKED)
    assert response.status_code == 200
    assert response.json() == {
        "eligible": True,
        "path": "score",
        "total_score": 76,
        "scores": {"tech_staff": 8, "rd": 50, "rd_by_sales": 50, "rd_by_costs": 0, "ip": 18},
        "reasons": [],
        "gap": [],
    }


def test_worked_example_80_points_without_tech_staff_score(api):
    response = post(api, {**WORKED, "tech_staff": "3", "class1_ip": 1, "class2_ip": 0})
    assert response.status_code == 200
    body = response.json()
    assert (body["eligible"], body["path"], body["total_score"]) == (False, None, 80)
    assert body["scores"]["tech_staff"] == 0
    assert [reason["code"] for reason in body["reasons"]] == ["tech_staff_score_zero"]
    assert [(gap["code"], gap["amount"]) for gap in body["gap"]] == [("tech_staff", "1.00")]


def test_direct_path_and_every_basic_failure_listed(api):
    direct = post(api, {**WORKED, "tech_staff": "0", "rd_expense": "0", "direct_paths": ["high_tech_certificate"]})
    assert direct.status_code == 200
    assert (direct.json()["eligible"], direct.json()["path"], direct.json()["reasons"]) == (True, "direct", [])

    failing = post(
        api,
        {
            **WORKED,
            "resident_enterprise": False,
            "audited_tax_collection": False,
            "restricted_industry": True,
            "compliance_violation": True,
            "total_staff": "500.01",
            "sales_revenue": "20000.01",
            "total_assets": "20000.01",
        },
    )
    body = failing.json()
    assert failing.status_code == 200
    assert [reason["code"] for reason in body["reasons"]] == [
        "not_resident",
        "tax_collection_not_audited",
        "staff_over_cap",
        "revenue_over_cap",
        "assets_over_cap",
        "restricted_industry",
        "compliance_violation",
        "score_below_60",
        "tech_staff_score_zero",
    ]
    assert body["gap"] == [
        {
            "code": "basic_conditions_unmet",
            "message": "不满足《科技型中小企业评价办法》第六条（一）至（四）项条件，无法通过提高评价指标得分弥补",
            "amount": None,
        }
    ]


def test_caps_at_the_limit_pass(api):
    body = post(api, {**WORKED, "total_staff": "500", "sales_revenue": "20000", "total_assets": "20000"}).json()
    assert not {"staff_over_cap", "revenue_over_cap", "assets_over_cap"} & {r["code"] for r in body["reasons"]}


def test_anonymous_needs_no_login_and_numbers_may_be_json_numbers(api):
    response = post(api, {**WORKED, "total_staff": 40, "tech_staff": 6.5, "rd_expense": 48})
    assert response.status_code == 200
    assert response.json()["total_score"] == 76


# --- 400 for bad input, per field, never 500 ---------------------------------------------------

BAD_VALUES = [
    # (field, value)
    *[(name, "abc") for name in REQUIRED],
    *[(name, None) for name in REQUIRED],
    *[(name, "-1") for name in REQUIRED],
    *[(name, ["1"]) for name in REQUIRED],
    *[(name, {"nested": {"junk": [1, 2]}}) for name in REQUIRED],
    ("total_staff", "10000000"),  # more than 9 digits
    ("total_staff", "1.234"),  # more than 2 decimals
    ("rd_expense", "0.001"),
    ("sales_revenue", "1e20"),
    ("sales_revenue", "9" * 40),
    ("total_assets", "1e999999999999999999"),
    ("total_assets", "1e9999999999999999999"),
    ("total_costs", "NaN"),
    ("total_costs", "Infinity"),
    ("total_costs", "-Infinity"),
    ("total_costs", True),
    ("rd_expense", "1" * 2000),
    ("rd_expense", ""),
    ("class1_ip", "1.5"),
    ("class1_ip", 1.5),
    ("class2_ip", 10**30),
    ("class2_ip", True),
    ("evaluation_year", 2016),
    ("evaluation_year", 2101),
    ("evaluation_year", "二〇二五"),
    ("resident_enterprise", "maybe"),
    ("resident_enterprise", None),
    ("compliance_violation", [True]),
    ("restricted_industry", {"a": 1}),
    ("audited_tax_collection", 2),
    ("direct_paths", ["gold_medal"]),
    ("direct_paths", "high_tech_certificate"),
    ("direct_paths", [["high_tech_certificate"]]),
    ("direct_paths", [{"code": "led_standard"}]),
    ("direct_paths", None),
    ("direct_paths", {"high_tech_certificate": True}),
    ("direct_paths", ["led_standard"] * 5),
]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_bad_field_answers_400_with_a_message_on_that_field(api, field, value):
    response = post(api, {**WORKED, field: value})
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body
    assert body[field]


@pytest.mark.parametrize("field", REQUIRED)
def test_missing_field_answers_400(api, field):
    payload = {key: value for key, value in WORKED.items() if key != field}
    response = post(api, payload)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_tech_staff_above_total_staff_answers_400_on_tech_staff(api):
    response = post(api, {**WORKED, "tech_staff": "40.01"})
    assert response.status_code == 400
    assert response.json() == {"tech_staff": ["科技人员数不能超过职工总数。"]}
    assert post(api, {**WORKED, "tech_staff": "40"}).status_code == 200


def test_several_bad_fields_are_all_reported(api):
    response = post(api, {**WORKED, "total_staff": "-1", "class2_ip": "x", "direct_paths": ["nope"]})
    assert response.status_code == 400
    assert set(response.json()) == {"total_staff", "class2_ip", "direct_paths"}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("[1, 2, 3]", "application/json"),
        ('"a string"', "application/json"),
        ("null", "application/json"),
        ("{not json", "application/json"),
        ('{"total_staff": NaN}', "application/json"),
        ("", "application/json"),
        ("total_staff=40", "text/plain"),
    ],
)
def test_malformed_bodies_answer_4xx_not_500(api, body, content_type):
    response = api.post(URL, data=body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert response.status_code in {400, 415}


def test_get_is_not_allowed(api):
    assert api.get(URL).status_code == 405


# --- Throttle ------------------------------------------------------------------------------------


def test_view_uses_the_anonymous_throttle():
    assert [issubclass(cls, AnonRateThrottle) for cls in EvaluateView.throttle_classes] == [True]


def test_throttle_answers_429_over_the_anon_rate(api):
    low = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/min"}}
    with override_settings(REST_FRAMEWORK=low):
        assert post(api, WORKED).status_code == 200
        assert post(api, WORKED).status_code == 200
        response = post(api, WORKED)
    assert response.status_code == 429
    assert "Retry-After" in response.headers


# --- OpenAPI -------------------------------------------------------------------------------------


def test_schema_documents_the_endpoint_and_validates(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    operation = schema["paths"][URL]["post"]
    assert operation["operationId"] == "certification_evaluate"
    request_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    response_ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    components = schema["components"]["schemas"]
    request_schema = components[request_ref.rsplit("/", 1)[1]]
    response_schema = components[response_ref.rsplit("/", 1)[1]]
    assert set(request_schema["properties"]) == {
        *REQUIRED,
        "resident_enterprise",
        "audited_tax_collection",
        "restricted_industry",
        "compliance_violation",
        "direct_paths",
    }
    assert set(request_schema["required"]) == set(REQUIRED)
    assert set(response_schema["properties"]) == {"eligible", "path", "total_score", "scores", "reasons", "gap"}
    assert {"400", "429"} <= set(operation["responses"])
    assert operation["security"] == [{"cookieAuth": []}, {"tokenAuth": []}, {}]
