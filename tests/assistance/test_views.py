"""Assistance pages as personas: scoping (404 outside), forms through the services, query counts."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assistance.models import AssistanceAgreement, ServiceRecord
from tests.factories import AssistanceAgreementFactory, EnterpriseFactory, ServiceRecordFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def agreement(department, enterprise):
    return AssistanceAgreementFactory(department=department, enterprise=enterprise, year=2026, counts_as_new=True)


def form_data(target, **overrides):
    data = {
        "enterprise": target.credit_code.lower(),
        "year": 2026,
        "signed_on": "2026-05-01",
        "measures": ["policy", "talent"],
        "goals": "融资对接",
        "responsible_officer": "王五",
        "status": "active",
    }
    data.update(overrides)
    return data


def test_create_by_credit_code(client, department_user, department):
    enterprise = EnterpriseFactory(established_on=dt.date(2025, 8, 1))
    client.force_login(department_user)
    upload = SimpleUploadedFile("协议.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("assistance:agreement_create"), {**form_data(enterprise), "document": upload})
    agreement = AssistanceAgreement.objects.get()
    assert response.status_code == 302 and response["Location"] == agreement.get_absolute_url()
    assert agreement.department == department and agreement.counts_as_new is True
    assert agreement.measures == ["policy", "talent"] and agreement.document
    download = client.get(reverse("assistance:agreement_document", args=[agreement.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_create_by_exact_name(client, department_user, enterprise):
    client.force_login(department_user)
    response = client.post(reverse("assistance:agreement_create"), form_data(enterprise, enterprise=enterprise.name))
    assert response.status_code == 302
    assert AssistanceAgreement.objects.get().enterprise == enterprise


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"enterprise": "不存在的公司"}, "未找到该企业"),
        ({"signed_on": "2025-12-31"}, "签订日期必须在协议年度"),
        ({"measures": ["loans"]}, "loans"),
    ],
)
def test_create_errors_shown_on_the_form(client, department_user, enterprise, overrides, message):
    client.force_login(department_user)
    response = client.post(reverse("assistance:agreement_create"), form_data(enterprise, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AssistanceAgreement.objects.exists()


def test_duplicate_and_bad_document_refused(client, department_user, agreement, enterprise):
    client.force_login(department_user)
    response = client.post(reverse("assistance:agreement_create"), form_data(enterprise))
    assert "已签订帮扶协议" in response.content.decode()
    fake = SimpleUploadedFile("协议.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(reverse("assistance:agreement_create"), {**form_data(EnterpriseFactory()), "document": fake})
    assert response.status_code == 200 and "文件内容不是允许的类型" in response.content.decode()
    assert AssistanceAgreement.objects.count() == 1


def test_other_department_gets_404(client, other_department_user, agreement):
    client.force_login(other_department_user)
    for name in ("agreement_detail", "agreement_edit", "record_create", "agreement_document"):
        assert client.get(reverse(f"assistance:{name}", args=[agreement.pk])).status_code == 404, name
    assert client.post(reverse("assistance:agreement_archive", args=[agreement.pk])).status_code == 404
    agreement.refresh_from_db()
    assert agreement.archived is False


def test_edit_and_archive(client, department_user, agreement):
    client.force_login(department_user)
    data = {"signed_on": "2026-06-01", "measures": ["premises"], "goals": "", "responsible_officer": "赵六",
            "status": "completed"}  # fmt: skip
    response = client.post(reverse("assistance:agreement_edit", args=[agreement.pk]), data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.measures, agreement.responsible_officer) == ("completed", ["premises"], "赵六")
    client.post(reverse("assistance:agreement_archive", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.archived is True
    assert client.get(reverse("assistance:agreement_detail", args=[agreement.pk])).status_code == 404


def test_service_record_create_edit(client, department_user, agreement):
    client.force_login(department_user)
    data = {"date": "2026-06-01", "kind": "visit", "issues_raised": "缺少厂房", "resolution": "", "resolved_on": ""}
    assert client.post(reverse("assistance:record_create", args=[agreement.pk]), data).status_code == 302
    record = ServiceRecord.objects.get()
    bad = {**data, "resolution": "已协调", "resolved_on": "2026-05-31"}
    response = client.post(reverse("assistance:record_edit", args=[record.pk]), bad)
    assert response.status_code == 200 and "解决日期不能早于服务日期" in response.content.decode()
    good = {**data, "resolution": "已协调", "resolved_on": "2026-06-03"}
    assert client.post(reverse("assistance:record_edit", args=[record.pk]), good).status_code == 302
    record.refresh_from_db()
    assert record.resolved_on == dt.date(2026, 6, 3)


def test_enterprise_sees_only_its_own_and_leaves_feedback(
    client, enterprise_user, agreement, other_enterprise, department
):
    record = ServiceRecordFactory(agreement=agreement, issues_raised="融资难")
    foreign = AssistanceAgreementFactory(department=department, enterprise=other_enterprise)
    foreign_record = ServiceRecordFactory(agreement=foreign)
    client.force_login(enterprise_user)
    page = client.get(reverse("assistance:mine")).content.decode()
    assert f'data-agreement="{agreement.pk}"' in page and f'data-agreement="{foreign.pk}"' not in page
    assert client.get(reverse("assistance:agreement_detail", args=[foreign.pk])).status_code == 404
    response = client.post(reverse("assistance:record_feedback", args=[record.pk]), {"feedback": "很满意"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.enterprise_feedback == "很满意"
    response = client.post(reverse("assistance:record_feedback", args=[foreign_record.pk]), {"feedback": "x"})
    assert response.status_code == 404
    foreign_record.refresh_from_db()
    assert foreign_record.enterprise_feedback == ""


@pytest.mark.parametrize(("year", "prefilled"), [("2025", 2025), ("２０２５", 2025), ("²", None), ("1999", None)])
def test_the_sign_link_prefills_only_a_year_it_can_read(client, department_user, enterprise, year, prefilled):
    client.force_login(department_user)
    response = client.get(reverse("assistance:agreement_create"), {"enterprise": enterprise.credit_code, "year": year})
    assert response.status_code == 200
    assert response.context["form"].initial == {
        "enterprise": enterprise.credit_code,
        **({"year": prefilled} if prefilled else {}),
    }


@pytest.mark.parametrize("name", ["assistance:home", "assistance:overview", "assistance:department_detail"])
@pytest.mark.parametrize("year", ["²", "1999", "9" * 50])
def test_a_year_no_agreement_can_have_is_a_404(client, department_user, city_official, department, name, year):
    client.force_login(department_user if name == "assistance:home" else city_official)
    url = reverse(name, args=[department.pk] if name == "assistance:department_detail" else [])
    client.raise_request_exception = False
    assert client.get(url, {"year": year}).status_code == 404


def test_an_agreement_signed_after_today_is_refused_on_the_form_keeping_what_was_typed(
    client, department_user, enterprise, today
):
    today(dt.date(2026, 6, 10))
    client.force_login(department_user)
    data = form_data(enterprise, signed_on="2026-06-11", goals="对接银行贷款", responsible_officer="赵六")
    response = client.post(reverse("assistance:agreement_create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and not AssistanceAgreement.objects.exists()
    assert "签订日期不能晚于今天。" in page
    assert 'value="2026-06-11"' in page and "对接银行贷款" in page and 'value="赵六"' in page


def test_an_agreement_edited_to_a_signing_date_after_today_is_refused(client, department_user, agreement, today):
    today(dt.date(2026, 6, 10))
    client.force_login(department_user)
    data = {"signed_on": "2026-07-01", "measures": ["premises"], "goals": "", "responsible_officer": "赵六",
            "status": "active"}  # fmt: skip
    response = client.post(reverse("assistance:agreement_edit", args=[agreement.pk]), data)
    assert response.status_code == 200 and "签订日期不能晚于今天。" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.signed_on == dt.date(2026, 3, 15)


def test_a_service_visit_after_today_is_refused_on_the_form_keeping_what_was_typed(
    client, department_user, agreement, today
):
    today(dt.date(2026, 6, 10))
    client.force_login(department_user)
    data = {"date": "2026-06-11", "kind": "visit", "issues_raised": "缺少厂房", "resolution": "", "resolved_on": ""}
    response = client.post(reverse("assistance:record_create", args=[agreement.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and not ServiceRecord.objects.exists()
    assert "服务日期不能晚于今天。" in page and 'value="2026-06-11"' in page and "缺少厂房" in page

    record = ServiceRecordFactory(agreement=agreement, date=dt.date(2026, 6, 1), issues_raised="缺少厂房")
    resolved_later = {**data, "date": "2026-06-01", "resolution": "已协调", "resolved_on": "2026-06-12"}
    response = client.post(reverse("assistance:record_edit", args=[record.pk]), resolved_later)
    page = response.content.decode()
    assert response.status_code == 200 and "解决日期不能晚于今天。" in page and "已协调" in page
    record.refresh_from_db()
    assert (record.resolution, record.resolved_on) == ("", None)


@pytest.mark.parametrize(("typed", "code"), [("服务很及时，" + "帮" * 2000, "max_length"), ("   ", "required")])
def test_refused_feedback_says_why_and_is_shown_again_under_its_record(client, enterprise_user, agreement, typed, code):
    record = ServiceRecordFactory(agreement=agreement, issues_raised="融资难")
    other = ServiceRecordFactory(agreement=agreement, issues_raised="缺少厂房")
    client.force_login(enterprise_user)
    response = client.post(reverse("assistance:record_feedback", args=[record.pk]), {"feedback": typed})
    page = response.content.decode()
    assert response.status_code == 200 and response.context["agreement"] == agreement
    refused = response.context["refused_feedback_form"]
    assert response.context["refused_feedback_record"] == record.pk and refused.data["feedback"] == typed
    (error,) = refused.errors.as_data()["feedback"]
    assert error.code == code and refused.errors["feedback"][0] in page  # the form's own reason, on the page
    if code == "max_length":
        assert "2000" in refused.errors["feedback"][0]
    if typed.strip():
        assert page.count(typed) == 1  # under its record, not under the other one
    record.refresh_from_db()
    other.refresh_from_db()
    assert record.enterprise_feedback == "" and other.enterprise_feedback == ""


def test_feedback_on_another_enterprises_record_is_a_404_even_when_refused(
    client, enterprise_user, other_enterprise, department
):
    foreign = ServiceRecordFactory(
        agreement=AssistanceAgreementFactory(department=department, enterprise=other_enterprise)
    )
    client.force_login(enterprise_user)
    for typed in ("好", "帮" * 2001):
        response = client.post(reverse("assistance:record_feedback", args=[foreign.pk]), {"feedback": typed})
        assert response.status_code == 404


def test_district_official_scope(client, district_official, other_district_official, agreement):
    url = reverse("assistance:agreement_detail", args=[agreement.pk])
    client.force_login(district_official)
    assert client.get(url).status_code == 200
    assert f'data-agreement="{agreement.pk}"' in client.get(reverse("assistance:agreement_list")).content.decode()
    client.force_login(other_district_official)
    assert client.get(url).status_code == 404
    assert f'data-agreement="{agreement.pk}"' not in client.get(reverse("assistance:agreement_list")).content.decode()


def test_department_home_shows_progress(client, department_user, department, django_assert_max_num_queries):
    for n in range(10):
        a = AssistanceAgreementFactory(department=department, year=2026, counts_as_new=n < 1)
        ServiceRecordFactory(agreement=a, issues_raised=f"问题{n}")
    client.force_login(department_user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("assistance:home"), {"year": 2026})
    page = response.content.decode()
    assert "新企业协议 1 / 10 份，占 10.0%" in page
    assert "还差 1 份新企业协议" in page
    assert page.count('data-agreement="') == 10 and "问题9" in page


def test_department_home_query_count_is_flat(client, department_user, department, django_assert_max_num_queries):
    client.force_login(department_user)
    for _ in range(3):
        AssistanceAgreementFactory(department=department, year=2026)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("assistance:home"), {"year": 2026})
    for _ in range(15):
        ServiceRecordFactory(agreement=AssistanceAgreementFactory(department=department, year=2026), issues_raised="x")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("assistance:home"), {"year": 2026})


@pytest.mark.parametrize("name", ["assistance:agreement_list", "assistance:without_assistance", "assistance:overview"])
def test_list_pages_query_count_is_flat(client, city_official, department, name, django_assert_max_num_queries):
    client.force_login(city_official)
    AssistanceAgreementFactory(department=department)
    EnterpriseFactory(established_on=dt.date(2026, 1, 2))
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse(name), {"year": 2026}).status_code == 200
    for n in range(12):
        AssistanceAgreementFactory(department=department, enterprise__established_on=dt.date(2026, 1, 2 + n))
        EnterpriseFactory(established_on=dt.date(2026, 2, 1 + n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(name), {"year": 2026})


def test_without_assistance_page_filters(client, department_user, district, other_district):
    mine = EnterpriseFactory(managing_district=district, established_on=dt.date(2026, 1, 5))
    theirs = EnterpriseFactory(managing_district=other_district, established_on=dt.date(2026, 1, 5))
    client.force_login(department_user)
    page = client.get(reverse("assistance:without_assistance"), {"year": 2026, "district": district.pk})
    content = page.content.decode()
    assert f'data-enterprise="{mine.pk}"' in content and f'data-enterprise="{theirs.pk}"' not in content


def test_overview_lists_every_department(client, city_official, department, other_department):
    AssistanceAgreementFactory(department=department, year=2026, counts_as_new=True)
    client.force_login(city_official)
    page = client.get(reverse("assistance:overview"), {"year": 2026}).content.decode()
    assert 'data-department="kjj"' in page and 'data-department="jxj"' in page
    detail = client.get(reverse("assistance:department_detail", args=[department.pk]), {"year": 2026})
    assert detail.status_code == 200 and "已达标" in detail.content.decode()


def test_enterprise_search_suggestions(client, department_user, enterprise):
    client.force_login(department_user)
    response = client.get(reverse("assistance:enterprise_search"), {"enterprise": enterprise.name[:6]})
    assert enterprise.credit_code in response.content.decode()


def test_suggestions_are_capped_and_shown_by_name(client, department_user):
    names = [f"绵阳星河{n:02d}科技有限公司" for n in (12, 3, 7, 1, 11, 5, 9, 2, 10, 4, 8, 6)]
    for name in names:
        EnterpriseFactory(name=name)
    client.force_login(department_user)
    shown = client.get(reverse("assistance:enterprise_search"), {"enterprise": "星河"}).context["suggestions"]
    assert len(shown) == 10 and [e.name for e in shown] == sorted(e.name for e in shown)
    assert {e.name for e in shown} <= set(names)


def test_agreement_list_counts_each_agreements_records(client, city_official, department):
    two, none = AssistanceAgreementFactory(department=department), AssistanceAgreementFactory(department=department)
    ServiceRecordFactory.create_batch(2, agreement=two)
    client.force_login(city_official)
    listed = {
        a.pk: a.record_count for a in client.get(reverse("assistance:agreement_list")).context["page"].object_list
    }
    assert listed == {two.pk: 2, none.pk: 0}


def test_each_suggestion_is_a_button_that_chooses_the_enterprise(client, department_user, enterprise):
    client.force_login(department_user)
    page = client.get(reverse("assistance:enterprise_search"), {"enterprise": enterprise.name[:6]}).text
    assert '<button type="button" class="btn btn-link' in page
    assert f'data-fill="id_enterprise" data-value="{enterprise.credit_code}"' in page
    form = client.get(reverse("assistance:agreement_create")).text
    assert 'id="id_enterprise"' in form  # the field the suggestion fills keeps its name and id


def test_department_home_counts_each_agreements_records_per_row(client, department_user, department):
    busy = AssistanceAgreementFactory(department=department, year=2026, signed_on=dt.date(2026, 3, 1))
    idle = AssistanceAgreementFactory(department=department, year=2026, signed_on=dt.date(2026, 4, 1))
    for day in (2, 3, 4):
        ServiceRecordFactory(agreement=busy, date=dt.date(2026, 3, day))
    client.force_login(department_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assistance:home"), {"year": 2026})
    assert {a.pk: a.record_count for a in response.context["agreements"]} == {busy.pk: 3, idle.pk: 0}
    # Counted by a subquery per agreement shown: grouping the join counted every record of the year's agreements.
    listed = [q["sql"] for q in queries.captured_queries if 'FROM "assistance_assistanceagreement"' in q["sql"]]
    assert listed and not any("GROUP BY" in sql for sql in listed)


def test_the_department_page_lists_are_indexed():
    with connection.cursor() as cursor:
        agreements = connection.introspection.get_constraints(cursor, AssistanceAgreement._meta.db_table)
        records = connection.introspection.get_constraints(cursor, ServiceRecord._meta.db_table)
    assert agreements["agreement_department_signed"]["columns"][:2] == ["department_id", "year"]
    assert records["service_record_open_issue"]["columns"] == ["agreement_id", "date", "id"]


def test_the_agreement_document_is_served_as_its_content_and_404_once_its_file_is_gone(
    client, department_user, agreement
):
    agreement.document.save("协议.pdf", ContentFile(PDF))
    stem = agreement.document.name.rsplit("/", 1)[-1].removesuffix(".pdf")
    url = reverse("assistance:agreement_document", args=[agreement.pk])
    client.force_login(department_user)
    download = client.get(url)
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="agreement-{agreement.pk}-{stem}.pdf"'
    agreement.document.storage.delete(agreement.document.name)
    client.raise_request_exception = False
    assert client.get(url).status_code == 404
