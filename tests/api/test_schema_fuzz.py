"""The portal's own OpenAPI schema thrown at the portal (schemathesis, in-process over WSGI).

Every operation of /api/schema/ is called with generated data anonymously and as an enterprise user, a
district official and a city official (token authentication, so no CSRF dance), with real objects in the
database whose ids the generated paths often hit. Every default check of schemathesis applies: no server
error, a documented status code, content type and headers, a body the schema describes, and
``positive_data_acceptance``: a request the schema calls valid is not refused with 400 (a refusal by the
data's state, 403/404/409, is allowed; so is 400 from the token endpoint, its answer to a wrong password).

What the schema says only in words the hooks below apply to the generated data, as a client reading it
would: no NUL in text (the schema's description), ``tech_staff`` not above ``total_staff`` (the field's
description), a comment when returning a filing (overall or per item), a search of at least two characters
not counting a code's spaces and hyphens, no direct-confirmation path
claimed without its evidence (the field's description; tests/certification covers that refusal), a notice that
starts today or later, and ids of existing districts and clusters in the filters that need an existing record.

Part of the suite; run alone with ``pytest -m api_fuzz``. Reproducible (derandomized); API_FUZZ_EXAMPLES
examples per operation (10 unless set; the CI run), more for a deeper run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings

from certification.models import Application, NoticeBatch, Registration
from enterprises.search import is_too_short
from smeportal.models import ApiToken
from tests import factories

pytestmark = [pytest.mark.api_fuzz, pytest.mark.django_db]

PERSONAS = ["anonymous", "enterprise_user", "district_official", "city_official"]
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))

# Ids of the objects seeded for the current test; the hook below points some generated ids at them.
KNOWN_IDS: list[int] = []
# Filters whose value must name an existing record (a ModelChoiceFilter answers 400 otherwise), and the
# seeded record each is pointed at.
EXISTING_RECORD_FILTERS = {"managing_district", "cluster"}
KNOWN_RECORDS: dict[str, int] = {}


def load_schema() -> schemathesis.schemas.BaseSchema:
    """The schema /api/schema/ serves, generated in-process and bound to the WSGI application."""
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework.renderers import JSONRenderer

    # Through JSON, so lazy translations, dates and decimals become plain JSON values.
    document = json.loads(JSONRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    # Positive data only: a path id that is not an integer (e.g. "0.5") never reaches the API's routes,
    # and Django's 404 page for an unrouted URL is not part of the API.
    config = schemathesis.Config.from_dict(
        {
            "generation": {
                "mode": "positive",
                "with-security-parameters": False,
                "database": "none",
                # The schema's description: no text may contain NUL (the API answers 400).
                "allow-x00": False,
            },
            "operations": [
                {
                    "include-path": "/api/v1/auth/token/",
                    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "403", "429"]}},
                }
            ],
        }
    )
    loaded = schemathesis.openapi.from_dict(document, config=config)
    loaded.app = get_wsgi_application()

    @loaded.hook
    def map_path_parameters(context, path_parameters):
        # Most random integers name nothing; every other case aims at a seeded object instead.
        value = (path_parameters or {}).get("id")
        if KNOWN_IDS and isinstance(value, int) and value % 2 == 0:
            path_parameters["id"] = KNOWN_IDS[(value // 2) % len(KNOWN_IDS)]
        return path_parameters

    return loaded


schema = load_schema()


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes "old" connections at each request's start and end, which on PostgreSQL
    closes the test's own transaction; Django's test client detaches the same hook."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(enterprise, other_enterprise, district, department, city_official):
    """A filing in each interesting state, a notice batch, a registration and assistance records."""
    draft = factories.ApplicationFactory(enterprise=enterprise, evaluation_year=2026)
    submitted = factories.ApplicationFactory(
        enterprise=enterprise, evaluation_year=2025, state=Application.State.SUBMITTED
    )
    other = factories.ApplicationFactory(enterprise=other_enterprise, evaluation_year=2026)
    batch = NoticeBatch.objects.create(
        title="2025年第一批公示", start_date=dt.date(2025, 6, 2), end_date=dt.date(2025, 6, 16)
    )
    registered = factories.ApplicationFactory(
        enterprise=enterprise, evaluation_year=2024, state=Application.State.REGISTERED, notice_batch=batch
    )
    registration = Registration.objects.create(
        application=registered,
        enterprise=enterprise,
        evaluation_year=2024,
        number="2024510703000001",
        valid_from=dt.date(2024, 7, 1),
        valid_until=dt.date(2024, 12, 31),
    )
    agreement = factories.AssistanceAgreementFactory(department=department, enterprise=enterprise)
    record = factories.ServiceRecordFactory(agreement=agreement)
    ids = [enterprise.pk, other_enterprise.pk, draft.pk, submitted.pk, other.pk, registered.pk, batch.pk]
    ids += [registration.pk, agreement.pk, record.pk]
    KNOWN_IDS[:] = sorted(set(ids))
    KNOWN_RECORDS.update(managing_district=district.pk, cluster=factories.IndustryClusterFactory().pk)
    yield
    KNOWN_IDS.clear()
    KNOWN_RECORDS.clear()


@pytest.fixture
def token_header(request, seeded, settings):
    # Enough room that throttling does not hide the other answers (429 is documented all the same).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min"},
    }
    settings.API_TOKEN_THROTTLE_RATE = "100000/min"
    if request.param == "anonymous":
        return {}
    user = request.getfixturevalue(request.param)
    _token, key = ApiToken.issue(user)
    return {"Authorization": f"Token {key}"}


@pytest.mark.parametrize("token_header", PERSONAS, indirect=True)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, token_header):
    read_the_descriptions(case)
    case.call_and_validate(headers=token_header)


def read_the_descriptions(case) -> None:
    """What a client reading the schema's descriptions sends; in the test, so every phase's cases get it
    (the coverage phase does not run the map_* hooks)."""
    query, body = case.query or {}, case.body if isinstance(case.body, dict) else {}
    for name in EXISTING_RECORD_FILTERS & set(query):
        query[name] = KNOWN_RECORDS[name]
    tech, total = body.get("tech_staff"), body.get("total_staff")
    if isinstance(tech, str) and isinstance(total, str) and Decimal(tech) > Decimal(total):
        body["tech_staff"], body["total_staff"] = total, tech
    comments = body.get("field_comments")
    blank = not str(body.get("comment", "")).strip()
    commented = isinstance(comments, dict) and any(str(text).strip() for text in comments.values())
    if "/return/" in case.path and blank and not commented:
        body["comment"] = "请补充研发费用明细"
    if isinstance(query.get("q"), str) and is_too_short(query["q"]):
        query["q"] = "绵阳"
    if body.get("direct_paths"):
        body["direct_paths"] = []
    today = timezone.localdate().isoformat()
    if isinstance(body.get("start_date"), str) and body["start_date"] < today:
        body["start_date"] = today
