"""A service record is dated from its agreement's signing on: refused before it by the services and the form, and
an agreement's signing date cannot move past the records it already has."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assistance import services
from assistance.models import ServiceRecord
from tests.factories import AssistanceAgreementFactory, ServiceRecordFactory

pytestmark = pytest.mark.django_db

SIGNED = dt.date(2026, 3, 15)
BEFORE_SIGNING = {"date": ["服务日期不能早于协议的签订日期（2026-03-15）。"]}


@pytest.fixture(autouse=True)
def after_the_dates_used_here(today):
    today(dt.date(2026, 12, 31))


@pytest.fixture
def agreement(department, enterprise):
    return AssistanceAgreementFactory(department=department, enterprise=enterprise, year=2026, signed_on=SIGNED)


def test_a_record_dated_before_the_signing_is_refused_and_the_signing_day_accepted(department_user, agreement):
    with pytest.raises(ValidationError) as caught:
        services.service_record_create(actor=department_user, agreement_id=agreement.pk, date=dt.date(2026, 3, 14))
    assert caught.value.message_dict == BEFORE_SIGNING
    assert not ServiceRecord.objects.exists()
    record = services.service_record_create(actor=department_user, agreement_id=agreement.pk, date=SIGNED)
    assert record.date == SIGNED


def test_a_record_cannot_be_redated_before_the_signing(department_user, agreement):
    record = services.service_record_create(actor=department_user, agreement_id=agreement.pk, date=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError) as caught:
        services.service_record_update(actor=department_user, record_id=record.pk, date=dt.date(2026, 1, 5))
    assert caught.value.message_dict == BEFORE_SIGNING
    record.refresh_from_db()
    assert record.date == dt.date(2026, 4, 1)


def test_each_date_at_fault_gets_its_error(department_user, agreement):
    with pytest.raises(ValidationError) as caught:
        services.service_record_create(
            actor=department_user, agreement_id=agreement.pk, date=dt.date(2026, 3, 1), resolved_on=dt.date(2026, 2, 1)
        )
    assert caught.value.message_dict == {**BEFORE_SIGNING, "resolved_on": ["解决日期不能早于服务日期。"]}


def test_the_signing_date_cannot_move_past_the_first_record(department_user, agreement):
    ServiceRecordFactory(agreement=agreement, date=dt.date(2026, 5, 1))
    ServiceRecordFactory(agreement=agreement, date=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError) as caught:
        services.agreement_update(actor=department_user, agreement_id=agreement.pk, signed_on=dt.date(2026, 4, 2))
    assert caught.value.message_dict == {
        "signed_on": ["签订日期（2026-04-02）不能晚于本协议已有的服务记录：最早一次服务在2026-04-01。"]
    }
    agreement.refresh_from_db()
    assert agreement.signed_on == SIGNED
    # Up to the first record's day, or earlier, is fine.
    assert services.agreement_update(
        actor=department_user, agreement_id=agreement.pk, signed_on=dt.date(2026, 4, 1)
    ).signed_on == dt.date(2026, 4, 1)
    assert services.agreement_update(
        actor=department_user, agreement_id=agreement.pk, signed_on=dt.date(2026, 2, 1)
    ).signed_on == dt.date(2026, 2, 1)


def test_an_agreement_without_records_moves_its_signing_date_freely(department_user, agreement):
    moved = services.agreement_update(actor=department_user, agreement_id=agreement.pk, signed_on=dt.date(2026, 9, 1))
    assert moved.signed_on == dt.date(2026, 9, 1)


# --- The pages ------------------------------------------------------------------------------------------------


def record_data(**overrides):
    return {"date": "2026-03-14", "kind": "visit", "issues_raised": "缺少厂房", "resolution": "", "resolved_on": "",
            **overrides}  # fmt: skip


def test_the_record_form_refuses_a_visit_before_the_signing_naming_it(client, department_user, agreement):
    client.force_login(department_user)
    url = reverse("assistance:record_create", args=[agreement.pk])
    form_page = client.get(url).text
    assert 'min="2026-03-15"' in form_page and "协议签订于2026-03-15" in form_page
    response = client.post(url, record_data())
    assert response.status_code == 200 and not ServiceRecord.objects.exists()
    assert "服务日期不能早于协议的签订日期（2026-03-15）。" in response.text
    assert 'value="2026-03-14"' in response.text and "缺少厂房" in response.text  # kept as typed
    assert client.post(url, record_data(date="2026-03-15")).status_code == 302


def test_the_record_form_refuses_an_edit_before_the_signing(client, department_user, agreement):
    record = ServiceRecordFactory(agreement=agreement, date=dt.date(2026, 4, 1))
    client.force_login(department_user)
    response = client.post(reverse("assistance:record_edit", args=[record.pk]), record_data(date="2026-01-20"))
    assert response.status_code == 200 and "服务日期不能早于协议的签订日期（2026-03-15）。" in response.text
    record.refresh_from_db()
    assert record.date == dt.date(2026, 4, 1)


def test_the_form_checks_the_signing_date_itself(department_user, agreement):
    """The form refuses before the service is called (the service would refuse too)."""
    from assistance.forms import ServiceRecordForm

    form = ServiceRecordForm(record_data(), agreement=agreement)
    assert not form.is_valid() and form.errors == BEFORE_SIGNING


def test_the_agreement_form_refuses_a_signing_date_after_a_record(client, department_user, agreement):
    ServiceRecordFactory(agreement=agreement, date=dt.date(2026, 4, 1))
    client.force_login(department_user)
    data = {"signed_on": "2026-06-01", "measures": ["policy"], "goals": "", "responsible_officer": "赵六",
            "status": "active"}  # fmt: skip
    response = client.post(reverse("assistance:agreement_edit", args=[agreement.pk]), data)
    assert response.status_code == 200
    assert "签订日期（2026-06-01）不能晚于本协议已有的服务记录：最早一次服务在2026-04-01。" in response.text
    agreement.refresh_from_db()
    assert (agreement.signed_on, agreement.responsible_officer) == (SIGNED, "李四")
