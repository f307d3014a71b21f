"""The filings API /api/v1/certification/filings/: workflow, refusals, errors, filters, tokens, query counts."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from certification.models import (
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    IntellectualProperty,
    NoticeBatch,
    Registration,
)
from certification.workflow import COMMENT_MAX
from smeportal.models import ApiToken, ChangeRecord
from tests import factories

pytestmark = pytest.mark.django_db

S = Application.State
LIST = "/api/v1/certification/filings/"
DRAFT_DATA = {
    "evaluation_year": 2026,
    "total_staff": "40",
    "tech_staff": "6",
    "sales_revenue": "800",
    "total_costs": "700",
    "rd_expense": "10",  # too little R&D: 53 points, not eligible
    "total_assets": "1000",
    "class2_ip": 3,
}


def detail(pk):
    return f"{LIST}{pk}/"


def act(pk, name):
    return f"{LIST}{pk}/{name}/"


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def as_persona(request):
    """An API client signed in (session) as the named persona, or anonymous."""

    def client(name: str) -> APIClient:
        api = APIClient()
        if name != "anonymous":
            api.force_login(request.getfixturevalue(name))
        return api

    return client


def events(pk):
    return list(ApplicationEvent.objects.filter(application_id=pk).order_by("id").values_list("from_state", "to_state"))


@pytest.fixture
def submitted(enterprise):
    """A submitted filing of the enterprise of 涪城区 (not a first-time applicant: no on-site check needed)."""
    factories.ApplicationFactory(
        enterprise=enterprise, evaluation_year=2025, state=S.EXPIRED, submitted_on=dt.date(2025, 4, 1)
    )
    return factories.ApplicationFactory(
        enterprise=enterprise, state=S.SUBMITTED, submitted_on=dt.date(2026, 4, 1), first_time_applicant=False
    )


@pytest.fixture
def draft(enterprise):
    return factories.ApplicationFactory(enterprise=enterprise, state=S.DRAFT)


@pytest.fixture
def rejected(enterprise):
    """Submitted, then rejected: its officials see it, and no review action fits its state."""
    return factories.ApplicationFactory(
        enterprise=enterprise, evaluation_year=2025, state=S.REJECTED, submitted_on=dt.date(2025, 4, 1)
    )


# --- The whole workflow through the API ----------------------------------------------------------


def test_full_workflow_draft_to_registration(as_persona, enterprise, district, today):
    company, reviewer, city = (
        as_persona("enterprise_user"),
        as_persona("district_official"),
        as_persona("city_official"),
    )

    created = company.post(LIST, DRAFT_DATA, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["state"] == S.DRAFT
    assert created.json()["rd_expense"] == "10.00"
    assert created.json()["result"] is None

    refused = company.post(act(pk, "submit"), format="json")
    assert refused.status_code == 409
    body = refused.json()
    assert body["detail"]
    assert [reason["code"] for reason in body["reasons"]] == ["score_below_60"]
    assert {gap["code"] for gap in body["gap"]} >= {"rd_expense"}
    assert Application.objects.get(pk=pk).state == S.DRAFT
    assert events(pk) == [("", S.DRAFT)]

    fixed = company.patch(detail(pk), {"rd_expense": "48"}, format="json")
    assert fixed.status_code == 200 and fixed.json()["rd_expense"] == "48.00"
    again = company.post(LIST, {"evaluation_year": 2026, "class1_ip": 1}, format="json")
    assert again.status_code == 200 and again.json()["id"] == pk and again.json()["class1_ip"] == 1
    company.patch(detail(pk), {"class1_ip": 0}, format="json")

    submitted = company.post(act(pk, "submit"), format="json")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == S.SUBMITTED
    assert submitted.json()["result"]["eligible"] is True
    assert submitted.json()["result"]["total_score"] == 76
    assert submitted.json()["first_time_applicant"] is True

    returned = reviewer.post(
        act(pk, "return"), {"comment": "请补充", "field_comments": {"rd_expense": "附研发费用明细"}}, format="json"
    )
    assert returned.status_code == 200 and returned.json()["state"] == S.RETURNED
    assert returned.json()["events"][-1]["field_comments"] == {"rd_expense": "附研发费用明细"}
    assert returned.json()["events"][-1]["actor"] == "fucheng_official"

    resubmitted = company.post(act(pk, "resubmit"), {"comment": "已补充"}, format="json")
    assert resubmitted.status_code == 200 and resubmitted.json()["state"] == S.SUBMITTED

    # A first-time applicant needs an on-site check before recommendation.
    early = reviewer.post(act(pk, "recommend"), {}, format="json")
    assert early.status_code == 409 and early.json()["reasons"] == [] and early.json()["gap"] == []
    assert reviewer.post(act(pk, "require-on-site-check"), {}, format="json").json()["state"] == S.ON_SITE_CHECK
    checked_on = timezone.localdate().isoformat()  # not after today, not before the resubmission
    recorded = reviewer.post(
        act(pk, "record-on-site-check"), {"passed": True, "note": "核查属实", "checked_on": checked_on}, format="json"
    )
    assert recorded.status_code == 200
    assert recorded.json()["on_site_check_passed"] is True and recorded.json()["on_site_checked_on"] == checked_on
    recommended = reviewer.post(act(pk, "recommend"), {"comment": "同意推荐"}, format="json")
    assert recommended.status_code == 200 and recommended.json()["state"] == S.RECOMMENDED

    start = today(dt.date(2026, 11, 2))  # the notice starts the day it is created
    batch = city.post(
        "/api/v1/certification/notice-batches/",
        {"title": "2026年第一批", "start_date": start.isoformat(), "application_ids": [pk]},
        format="json",
    )
    assert batch.status_code == 201, batch.content
    assert [f["id"] for f in batch.json()["filings"]] == [pk]
    assert Application.objects.get(pk=pk).state == S.UNDER_NOTICE

    today(NoticeBatch.objects.get().end_date + dt.timedelta(days=1))
    registered = city.post("/api/v1/certification/notice-batches/register-due/", format="json")
    assert registered.status_code == 200
    assert registered.json()["count"] == 1
    number = registered.json()["registrations"][0]["number"]
    assert number.startswith("2026510703")
    assert Registration.objects.get(application_id=pk).number == number

    final = company.get(detail(pk)).json()
    assert final["state"] == S.REGISTERED
    assert [(e["from_state"], e["to_state"]) for e in final["events"]] == [
        ("", S.DRAFT),
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.RETURNED),
        (S.RETURNED, S.SUBMITTED),
        (S.SUBMITTED, S.ON_SITE_CHECK),
        (S.ON_SITE_CHECK, S.ON_SITE_CHECK),
        (S.ON_SITE_CHECK, S.RECOMMENDED),
        (S.RECOMMENDED, S.UNDER_NOTICE),
        (S.UNDER_NOTICE, S.REGISTERED),
    ]
    mine = company.get("/api/v1/certification/registrations/").json()["results"]
    assert [r["number"] for r in mine] == [number]


def test_withdraw_and_reject(as_persona, submitted):
    withdrawn = as_persona("enterprise_user").post(act(submitted.pk, "withdraw"), {"comment": "不报了"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == S.WITHDRAWN
    assert withdrawn.json()["submitted_on"] is None
    assert as_persona("district_official").get(detail(submitted.pk)).status_code == 404

    other = factories.ApplicationFactory(
        enterprise=factories.EnterpriseFactory(managing_district=submitted.enterprise.managing_district),
        state=S.SUBMITTED,
    )
    rejected = as_persona("district_official").post(act(other.pk, "reject"), {"reason": "数据不实"}, format="json")
    assert rejected.status_code == 200
    assert rejected.json()["state"] == S.REJECTED and rejected.json()["decision_reason"] == "数据不实"


def test_city_review_reject_is_for_city_officials_only(as_persona, enterprise):
    recommended = factories.ApplicationFactory(enterprise=enterprise, state=S.RECOMMENDED)
    refused = as_persona("district_official").post(act(recommended.pk, "reject"), {}, format="json")
    assert refused.status_code == 403
    done = as_persona("city_official").post(act(recommended.pk, "reject"), {"reason": "市级审核不通过"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == S.REJECTED


# --- Refused personas ----------------------------------------------------------------------------

ENTERPRISE_ACTIONS = [
    ("post", "submit", {}),
    ("post", "resubmit", {"comment": "x"}),
    ("post", "withdraw", {"comment": "x"}),
    ("patch", None, {"rd_expense": "1"}),
]
OFFICIAL_ACTIONS = [
    ("post", "return", {"comment": "请修改"}),
    ("post", "require-on-site-check", {"comment": "x"}),
    ("post", "record-on-site-check", {"passed": True, "note": "x"}),
    ("post", "recommend", {"comment": "x"}),
    ("post", "reject", {"reason": "x"}),
]
REFUSED_FOR_ENTERPRISE_ACTIONS = {
    "anonymous": {401, 403},
    "other_enterprise_user": {404},
    "district_official": {403},
    "other_district_official": {404},
    "department_user": {403},
    "city_official": {403},
    "admin_user_persona": {403},
}
REFUSED_FOR_OFFICIAL_ACTIONS = {
    "anonymous": {401, 403},
    "enterprise_user": {403},
    "other_enterprise_user": {404},
    "other_district_official": {404},
    "department_user": {403},
}


def _cases(actions, refused):
    return [
        pytest.param(method, name, body, persona, codes, id=f"{name or method}-{persona}")
        for method, name, body in actions
        for persona, codes in refused.items()
    ]


@pytest.mark.parametrize(
    ("method", "name", "body", "persona", "codes"),
    _cases(ENTERPRISE_ACTIONS, REFUSED_FOR_ENTERPRISE_ACTIONS) + _cases(OFFICIAL_ACTIONS, REFUSED_FOR_OFFICIAL_ACTIONS),
)
def test_refused_personas_change_nothing(as_persona, submitted, method, name, body, persona, codes):
    before = events(submitted.pk)
    url = act(submitted.pk, name) if name else detail(submitted.pk)
    response = getattr(as_persona(persona), method)(url, body, format="json")
    assert response.status_code in codes, response.content
    assert "detail" in response.json()
    assert Application.objects.get(pk=submitted.pk).state == S.SUBMITTED
    assert events(submitted.pk) == before


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("anonymous", {401, 403}),
        ("district_official", {403}),
        ("city_official", {403}),
        ("department_user", {403}),
        ("admin_user_persona", {403}),
    ],
)
def test_only_enterprise_users_create_drafts(as_persona, persona, code):
    response = as_persona(persona).post(LIST, DRAFT_DATA, format="json")
    assert response.status_code in code
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("anonymous", {401, 403}),
        ("department_user", {403}),
        ("other_enterprise_user", {404}),
        ("other_district_official", {404}),
        ("enterprise_user", {200}),
        ("district_official", {200}),
        ("city_official", {200}),
        ("admin_user_persona", {200}),
    ],
)
def test_detail_scope(as_persona, submitted, persona, code):
    assert as_persona(persona).get(detail(submitted.pk)).status_code in code


def test_user_without_role_is_refused(client, db):
    api = APIClient()
    api.force_login(factories.UserFactory(username="nobody"))
    assert api.get(LIST).status_code == 403
    assert api.post(LIST, DRAFT_DATA, format="json").status_code == 403


@pytest.mark.parametrize("pk", [0, 999_999, 10**30])
def test_unknown_ids_answer_404(as_persona, db, pk):
    assert as_persona("city_official").get(detail(pk)).status_code == 404
    assert as_persona("city_official").post(act(pk, "recommend"), {}, format="json").status_code == 404


def test_list_is_scoped(as_persona, enterprise, other_enterprise, enterprise_user, other_enterprise_user):
    mine = factories.ApplicationFactory(enterprise=enterprise, state=S.SUBMITTED)
    theirs = factories.ApplicationFactory(enterprise=other_enterprise, state=S.SUBMITTED)

    def ids(persona):
        response = as_persona(persona).get(LIST)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids("enterprise_user") == {mine.pk}
    assert ids("other_enterprise_user") == {theirs.pk}
    assert ids("district_official") == {mine.pk}
    assert ids("other_district_official") == {theirs.pk}
    assert ids("city_official") == {mine.pk, theirs.pk}
    assert as_persona("department_user").get(LIST).status_code == 403
    assert as_persona("anonymous").get(LIST).status_code in {401, 403}


# --- Wrong state → 409, nothing written ----------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "method", "name", "body"),
    [
        ("district_official", "post", "recommend", {}),
        ("district_official", "post", "return", {"comment": "x"}),
        ("district_official", "post", "require-on-site-check", {}),
        ("district_official", "post", "record-on-site-check", {"passed": True, "note": "x"}),
        ("city_official", "post", "reject", {"reason": "x"}),
        ("enterprise_user", "post", "resubmit", {}),
    ],
)
def test_wrong_state_is_409_and_writes_no_event(as_persona, draft, rejected, persona, method, name, body):
    filing = draft if persona == "enterprise_user" else rejected
    state, before = filing.state, events(filing.pk)
    response = getattr(as_persona(persona), method)(act(filing.pk, name), body, format="json")
    assert response.status_code == 409, response.content
    assert set(response.json()) == {"detail", "reasons", "gap"}
    assert response.json()["reasons"] == [] and response.json()["gap"] == []
    assert Application.objects.get(pk=filing.pk).state == state
    assert events(filing.pk) == before


@pytest.mark.parametrize("persona", ["district_official", "city_official"])
def test_officials_do_not_see_a_draft_that_was_never_submitted(as_persona, draft, persona):
    """The review pages hide such drafts; the API, the attachment and every action agree (404)."""
    attachment = ApplicationAttachment(application=draft, kind="other", original_name="a.pdf", size=9)
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    client = as_persona(persona)
    assert draft.pk not in {row["id"] for row in client.get(LIST).json()["results"]}
    assert client.get(detail(draft.pk)).status_code == 404
    assert client.post(act(draft.pk, "recommend"), {}, format="json").status_code == 404
    assert client.get(reverse("certification:attachment_download", args=[attachment.pk])).status_code == 404
    owner = as_persona("enterprise_user")
    assert owner.get(reverse("certification:attachment_download", args=[attachment.pk])).status_code == 200


def test_submitted_filing_cannot_be_edited_or_submitted_again(as_persona, submitted):
    company = as_persona("enterprise_user")
    assert company.patch(detail(submitted.pk), {"rd_expense": "1"}, format="json").status_code == 409
    assert company.post(act(submitted.pk, "submit"), {}, format="json").status_code == 409
    assert Application.objects.get(pk=submitted.pk).rd_expense == submitted.rd_expense


def test_patching_a_withdrawn_filing_is_409_and_leaves_it_withdrawn(as_persona, enterprise):
    withdrawn = factories.ApplicationFactory(enterprise=enterprise, state=S.WITHDRAWN, total_staff=40)
    before = events(withdrawn.pk)
    company = as_persona("enterprise_user")
    answer = company.patch(detail(withdrawn.pk), {"total_staff": "41"}, format="json")
    assert answer.status_code == 409
    assert answer.json()["detail"] == "只有草稿或退回修改的申报可以修改。"
    unchanged = Application.objects.get(pk=withdrawn.pk)
    assert (unchanged.state, unchanged.total_staff) == (S.WITHDRAWN, 40)
    assert events(withdrawn.pk) == before
    # Reopening stays the create endpoint's job.
    reopened = company.post(LIST, {"evaluation_year": withdrawn.evaluation_year}, format="json")
    assert reopened.status_code == 200 and reopened.json()["state"] == S.DRAFT


def test_reopening_a_withdrawn_filing_stores_the_figures_sent_with_it(as_persona, enterprise):
    """As documented: a withdrawn filing is reopened as a draft, with only the fields to change sent. What
    the answer acknowledges is stored, and so is its change history."""
    withdrawn = factories.ApplicationFactory(enterprise=enterprise, state=S.WITHDRAWN, rd_expense="48.00")
    answer = as_persona("enterprise_user").post(LIST, {"evaluation_year": 2026, "rd_expense": "99.00"}, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == S.DRAFT and answer.json()["rd_expense"] == "99.00"
    assert str(Application.objects.get(pk=withdrawn.pk).rd_expense) == "99.00"
    changed = ChangeRecord.objects.exclude(kind="created").get(
        model="certification.application", object_id=withdrawn.pk, changes__has_key="rd_expense"
    )
    assert (changed.changes["rd_expense"], changed.reason) == (["48.00", "99.00"], "保存申报草稿")


@pytest.mark.parametrize(("length", "status"), [(COMMENT_MAX, 200), (COMMENT_MAX + 1, 400)])
@pytest.mark.parametrize("name", ["withdraw", "resubmit"])
def test_the_enterprises_comments_are_capped(as_persona, enterprise, name, length, status):
    returned = factories.ApplicationFactory(
        enterprise=enterprise, state=S.RETURNED, submitted_on=dt.date(2026, 4, 20), first_time_applicant=False
    )
    answer = as_persona("enterprise_user").post(act(returned.pk, name), {"comment": "撤" * length}, format="json")
    assert answer.status_code == status, answer.json()
    stored = ApplicationEvent.objects.filter(application=returned).values_list("comment", flat=True)
    assert list(stored) == (["撤" * length] if status == 200 else [])


# --- Bad input → 400 per field -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"evaluation_year": 2026, "rd_expense": "-1"}, "rd_expense"),
        ({"evaluation_year": 2026, "rd_expense": "abc"}, "rd_expense"),
        ({"evaluation_year": 2026, "total_staff": "10", "tech_staff": "11"}, "non_field_errors"),
        ({"evaluation_year": 2026, "direct_paths": ["made_up"]}, "direct_paths"),
        ({"evaluation_year": 1999}, "evaluation_year"),
        ({"total_staff": "10"}, "evaluation_year"),
        ({"evaluation_year": 2026, "class1_ip": -1}, "class1_ip"),
        ({"evaluation_year": 2026, "total_assets": "1" * 20}, "total_assets"),
    ],
)
def test_bad_draft_data_is_400_per_field(as_persona, enterprise_user, payload, field):
    response = as_persona("enterprise_user").post(LIST, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("name", "body", "field"),
    [
        ("return", {}, "comment"),
        ("return", {"comment": "  "}, "comment"),
        ("return", {"field_comments": {"not_a_field": "x"}}, "field_comments"),
        ("return", {"field_comments": ["x"]}, "field_comments"),
        ("reject", {}, "reason"),
        ("reject", {"reason": "   "}, "reason"),
        ("require-on-site-check", {"comment": "x" * 2001}, "comment"),
    ],
)
def test_bad_review_input_is_400(as_persona, submitted, name, body, field):
    before = events(submitted.pk)
    response = as_persona("district_official").post(act(submitted.pk, name), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert events(submitted.pk) == before


def test_on_site_check_note_is_required(as_persona, submitted):
    reviewer = as_persona("district_official")
    reviewer.post(act(submitted.pk, "require-on-site-check"), {}, format="json")
    for body in ({"passed": True}, {"passed": True, "note": "  "}, {"note": "x"}):
        response = reviewer.post(act(submitted.pk, "record-on-site-check"), body, format="json")
        assert response.status_code == 400, body
    assert Application.objects.get(pk=submitted.pk).on_site_checked_on is None


@pytest.mark.parametrize(
    "checked_on",
    [
        lambda: timezone.localdate() + dt.timedelta(days=1),  # not yet happened
        lambda: dt.date(2026, 3, 31),  # before the filing was submitted (2026-04-01)
    ],
)
def test_on_site_check_dated_after_today_or_before_the_submission_is_400(as_persona, submitted, checked_on):
    reviewer = as_persona("district_official")
    reviewer.post(act(submitted.pk, "require-on-site-check"), {}, format="json")
    body = {"passed": True, "note": "核查属实", "checked_on": checked_on().isoformat()}
    response = reviewer.post(act(submitted.pk, "record-on-site-check"), body, format="json")
    assert response.status_code == 400, response.content
    assert "checked_on" in response.json()
    assert Application.objects.get(pk=submitted.pk).on_site_checked_on is None


def test_a_new_on_site_check_waits_for_its_own_result(as_persona, enterprise):
    """Checked and returned; resubmitted with other figures; a new check: the first result does not carry over."""
    filing = factories.ApplicationFactory(
        enterprise=enterprise,
        state=S.SUBMITTED,
        first_time_applicant=True,
        evaluating_district=enterprise.managing_district,
    )
    reviewer, company = as_persona("district_official"), as_persona("enterprise_user")
    reviewer.post(act(filing.pk, "require-on-site-check"), {}, format="json")
    reviewer.post(act(filing.pk, "record-on-site-check"), {"passed": True, "note": "核查属实"}, format="json")
    reviewer.post(act(filing.pk, "return"), {"comment": "请补充研发费用"}, format="json")
    assert company.patch(detail(filing.pk), {"rd_expense": "60"}, format="json").status_code == 200
    assert company.post(act(filing.pk, "resubmit"), {}, format="json").status_code == 200

    again = reviewer.post(act(filing.pk, "require-on-site-check"), {"comment": "重新核查"}, format="json")
    body = again.json()
    assert (body["on_site_checked_on"], body["on_site_check_passed"], body["on_site_check_note"]) == (None, None, "")
    early = reviewer.post(act(filing.pk, "recommend"), {}, format="json")
    assert early.status_code == 409 and "须先完成现场核查" in early.json()["detail"]

    reviewer.post(act(filing.pk, "record-on-site-check"), {"passed": True, "note": "复核属实"}, format="json")
    assert reviewer.post(act(filing.pk, "recommend"), {}, format="json").json()["state"] == S.RECOMMENDED


def test_form_encoded_bodies_are_refused(as_persona, enterprise_user):
    response = as_persona("enterprise_user").post(LIST, {"evaluation_year": 2026})
    assert response.status_code == 415


# --- Filters -------------------------------------------------------------------------------------


@pytest.fixture
def spread(enterprise, other_enterprise):
    return {
        "a": factories.ApplicationFactory(enterprise=enterprise, evaluation_year=2025, state=S.EXPIRED),
        "b": factories.ApplicationFactory(enterprise=enterprise, evaluation_year=2026, state=S.SUBMITTED),
        "c": factories.ApplicationFactory(enterprise=other_enterprise, evaluation_year=2026, state=S.RETURNED),
    }


def test_filters(as_persona, spread, district, other_district, enterprise):
    city = as_persona("city_official")

    def ids(query):
        response = city.get(LIST, query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    a, b, c = spread["a"].pk, spread["b"].pk, spread["c"].pk
    assert ids({}) == {a, b, c}
    assert ids({"evaluation_year": 2026}) == {b, c}
    assert ids({"state": S.SUBMITTED}) == {b}
    assert ids({"district": district.pk}) == {a, b}
    assert ids({"district": other_district.pk}) == {c}
    assert ids({"enterprise": enterprise.pk, "evaluation_year": 2025}) == {a}
    # A district official's filter cannot widen the scope.
    assert {
        row["id"]
        for row in as_persona("district_official").get(LIST, {"district": other_district.pk}).json()["results"]
    } == set()


@pytest.mark.parametrize(
    "query", [{"state": "bogus"}, {"evaluation_year": "1.5"}, {"evaluation_year": "x"}, {"district": "-1"}]
)
def test_bad_filters_are_400(as_persona, db, query):
    assert as_persona("city_official").get(LIST, query).status_code == 400


def test_list_pages_by_cursor(as_persona, enterprise, settings):
    for year in range(2020, 2026):
        factories.ApplicationFactory(enterprise=enterprise, evaluation_year=year)
    first = as_persona("enterprise_user").get(LIST).json()
    assert "count" not in first
    assert first["next"] is None and len(first["results"]) == 6
    assert as_persona("enterprise_user").get(LIST, {"cursor": "garbage"}).status_code == 404


# --- Token authentication ------------------------------------------------------------------------


def test_token_authentication(db, enterprise_user, submitted):
    _token, key = ApiToken.issue(enterprise_user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get(LIST)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [submitted.pk, submitted.pk - 1]
    withdrawn = api.post(act(submitted.pk, "withdraw"), {}, format="json")
    assert withdrawn.status_code == 200
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert bad.get(LIST).status_code in {401, 403}


def test_obtain_token_with_password(db, enterprise_user):
    api = APIClient()
    good = api.post("/api/v1/auth/token/", {"username": "ent_user", "password": "portal-pass-2026"}, format="json")
    assert good.status_code == 200
    key = good.json()["token"]
    stored = ApiToken.objects.get(user=enterprise_user)
    assert stored.prefix == key[:8] and key not in stored.digest  # only a digest is kept
    wrong = api.post("/api/v1/auth/token/", {"username": "ent_user", "password": "nope"}, format="json")
    assert wrong.status_code == 400
    assert "token" not in wrong.json()


def test_obtain_token_is_throttled(db, settings, enterprise_user):
    settings.API_TOKEN_THROTTLE_RATE = "2/min"
    api = APIClient()
    codes = [
        api.post("/api/v1/auth/token/", {"username": "ent_user", "password": "x"}, format="json").status_code
        for _ in range(3)
    ]
    assert codes == [400, 400, 429]


# --- Query counts --------------------------------------------------------------------------------


def _count_queries(api, url):
    with CaptureQueriesContext(connection) as context:
        assert api.get(url).status_code == 200
    return len(context.captured_queries)


def test_list_query_count_is_flat(as_persona, district, django_assert_max_num_queries):
    city = as_persona("city_official")
    for _ in range(3):
        factories.ApplicationFactory(
            enterprise=factories.EnterpriseFactory(managing_district=district), state=S.SUBMITTED
        )
    few = _count_queries(city, LIST)
    assert few <= 5  # session, user, role, filings (+ one spare)
    for _ in range(27):
        factories.ApplicationFactory(
            enterprise=factories.EnterpriseFactory(managing_district=district), state=S.SUBMITTED
        )
    with django_assert_max_num_queries(few):
        response = city.get(LIST)
    assert len(response.json()["results"]) == 30


def test_detail_query_count_is_flat(as_persona, submitted, city_official, django_assert_max_num_queries):
    city = as_persona("city_official")

    def add_events(n):
        ApplicationEvent.objects.bulk_create(
            ApplicationEvent(application=submitted, actor=city_official, from_state=S.SUBMITTED, to_state=S.SUBMITTED)
            for _ in range(n)
        )
        IntellectualProperty.objects.bulk_create(
            IntellectualProperty(application=submitted, kind="software_copyright", number=f"R{i}", title="软件")
            for i in range(n)
        )

    add_events(2)
    few = _count_queries(city, detail(submitted.pk))
    assert few <= 7  # session, user, role, filing, events with actors, IP items (+ one spare)
    add_events(20)
    with django_assert_max_num_queries(few):
        response = city.get(detail(submitted.pk))
    assert len(response.json()["events"]) == 22
    assert len(response.json()["ip_items"]) == 22
    assert response.json()["ip_items"][0]["ip_class"] == 2


# --- Guards: the register's facts and the direct-path evidence -----------------------------------


def test_the_register_facts_cannot_be_unticked_through_the_api(as_persona, enterprise):
    enterprise.on_abnormal_list = True
    enterprise.save()
    company = as_persona("enterprise_user")
    created = company.post(LIST, {**DRAFT_DATA, "compliance_violation": True}, format="json")
    assert created.status_code == 201, created.content
    refused = company.patch(detail(created.json()["id"]), {"compliance_violation": False}, format="json")
    assert refused.status_code == 400
    assert "经营异常名录" in str(refused.json()["compliance_violation"])
    assert Application.objects.get(pk=created.json()["id"]).compliance_violation is True


def test_direct_path_evidence_through_the_api(as_persona, enterprise):
    company = as_persona("enterprise_user")
    claim = {
        "direct_paths": ["led_standard"],
        "standard_name": "传感器通用规范",
        "standard_number": "QB/T 1234-1999",
        "standard_year": 1999,
        "standard_drafter_rank": 1,
    }
    refused = company.post(LIST, {**DRAFT_DATA, **claim}, format="json")
    assert refused.status_code == 400 and "2021至2026年间发布" in str(refused.json())
    created = company.post(
        LIST, {**DRAFT_DATA, **claim, "standard_number": "GB/T 12345-2024", "standard_year": 2024}, format="json"
    )
    assert created.status_code == 201, created.content
    shown = company.get(detail(created.json()["id"])).json()
    assert (shown["standard_year"], shown["standard_drafter_rank"]) == (2024, 1)
