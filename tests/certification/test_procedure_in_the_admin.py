"""The admin cannot go around the procedure: a running notice keeps its dates and stays public, and an
objection is decided on the notice's page, through the workflow, not by editing its status."""

import datetime as dt

import pytest
from django.urls import reverse

from certification.models import Application, NoticeBatch, Objection
from certification.services.notice import notice_batch_create
from tests import factories

pytestmark = pytest.mark.django_db

START = dt.date(2026, 9, 28)


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
