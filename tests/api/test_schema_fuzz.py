"""The portal's own OpenAPI schema thrown at the portal (schemathesis, in-process over WSGI).

Every operation of /api/schema/ is called with generated data as a city official, a district official
and an enterprise user (token authentication, so no CSRF dance), with real objects in the database
whose ids the generated paths often hit. Each response must not be a server error and must conform
to the schema: a documented status code, a documented content type and a body the schema describes.

``positive_data_acceptance`` is left out on purpose: business rules (tech staff ≤ total staff, a
filing's state, an official's district) cannot be expressed in the schema, so valid-looking data is
legitimately refused with 400/403/404/409.

Run alone with ``pytest -m api_fuzz``. Reproducible (derandomized); about 25 examples per operation.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from certification.models import Application, NoticeBatch, Registration
from smeportal.models import ApiToken
from tests import factories

pytestmark = [pytest.mark.api_fuzz, pytest.mark.django_db]

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
PERSONAS = ["city_official", "district_official", "enterprise_user"]

# Ids of the objects seeded for the current test; the hook below points some generated ids at them.
KNOWN_IDS: list[int] = []


def load_schema() -> schemathesis.schemas.BaseSchema:
    """The schema /api/schema/ serves, generated in-process and bound to the WSGI application."""
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework.renderers import JSONRenderer

    # Through JSON, so lazy translations, dates and decimals become plain JSON values.
    document = json.loads(JSONRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    # Positive data only: a path id that is not an integer (e.g. "0.5") never reaches the API's routes,
    # and Django's 404 page for an unrouted URL is not part of the API.
    config = schemathesis.Config.from_dict(
        {"generation": {"mode": "positive", "with-security-parameters": False, "database": "none"}}
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
    yield
    KNOWN_IDS.clear()


@pytest.fixture
def token_header(request, seeded, settings):
    # Enough room that throttling does not hide the other answers (429 is documented all the same).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min"},
    }
    settings.API_TOKEN_THROTTLE_RATE = "100000/min"
    user = request.getfixturevalue(request.param)
    _token, key = ApiToken.issue(user)
    return {"Authorization": f"Token {key}"}


@pytest.mark.parametrize("token_header", PERSONAS, indirect=True)
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, token_header):
    case.call_and_validate(headers=token_header, checks=CHECKS)
