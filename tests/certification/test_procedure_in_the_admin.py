"""The admin cannot go around the procedure: a running notice keeps its dates and stays public, an
objection is decided on the notice's page, through the workflow, not by editing its status, and a filing
that has left its draft (its figures, items and review) is only read."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from certification.models import Application, IntellectualProperty, NoticeBatch, Objection, RDProject
from certification.services.notice import notice_batch_create
from certification.services.review import (
    application_recommend,
    application_record_on_site_check,
    application_require_on_site_check,
)
from certification.workflow import TransitionError
from tests import factories
from tests.helpers import reload

pytestmark = pytest.mark.django_db

START = dt.date(2026, 9, 28)
S = Application.State


@pytest.fixture
def batch(enterprise, city_official):
    filing = factories.recommended_filing(enterprise)
    return notice_batch_create(
        actor=city_official, title="2026年第3批公示", start_date=START, today=START, application_ids=[filing.pk]
    )


def test_only_the_title_of_a_running_notice_can_be_corrected(client, admin_user_persona, batch):
    client.force_login(admin_user_persona)
    url = reverse("admin:certification_noticebatch_change", args=[batch.pk])
    response = client.post(
        url, {"title": "2026年第三批公示", "start_date": batch.end_date.isoformat(), "published": ""}
    )
    assert response.status_code == 302
    stored = NoticeBatch.objects.get(pk=batch.pk)
    assert stored.title == "2026年第三批公示"
    # A start moved to the last day would have left one working day for objections; unpublished, none.
    assert (stored.start_date, stored.end_date, stored.published) == (START, batch.end_date, True)


def test_an_objection_cannot_be_decided_in_the_admin(client, admin_user_persona, enterprise_user, batch):
    filing = batch.applications.get()
    objection = Objection.objects.create(
        application=filing, batch=batch, objector=enterprise_user, real_name="张三", contact="13800000000",
        statement="数据不实", evidence="objections/x.pdf", evidence_size=10,
    )  # fmt: skip
    client.force_login(admin_user_persona)
    url = reverse("admin:certification_objection_change", args=[objection.pk])
    assert client.get(url).status_code == 200  # read
    client.post(url, {"status": Objection.Status.UPHELD, "decision_note": "", "_save": "保存"})
    objection.refresh_from_db()
    filing.refresh_from_db()
    assert (objection.status, filing.state) == (Objection.Status.OPEN, Application.State.UNDER_NOTICE)


def test_the_api_publishes_every_batch_it_creates(city_official, enterprise, today):
    from rest_framework.test import APIClient

    today(START)
    filing = factories.recommended_filing(enterprise)
    api = APIClient()
    api.force_authenticate(city_official)
    payload = {"title": "第二批", "start_date": START.isoformat(), "application_ids": [filing.pk], "published": False}
    response = api.post(reverse("certification-notice-batch-list"), payload, format="json")
    assert response.status_code == 201, response.content
    assert NoticeBatch.objects.get().published is True


# --- filings ---------------------------------------------------------------------------------------------


def _posted_back(page) -> dict:
    """What the admin's change form would post back unchanged (its fields and inline formsets as shown)."""
    data = {}

    def put(form, prefix=""):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                data[f"{prefix}{name}"] = "on"
            elif isinstance(value, list | tuple):
                data[f"{prefix}{name}"] = [str(v) for v in value]
            elif hasattr(value, "isoformat"):
                data[f"{prefix}{name}"] = value.isoformat()
            else:
                data[f"{prefix}{name}"] = str(value)

    put(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        put(inline.formset.management_form, f"{inline.formset.prefix}-")
        for form in inline.formset.forms:
            put(form, f"{form.prefix}-")
    return data


def _items_inlines(page) -> list:
    return [
        inline
        for inline in page.context["inline_admin_formsets"]
        if inline.opts.model in {IntellectualProperty, RDProject}
    ]


def _with_items(filing: Application) -> Application:
    IntellectualProperty.objects.create(
        application=filing, kind=IntellectualProperty.Kind.INVENTION_PATENT, number="ZL202610000001", title="一种装置"
    )
    RDProject.objects.create(application=filing, name="智能检测", budget=Decimal("30.00"))
    return filing


def test_a_filing_whose_on_site_check_failed_cannot_be_rewritten_in_the_admin(
    client, admin_user_persona, enterprise, district_official
):
    """Ticking 现场核查通过 and raising the figures in the admin would let the district recommend a filing on a
    check that failed, with nothing on its timeline."""
    filing = _with_items(
        factories.ApplicationFactory(
            enterprise=enterprise, state=S.SUBMITTED, first_time_applicant=False, last_submitted_on=dt.date(2026, 4, 1)
        )
    )
    application_require_on_site_check(application_id=filing.pk, actor=district_official)
    application_record_on_site_check(
        application_id=filing.pk,
        actor=district_official,
        passed=False,
        note="研发场地不存在",
        today=dt.date(2026, 4, 2),
    )
    before = reload(filing)
    client.force_login(admin_user_persona)
    url = reverse("admin:certification_application_change", args=[filing.pk])

    page = client.get(url)
    assert page.status_code == 200  # read
    assert not page.context["has_change_permission"]
    for inline in _items_inlines(page):
        assert not (inline.has_add_permission or inline.has_change_permission or inline.has_delete_permission)
    data = _posted_back(page)
    data.update(
        {
            "on_site_check_passed": "true",
            "decision_reason": "",
            "rd_expense": "90.00",
            "direct_paths": '["high_tech_certificate"]',
            "evaluation_year": "2025",
            "ip_items-TOTAL_FORMS": "0",
            "_save": "1",
        }
    )
    assert client.post(url, data).status_code == 403

    stored = reload(filing)
    assert (stored.on_site_check_passed, stored.rd_expense, stored.direct_paths, stored.evaluation_year) == (
        False,
        before.rd_expense,
        before.direct_paths,
        2026,
    )
    assert (stored.ip_items.count(), stored.rd_projects.count(), stored.events.count()) == (1, 1, before.events.count())
    with pytest.raises(TransitionError):
        application_recommend(application_id=filing.pk, actor=district_official)


@pytest.mark.parametrize("state", [S.RETURNED, S.REJECTED, S.WITHDRAWN, S.UNDER_NOTICE])
def test_every_filing_past_its_draft_is_only_read_in_the_admin(client, admin_user_persona, enterprise, state):
    filing = _with_items(factories.ApplicationFactory(enterprise=enterprise, state=state))
    client.force_login(admin_user_persona)
    page = client.get(reverse("admin:certification_application_change", args=[filing.pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert not any(inline.has_delete_permission for inline in _items_inlines(page))
    assert client.get(reverse("admin:certification_application_delete", args=[filing.pk])).status_code == 403


def test_a_registered_filing_and_its_items_are_only_read_in_the_admin(client, admin_user_persona, enterprise):
    registration = factories.registered_filing(enterprise)
    filing = _with_items(registration.application)
    client.force_login(admin_user_persona)
    url = reverse("admin:certification_application_change", args=[filing.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "一种装置" in page.content.decode()
    assert client.post(url, {**_posted_back(page), "total_assets": "1.00", "_save": "1"}).status_code == 403
    assert reload(filing).total_assets == Decimal("1000.00")


def test_a_draft_keeps_its_figures_and_items_editable_but_not_what_the_workflow_sets(
    client, admin_user_persona, enterprise
):
    filing = _with_items(factories.ApplicationFactory(enterprise=enterprise))
    other = factories.EnterpriseFactory(managing_district=enterprise.managing_district)
    client.force_login(admin_user_persona)
    url = reverse("admin:certification_application_change", args=[filing.pk])
    page = client.get(url)
    assert page.context["has_change_permission"]
    for inline in _items_inlines(page):
        assert inline.has_add_permission and inline.has_change_permission and inline.has_delete_permission
    data = _posted_back(page)
    data.update(
        {
            "rd_expense": "50.00",
            "ip_items-0-title": "一种改进的装置",
            "rd_projects-0-DELETE": "on",
            # Not fields of the form: set by the procedure, not typed in.
            "on_site_check_passed": "true",
            "decision_reason": "改写",
            "state": S.REGISTERED,
            "enterprise": str(other.pk),
            "evaluation_year": "2025",
            "_save": "1",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    stored = reload(filing)
    assert stored.rd_expense == Decimal("50.00")
    assert list(stored.ip_items.values_list("title", flat=True)) == ["一种改进的装置"]
    assert not stored.rd_projects.exists()
    assert (
        stored.on_site_check_passed,
        stored.decision_reason,
        stored.state,
        stored.enterprise_id,
        stored.evaluation_year,
    ) == (None, "", S.DRAFT, enterprise.pk, 2026)
    # A draft may still be thrown away; a filing is opened on the filing pages, never added here.
    assert client.get(reverse("admin:certification_application_delete", args=[filing.pk])).status_code == 200
    assert client.get(reverse("admin:certification_application_add")).status_code == 403
