"""The notice batch and registration API: who may read and act, scoping, filters, refusals."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from certification.models import Application, ApplicationEvent, NoticeBatch, Registration
from certification.services.notice import notice_batch_create
from tests import factories

pytestmark = pytest.mark.django_db

S = Application.State
BATCHES = "/api/v1/certification/notice-batches/"
REGISTER_DUE = f"{BATCHES}register-due/"
REGISTRATIONS = "/api/v1/certification/registrations/"


@pytest.fixture
def as_persona(request):
    def client(name: str) -> APIClient:
        api = APIClient()
        if name != "anonymous":
            api.force_login(request.getfixturevalue(name))
        return api

    return client


@pytest.fixture
def recommended(enterprise):
    return factories.recommended_filing(enterprise, submitted_on=dt.date(2026, 3, 2))


@pytest.fixture
def batch(recommended, city_official):
    start = timezone.localdate() - dt.timedelta(days=60)
    return notice_batch_create(
        actor=city_official, title="第一批", start_date=start, today=start, application_ids=[recommended.pk]
    )


@pytest.fixture
def hidden_batch(enterprise, city_official):
    app = factories.ApplicationFactory(
        enterprise=factories.EnterpriseFactory(managing_district=enterprise.managing_district),
        state=S.RECOMMENDED,
        submitted_on=dt.date(2026, 3, 2),
    )
    batch = notice_batch_create(
        actor=city_official,
        title="未发布",
        start_date=dt.date(2026, 9, 1),
        today=dt.date(2026, 9, 1),
        application_ids=[app.pk],
    )
    NoticeBatch.objects.filter(pk=batch.pk).update(published=False)  # hidden by hand in the database
    batch.refresh_from_db()
    return batch


# --- Notice batches ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    [
        "enterprise_user",
        "other_enterprise_user",
        "district_official",
        "other_district_official",
        "department_user",
        "city_official",
    ],
)
def test_published_batches_are_readable_by_any_signed_in_user(as_persona, batch, hidden_batch, persona):
    api = as_persona(persona)
    listed = api.get(BATCHES)
    assert listed.status_code == 200
    ids = [row["id"] for row in listed.json()["results"]]
    shown = api.get(f"{BATCHES}{batch.pk}/")
    assert shown.status_code == 200
    assert [f["enterprise_name"] for f in shown.json()["filings"]] == [batch.applications.get().enterprise.name]
    hidden = api.get(f"{BATCHES}{hidden_batch.pk}/").status_code
    if persona == "city_official":
        assert set(ids) == {batch.pk, hidden_batch.pk} and hidden == 200
    else:
        assert ids == [batch.pk] and hidden == 404


def test_anonymous_cannot_read_batches(as_persona, batch):
    assert as_persona("anonymous").get(BATCHES).status_code in {401, 403}
    assert as_persona("anonymous").get(f"{BATCHES}{batch.pk}/").status_code in {401, 403}


@pytest.mark.parametrize(
    "persona", ["anonymous", "enterprise_user", "district_official", "other_district_official", "department_user"]
)
def test_only_city_officials_create_batches_and_register(as_persona, recommended, persona):
    api = as_persona(persona)
    payload = {"title": "第二批", "start_date": "2026-06-01", "application_ids": [recommended.pk]}
    assert api.post(BATCHES, payload, format="json").status_code in {401, 403}
    assert api.post(BATCHES, {}, format="json").status_code in {401, 403}
    assert api.post(REGISTER_DUE, format="json").status_code in {401, 403}
    assert not NoticeBatch.objects.exists()
    assert Application.objects.get(pk=recommended.pk).state == S.RECOMMENDED


def test_batch_end_date_is_ten_working_days_later(as_persona, recommended, today):
    # 2026-09-28 (Mon) + 10 working days over the National Day holiday (1–7 Oct, make-up days 27 Sep and 10 Oct).
    today(dt.date(2026, 9, 28))
    response = as_persona("city_official").post(
        BATCHES, {"title": "国庆批", "start_date": "2026-09-28", "application_ids": [recommended.pk]}, format="json"
    )
    assert response.status_code == 201, response.content
    batch = NoticeBatch.objects.get()
    assert response.json()["end_date"] == batch.end_date.isoformat()
    assert batch.end_date > dt.date(2026, 10, 7)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "x", "start_date": "2026-06-01", "application_ids": []}, "application_ids"),
        ({"title": "", "start_date": "2026-06-01", "application_ids": [1]}, "title"),
        ({"title": "x", "start_date": "not a date", "application_ids": [1]}, "start_date"),
        ({"title": "x", "start_date": "2026-06-01", "application_ids": [0]}, "application_ids"),
        ({"title": "x", "start_date": "9999-12-25", "application_ids": [1]}, "start_date"),
        ({"title": "x", "start_date": "1999-12-31", "application_ids": [1]}, "start_date"),
    ],
)
def test_bad_batch_input_is_400(as_persona, db, payload, field):
    response = as_persona("city_official").post(BATCHES, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_batch_late_in_the_last_accepted_year_is_refused_by_the_campaign_without_a_crash(as_persona, recommended):
    # No official calendar for that year (weekends only): the end is computed, and it is far past the
    # date by which the filing's campaign wants its notices finished.
    response = as_persona("city_official").post(
        BATCHES, {"title": "远期", "start_date": "2100-12-01", "application_ids": [recommended.pk]}, format="json"
    )
    assert response.status_code == 409, response.content
    assert "2100-12-14" in response.json()["detail"] and "2026-12-31" in response.json()["detail"]


def test_batch_of_unrecommended_filing_is_409_and_unknown_is_404(as_persona, enterprise, today):
    today(dt.date(2026, 6, 1))
    draft = factories.ApplicationFactory(enterprise=enterprise)
    city = as_persona("city_official")
    payload = {"title": "x", "start_date": "2026-06-01", "application_ids": [draft.pk]}
    conflict = city.post(BATCHES, payload, format="json")
    assert conflict.status_code == 409
    assert conflict.json()["reasons"] == []
    assert city.post(BATCHES, {**payload, "application_ids": [draft.pk + 100]}, format="json").status_code == 404
    assert not NoticeBatch.objects.exists()
    assert not ApplicationEvent.objects.filter(application=draft).exists()


def test_register_due_twice_registers_once(as_persona, batch, recommended):
    city = as_persona("city_official")
    first = city.post(REGISTER_DUE, format="json")
    assert first.status_code == 200
    assert first.json()["count"] == 1
    row = first.json()["registrations"][0]
    assert row["application"] == recommended.pk
    assert row["credit_code"] == recommended.enterprise.credit_code
    assert row["valid_until"] == "2026-12-31"
    second = city.post(REGISTER_DUE, format="json")
    assert second.json() == {"count": 0, "registrations": []}
    assert Registration.objects.count() == 1


# --- Registrations -------------------------------------------------------------------------------


@pytest.fixture
def registrations(enterprise, other_enterprise):
    def register(company, year, number):
        app = factories.ApplicationFactory(enterprise=company, evaluation_year=year, state=S.REGISTERED)
        return Registration.objects.create(
            application=app,
            enterprise=company,
            evaluation_year=year,
            number=number,
            valid_from=dt.date(year, 7, 1),
            valid_until=dt.date(year, 12, 31),
        )

    return {
        "mine_2025": register(enterprise, 2025, "2025510703000001"),
        "mine_2026": register(enterprise, 2026, "2026510703000001"),
        "theirs": register(other_enterprise, 2026, "2026510704000001"),
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("enterprise_user", {"mine_2025", "mine_2026"}),
        ("other_enterprise_user", {"theirs"}),
        ("district_official", {"mine_2025", "mine_2026"}),
        ("other_district_official", {"theirs"}),
        ("city_official", {"mine_2025", "mine_2026", "theirs"}),
    ],
)
def test_registrations_are_scoped(as_persona, registrations, persona, expected):
    api = as_persona(persona)
    response = api.get(REGISTRATIONS)
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {registrations[k].pk for k in expected}
    for key, registration in registrations.items():
        assert api.get(f"{REGISTRATIONS}{registration.pk}/").status_code == (200 if key in expected else 404)


@pytest.mark.parametrize("persona", ["anonymous", "department_user"])
def test_registrations_refused(as_persona, registrations, persona):
    assert as_persona(persona).get(REGISTRATIONS).status_code in {401, 403}
    assert as_persona(persona).get(f"{REGISTRATIONS}{registrations['theirs'].pk}/").status_code in {401, 403}


def test_registration_filters(as_persona, registrations, other_enterprise):
    city = as_persona("city_official")

    def ids(query):
        response = city.get(REGISTRATIONS, query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids({"evaluation_year": 2025}) == {registrations["mine_2025"].pk}
    assert ids({"number": "2026510704000001"}) == {registrations["theirs"].pk}
    lowercase_with_spaces = " ".join(other_enterprise.credit_code.lower())
    assert ids({"credit_code": lowercase_with_spaces}) == {registrations["theirs"].pk}
    assert ids({"credit_code": "91510703MA00000000"}) == set()
    assert city.get(REGISTRATIONS, {"evaluation_year": "abc"}).status_code == 400


def test_registration_list_query_count_is_flat(as_persona, enterprise, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    city = as_persona("city_official")

    def add(start, n):
        for i in range(start, start + n):
            company = factories.EnterpriseFactory(managing_district=enterprise.managing_district)
            app = factories.ApplicationFactory(enterprise=company, state=S.REGISTERED)
            Registration.objects.create(
                application=app,
                enterprise=company,
                evaluation_year=2026,
                number=f"2026510703{i:06d}",
                valid_from=dt.date(2026, 7, 1),
                valid_until=dt.date(2026, 12, 31),
            )

    add(0, 3)
    with CaptureQueriesContext(connection) as few:
        city.get(REGISTRATIONS)
    add(3, 27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = city.get(REGISTRATIONS)
    assert len(response.json()["results"]) == 30


def test_a_large_batch_shows_its_first_filings_with_the_count_and_pages_them_all(
    as_persona, city_official, django_assert_max_num_queries
):
    from certification.api.serializers import NOTICE_FILINGS_SHOWN

    filings = [
        factories.ApplicationFactory(state=S.RECOMMENDED, submitted_on=dt.date(2026, 3, 2))
        for _ in range(NOTICE_FILINGS_SHOWN + 3)
    ]
    start = timezone.localdate() - dt.timedelta(days=60)
    batch = notice_batch_create(
        actor=city_official, title="大批次", start_date=start, today=start, application_ids=[a.pk for a in filings]
    )
    api = as_persona("district_official")

    with django_assert_max_num_queries(8):  # the same for any number of filings
        shown = api.get(f"{BATCHES}{batch.pk}/").json()
    assert shown["filing_count"] == len(filings)
    assert [f["id"] for f in shown["filings"]] == sorted(a.pk for a in filings)[:NOTICE_FILINGS_SHOWN]

    pages, url = [], f"{BATCHES}{batch.pk}/filings/"
    while url:
        page = api.get(url).json()
        pages.append([f["id"] for f in page["results"]])
        url = page["next"]
    assert [len(ids) for ids in pages] == [50, 3]
    assert [pk for ids in pages for pk in ids] == sorted(a.pk for a in filings)


def test_the_filings_of_an_unpublished_batch_are_the_city_s_alone(as_persona, hidden_batch):
    assert as_persona("district_official").get(f"{BATCHES}{hidden_batch.pk}/filings/").status_code == 404
    listed = as_persona("city_official").get(f"{BATCHES}{hidden_batch.pk}/filings/")
    assert [f["id"] for f in listed.json()["results"]] == [hidden_batch.applications.get().pk]
