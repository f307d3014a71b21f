"""The history endpoints: the contract (keys, newest first, actor null for the system), scoping (another
district or enterprise 404, an enterprise sees its own filing's history but not the registry's), and a
fixed number of queries."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from certification.services.filing import application_submit
from certification.services.filing_items import ip_item_add
from certification.services.registration import registration_expire_due
from enterprises.models import Enterprise
from smeportal.history import history_context
from tests import factories

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def enterprise_url(pk) -> str:
    return f"/api/v1/enterprises/{pk}/history/"


def filing_url(pk) -> str:
    return f"/api/v1/certification/filings/{pk}/history/"


@pytest.fixture
def moved(enterprise, other_district, city_official):
    """The enterprise, renamed by a city official, then moved to another district by the admin."""
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    with history_context(actor=city_official, reason="更正名称"):
        enterprise.name = "更名后有限公司"
        enterprise.save()
    with history_context(actor=None, reason="管理后台"):
        enterprise.managing_district = other_district
        enterprise.save()
    return enterprise


def test_enterprise_history_contract(moved, enterprise, district, other_district, city_official):
    response = api(city_official).get(enterprise_url(moved.pk))
    assert response.status_code == 200
    entries = response.json()["results"]
    assert [set(entry) for entry in entries] == [{"at", "actor", "reason", "changes"}] * 3
    newest, renamed, created = entries
    assert newest["changes"] == {"managing_district": [district.pk, other_district.pk]}
    assert newest["actor"] is None and newest["reason"] == "管理后台"
    assert renamed["actor"] == "city_official" and renamed["changes"]["name"][1] == "更名后有限公司"
    assert created["changes"]["name"] == [None, enterprise.name]
    assert dt.datetime.fromisoformat(newest["at"]) >= dt.datetime.fromisoformat(created["at"])


def test_enterprise_history_is_scoped(
    moved, district_official, other_district_official, enterprise_user, department_user
):
    # The enterprise moved to the other district: its new district sees it, its old one no longer does.
    assert api(other_district_official).get(enterprise_url(moved.pk)).status_code == 200
    assert api(district_official).get(enterprise_url(moved.pk)).status_code == 404
    assert api(district_official).get(enterprise_url(10**12)).status_code == 404
    assert api(district_official).get(enterprise_url("abc")).status_code == 404
    # The enterprise's own users see their filings' history, not the registry record's.
    assert api(enterprise_user).get(enterprise_url(moved.pk)).status_code == 403
    assert api(department_user).get(enterprise_url(moved.pk)).status_code == 403
    assert api().get(enterprise_url(moved.pk)).status_code in (401, 403)


@pytest.fixture
def filing(enterprise, enterprise_user):
    application = factories.ApplicationFactory(enterprise=enterprise)
    ip_item_add(
        application_id=application.pk,
        actor=enterprise_user,
        data={"kind": "invention_patent", "number": "ZL2", "title": "一种方法"},
    )
    application_submit(application_id=application.pk, actor=enterprise_user, today=dt.date(2026, 8, 1))
    return application


def test_filing_history_shows_transitions_and_items_newest_first(filing, enterprise_user, district_official):
    for user in (enterprise_user, district_official):
        entries = api(user).get(filing_url(filing.pk)).json()["results"]
        assert entries[0]["reason"] == "提交申报" and entries[0]["actor"] == "ent_user"
        assert entries[0]["changes"]["state"] == ["draft", "submitted"]
        item = filing.ip_items.get()
        key = f"ip_items[{item.pk}].title"
        added = next(entry for entry in entries if key in entry["changes"])
        assert added["changes"][key] == [None, "一种方法"] and added["reason"] == "添加知识产权"
        ats = [entry["at"] for entry in entries]
        assert ats == sorted(ats, reverse=True)


def test_filing_history_of_the_system_has_no_actor(enterprise, city_official):
    registration = factories.registered_filing(enterprise, year=2025)
    registration_expire_due(today=dt.date(2026, 1, 2))
    newest = api(city_official).get(filing_url(registration.application_id)).json()["results"][0]
    assert newest == {
        "at": newest["at"],
        "actor": None,
        "reason": "入库登记到期",
        "changes": {"state": ["registered", "expired"]},
    }


def test_filing_history_is_scoped(filing, other_enterprise_user, other_district_official, department_user):
    assert api(other_enterprise_user).get(filing_url(filing.pk)).status_code == 404
    assert api(other_district_official).get(filing_url(filing.pk)).status_code == 404
    assert api(department_user).get(filing_url(filing.pk)).status_code == 403


def test_a_draft_history_is_the_enterprise_own(enterprise, enterprise_user, district_official):
    draft = factories.ApplicationFactory(enterprise=enterprise)
    assert api(enterprise_user).get(filing_url(draft.pk)).status_code == 200
    assert api(district_official).get(filing_url(draft.pk)).status_code == 404  # never submitted


def test_history_query_count_is_fixed(filing, district_official, django_assert_max_num_queries):
    filing = type(filing).objects.get(pk=filing.pk)
    for n in range(20):  # twenty changes by twenty different people
        with history_context(actor=factories.UserFactory(), reason=f"第{n}次"):
            filing.on_site_check_note = f"记录{n}"
            filing.save()
    client = api(district_official)
    with django_assert_max_num_queries(6):  # scope (2), the filing in scope, the page of records
        entries = client.get(filing_url(filing.pk)).json()["results"]
    assert len({entry["actor"] for entry in entries}) >= 20
