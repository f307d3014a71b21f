"""What of a notice batch is seen before and during its notice, in the API and on the public pages: nothing before
its first day but by the city, nothing by an account without a role, and not the filings the notice ended in a
rejection."""

import datetime as dt

import pytest
from django.urls import reverse

from certification.models import Application
from certification.services.notice import notice_batch_create, objection_decide, objection_file
from enterprises.models import EnterpriseMembership
from tests import factories
from tests.helpers import evidence_pdf

pytestmark = pytest.mark.django_db

BATCHES = "/api/v1/certification/notice-batches/"
CREATED_ON = dt.date(2026, 9, 1)
START = dt.date(2026, 9, 28)  # a Monday; the notice ends on 2026-10-15 (10 working days over National Day)
DURING = dt.date(2026, 10, 9)


@pytest.fixture
def future_batch(enterprise, city_official, today):
    """A batch the city prepared on 1 September to start on 28 September (the batch form allows a later start)."""
    today(CREATED_ON)
    filing = factories.recommended_filing(enterprise)
    return notice_batch_create(
        actor=city_official,
        title="2026年第3批公示（未开始）",
        start_date=START,
        today=CREATED_ON,
        application_ids=[filing.pk],
    )


def test_the_api_shows_a_batch_from_its_first_day_as_the_public_pages_do(
    client, future_batch, department_user, city_official, today
):
    """A notice (公示, RULES.md §3) is public from its first day; before it the list is the city's draft."""
    client.force_login(department_user)
    assert client.get(reverse("certification:notice_batch", args=[future_batch.pk])).status_code == 404  # the page
    listed = client.get(BATCHES)
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == []
    assert client.get(f"{BATCHES}{future_batch.pk}/").status_code == 404
    assert client.get(f"{BATCHES}{future_batch.pk}/filings/").status_code == 404
    client.force_login(city_official)
    assert client.get(f"{BATCHES}{future_batch.pk}/").status_code == 200  # the city prepares it
    today(START)
    client.force_login(department_user)
    assert [row["id"] for row in client.get(BATCHES).json()["results"]] == [future_batch.pk]
    assert client.get(f"{BATCHES}{future_batch.pk}/").status_code == 200


def test_an_account_without_a_role_does_not_read_the_notice_batch_api(client, other_enterprise, future_batch):
    """README "Claims": only a verified membership opens the API; a claim made by self-registration, on any public
    credit code, is not one."""
    claimant = factories.UserFactory(username="claimant")
    EnterpriseMembership.objects.create(
        user=claimant, enterprise=other_enterprise, status=EnterpriseMembership.Status.CLAIMED
    )
    client.force_login(claimant)
    assert client.get(reverse("enterprise-list")).status_code == 403  # the rest of the API refuses it
    assert client.get(BATCHES).status_code == 403
    assert client.get(f"{BATCHES}{future_batch.pk}/").status_code == 403
    client.force_login(factories.UserFactory(username="nobody"))
    assert client.get(BATCHES).status_code == 403


def test_a_filing_rejected_on_an_upheld_objection_leaves_the_public_notice_list(
    client, enterprise, city_official, other_enterprise_user, today, settings, tmp_path
):
    """The public sees the filings under notice: one whose notice ended in a rejection is not, and is neither
    listed nor counted; the rest of the batch is."""
    settings.MEDIA_ROOT = tmp_path
    today(START)
    kept = factories.recommended_filing(enterprise)
    dropped = factories.recommended_filing(factories.EnterpriseFactory(managing_district=enterprise.managing_district))
    batch = notice_batch_create(
        actor=city_official,
        title="2026年第3批公示",
        start_date=START,
        today=START,
        application_ids=[kept.pk, dropped.pk],
    )
    today(DURING)
    objection = objection_file(
        actor=other_enterprise_user,
        application_id=dropped.pk,
        real_name="李四",
        contact="13800000000",
        statement="研发人员数与社保记录不符",
        evidence=evidence_pdf(),
        today=DURING,
    )
    objection_decide(actor=city_official, objection_id=objection.pk, upheld=True, note="经核实，研发人员数不实")
    dropped.refresh_from_db()
    assert dropped.state == Application.State.REJECTED
    notices = client.get(reverse("certification:notices")).content.decode()
    page = client.get(reverse("certification:notice_batch", args=[batch.pk])).content.decode()
    assert kept.enterprise.name in notices and kept.enterprise.name in page
    assert dropped.enterprise.name not in notices
    assert dropped.enterprise.name not in page
    assert 'data-total="1"' in page
