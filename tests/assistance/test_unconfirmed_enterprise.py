"""An enterprise that registered itself and that its district has not confirmed may be a stranger's invention: no
department signs an agreement with it, by the form, the services or the Excel upload, and no picker offers it."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from assistance import excel, services
from assistance.models import AgreementImport, AssistanceAgreement
from assistance.selectors import enterprise_by_name_or_code, new_enterprises_without_assistance
from enterprises.models import Enterprise
from enterprises.services.accounts import enterprise_confirm, enterprise_user_register
from tests.factories import EnterpriseFactory, credit_code_for

pytestmark = pytest.mark.django_db

REFUSED = "该企业的自主登记尚待区县确认，确认前不能签订帮扶协议。"


@pytest.fixture(autouse=True)
def after_the_dates_used_here(today, settings, tmp_path):
    today(dt.date(2026, 12, 31))
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def self_registered(district):
    """An enterprise the registry does not know, registered by whoever claims it, awaiting the district."""
    registration = enterprise_user_register(
        username="stranger",
        password="a-long-password-1",
        email="stranger@example.com",
        credit_code=credit_code_for(9001),
        company_name="绵阳新星科技有限公司",
        contact_name="某人",
        contact_phone="13800000000",
        managing_district_id=district.pk,
        established_on=dt.date(2026, 2, 1),
    )
    assert registration.enterprise_created and registration.enterprise.confirmed is False
    return registration.enterprise


def sign(actor, department, enterprise):
    return services.agreement_create(
        actor=actor, department_id=department.pk, enterprise_id=enterprise.pk, year=2026,
        signed_on=dt.date(2026, 5, 1), measures=["policy"], responsible_officer="王五",
    )  # fmt: skip


def test_the_service_refuses_until_the_district_confirms(
    department_user, city_official, district_official, department, self_registered
):
    for actor in (department_user, city_official):
        with pytest.raises(ValidationError) as caught:
            sign(actor, department, self_registered)
        assert caught.value.message_dict == {"enterprise": [REFUSED]}
    assert not AssistanceAgreement.objects.exists()
    enterprise_confirm(enterprise_id=self_registered.pk, actor=district_official)
    assert sign(department_user, department, self_registered).enterprise == self_registered


def test_the_form_refuses_with_the_reason(client, department_user, self_registered):
    client.force_login(department_user)
    data = {"enterprise": self_registered.credit_code, "year": 2026, "signed_on": "2026-05-01",
            "measures": ["policy"], "responsible_officer": "王五", "status": "active"}  # fmt: skip
    response = client.post(reverse("assistance:agreement_create"), data)
    assert response.status_code == 200 and REFUSED in response.text
    assert not AssistanceAgreement.objects.exists()


def test_a_stranger_under_a_real_enterprises_name_neither_shadows_nor_blocks_it(
    client, department_user, district, department
):
    real = EnterpriseFactory(name="绵阳长虹电子有限公司", managing_district=district)
    stranger = EnterpriseFactory(name=real.name, managing_district=district, confirmed=False)
    assert enterprise_by_name_or_code(real.name) == real
    assert enterprise_by_name_or_code(stranger.credit_code) == stranger  # found by its code, to be refused
    client.force_login(department_user)
    data = {"enterprise": real.name, "year": 2026, "signed_on": "2026-05-01", "measures": ["policy"],
            "responsible_officer": "王五", "status": "active"}  # fmt: skip
    assert client.post(reverse("assistance:agreement_create"), data).status_code == 302
    assert AssistanceAgreement.objects.get().enterprise == real


def test_the_suggestions_do_not_offer_it(client, department_user, district, self_registered):
    confirmed = EnterpriseFactory(name="绵阳新星材料有限公司", managing_district=district)
    client.force_login(department_user)
    shown = client.get(reverse("assistance:enterprise_search"), {"enterprise": "绵阳新星"}).context["suggestions"]
    assert shown == [confirmed]


def test_the_new_enterprises_to_sign_with_leave_it_out(client, department_user, district, self_registered):
    confirmed = EnterpriseFactory(managing_district=district, established_on=dt.date(2026, 2, 1))
    assert list(new_enterprises_without_assistance(2026)) == [confirmed]
    client.force_login(department_user)
    page = client.get(reverse("assistance:without_assistance"), {"year": 2026}).text
    assert f'data-enterprise="{confirmed.pk}"' in page and f'data-enterprise="{self_registered.pk}"' not in page
    assert self_registered.credit_code not in page


# --- The Excel upload ------------------------------------------------------------------------------------------


def xlsx(codes) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(excel.HEADERS))
    for code in codes:
        sheet.append([code, "", 2026, "2026-05-01", "政策辅导", "目标", "王五", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("协议.xlsx", buffer.getvalue())


def test_the_upload_rejects_its_row_with_the_reason(
    client, department_user, self_registered, django_capture_on_commit_callbacks
):
    confirmed = EnterpriseFactory()
    client.force_login(department_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assistance:import"), {"file": xlsx([confirmed.credit_code, self_registered.credit_code])})
    record = AgreementImport.objects.get()
    assert record.status == AgreementImport.Status.PREVIEW, record.error
    assert [r["enterprise_id"] for r in record.valid_rows] == [confirmed.pk]
    assert record.rejected_by_reason == {"unconfirmed_enterprise": 1}
    (rejected,) = record.rejected_rows
    assert [excel.shown_reason(reason) for reason in rejected["reasons"]] == ["企业的自主登记尚待区县确认"]
    page = client.get(record.get_absolute_url()).text
    assert 'data-reason="unconfirmed_enterprise">1<' in page
    client.post(reverse("assistance:import_commit", args=[record.pk]))
    assert list(AssistanceAgreement.objects.values_list("enterprise", flat=True)) == [confirmed.pk]


def test_a_row_previewed_before_the_check_is_rejected_at_commit(client, department, department_user, self_registered):
    """An upload validated before unconfirmed enterprises were refused holds the row as valid: the commit asks the
    same question again and rejects it."""
    values = {"enterprise_id": self_registered.pk, "credit_code": self_registered.credit_code, "year": 2026,
              "signed_on": "2026-05-01", "measures": ["policy"], "goals": "", "responsible_officer": "王五",
              "status": "active", "counts_as_new": True}  # fmt: skip
    record = AgreementImport(
        department=department, original_name="协议.xlsx", status=AgreementImport.Status.PREVIEW, total_rows=1,
        valid_rows=[{"row": 2, **values}], valid_count=1,
    )  # fmt: skip
    record.file.save("upload.xlsx", SimpleUploadedFile("upload.xlsx", b"not read"), save=False)
    record.save()
    client.force_login(department_user)
    client.post(reverse("assistance:import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == AgreementImport.Status.COMMITTED and record.created_count == 0
    assert record.rejected_by_reason == {"unconfirmed_enterprise": 1}
    assert not AssistanceAgreement.objects.exists()


# --- The API ---------------------------------------------------------------------------------------------------


def test_the_api_offers_no_way_to_sign(client, department_user, self_registered):
    """The assistance API is read-only: agreements are signed through the form and the upload alone (a guard, so
    that a write added later goes through the services' check)."""
    client.force_login(department_user)
    response = client.post(
        reverse("assistance-agreement-list"),
        {"enterprise": self_registered.pk, "year": 2026, "signed_on": "2026-05-01"},
        content_type="application/json",
    )
    assert response.status_code == 405
    assert Enterprise.objects.get(pk=self_registered.pk).assistance_agreements.count() == 0
