"""Excel: template, upload validated row by row, preview, commit in one go, rejected rows, export."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assistance import excel, services
from assistance.models import AgreementImport, AssistanceAgreement, QuotaPolicy
from smeportal.excel import XLSX_CONTENT_TYPE
from smeportal.models import SecurityEvent
from tests.factories import AssistanceAgreementFactory, EnterpriseFactory
from tests.helpers import export_recorded

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """POST a file to the import page and run the queued validation task (Celery is eager here)."""

    def post(file):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post(reverse("assistance:import"), {"file": file})
        return response, callbacks

    return post


def xlsx(rows, headers=excel.HEADERS) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("协议.xlsx", buffer.getvalue())


def row(code, year=2026, signed="2026-05-01", measures="政策辅导、talent", officer="王五", status=""):
    return [code, "", year, signed, measures, "目标", officer, status]


def test_template_has_headers_and_measures_legend(client, department_user):
    client.force_login(department_user)
    response = client.get(reverse("assistance:import_template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    book = load_workbook(io.BytesIO(response.content))
    first, legend = book.worksheets
    assert [c.value for c in first[1]] == list(excel.HEADERS)
    codes = {r[0].value for r in legend.iter_rows(min_row=2, max_row=9)}
    assert {"policy", "financing_guarantee_pool", "matchmaking_large_enterprise", "other"} <= codes


def test_upload_preview_commit_and_rejected_report(client, upload, department_user, department, other_department):
    new = EnterpriseFactory(established_on=dt.date(2025, 1, 1))
    old = EnterpriseFactory(established_on=dt.date(2015, 1, 1))
    taken = EnterpriseFactory()
    AssistanceAgreementFactory(department=department, enterprise=taken)  # duplicate in the database
    AssistanceAgreementFactory(department=other_department, enterprise=old)  # another department: no conflict
    cancelled = EnterpriseFactory(status="cancelled")
    rows = [
        row(new.credit_code),  # 2: valid, new
        row(old.credit_code.lower(), signed=dt.datetime(2026, 7, 1), status="已完成"),  # 3: valid, not new
        row("91510703MA00000000"),  # 4: bad check character
        row(EnterpriseFactory.build(credit_code="915107030000000000").credit_code),  # 5: bad code too
        row(taken.credit_code),  # 6: duplicate in DB
        row(new.credit_code, signed="2026-08-01"),  # 7: duplicate of row 2 in the file
        row(EnterpriseFactory().credit_code, signed="2025-12-31"),  # 8: date outside the year
        row(EnterpriseFactory().credit_code, measures="policy、贷款"),  # 9: unknown measure
        row(cancelled.credit_code),  # 10: not operating
        row(EnterpriseFactory().credit_code, officer=""),  # 11: no officer
    ]
    client.force_login(department_user)
    response, callbacks = upload(xlsx(rows))
    assert len(callbacks) == 1
    record = AgreementImport.objects.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    record.refresh_from_db()  # validated by the (eager) Celery task
    assert record.status == AgreementImport.Status.PREVIEW and record.total_rows == 10
    assert [r["row"] for r in record.valid_rows] == [2, 3]
    reasons = {r["row"]: " ".join(map(excel.shown_reason, r["reasons"])) for r in record.rejected_rows}
    assert "校验位" in reasons[4] and "校验位" in reasons[5]
    assert "已有帮扶协议" in reasons[6]
    assert "第2行重复" in reasons[7]
    assert "不在协议年度内" in reasons[8]
    assert "贷款" in reasons[9]
    assert "存续" in reasons[10]
    assert "责任人" in reasons[11]
    assert not AssistanceAgreement.objects.filter(enterprise__in=[new, old], department=department).exists()

    preview = client.get(record.get_absolute_url()).content.decode()
    assert 'data-counts="10/2/8"' in preview and 'data-rejected-row="9"' in preview

    report = client.get(reverse("assistance:import_rejected", args=[record.pk]))
    sheet = load_workbook(io.BytesIO(report.getvalue())).active  # a stored file, streamed
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [4, 5, 6, 7, 8, 9, 10, 11]

    response = client.post(reverse("assistance:import_commit", args=[record.pk]))
    assert response.status_code == 302
    created = AssistanceAgreement.objects.filter(department=department, enterprise__in=[new, old])
    assert {(a.enterprise_id, a.counts_as_new, a.status) for a in created} == {
        (new.pk, True, "active"),
        (old.pk, False, "completed"),
    }
    assert created.get(enterprise=old).signed_on == dt.date(2026, 7, 1)
    # committing again writes nothing more
    client.post(reverse("assistance:import_commit", args=[record.pk]))
    assert created.count() == 2


def test_commit_skips_rows_that_became_duplicates(client, upload, department_user, department):
    enterprise = EnterpriseFactory()
    client.force_login(department_user)
    upload(xlsx([row(enterprise.credit_code)]))
    record = AgreementImport.objects.get()
    AssistanceAgreementFactory(department=department, enterprise=enterprise)  # entered by hand meanwhile
    client.post(reverse("assistance:import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.created_count == 0 and [r["row"] for r in record.rejected_rows] == [2]
    assert AssistanceAgreement.objects.filter(enterprise=enterprise).count() == 1


@pytest.mark.parametrize(("window_at_commit", "counts_as_new"), [(2, True), (1, False)])
def test_commit_decides_newness_by_the_years_policy_at_commit(
    client, upload, department_user, department, city_official, window_at_commit, counts_as_new
):
    """The preview said "not new" under the one-year window (a firm founded in 2024, a 2026 agreement); the city
    widens 2026's window before the department commits: the agreement counts by the policy in force then, as
    every agreement of an open year does (services.policy_save)."""
    founded_2024 = EnterpriseFactory(established_on=dt.date(2024, 6, 1))
    client.force_login(department_user)
    upload(xlsx([row(founded_2024.credit_code)]))
    record = AgreementImport.objects.get()
    assert record.valid_rows[0]["counts_as_new"] is False
    services.policy_save(actor=city_official, policy=QuotaPolicy(year=2026, new_window_years=window_at_commit))
    client.post(reverse("assistance:import_commit", args=[record.pk]))
    assert (
        AssistanceAgreement.objects.get(department=department, enterprise=founded_2024).counts_as_new is counts_as_new
    )


def test_closed_year_rows_rejected(client, upload, department_user):
    QuotaPolicy.objects.create(year=2025, closed=True)
    client.force_login(department_user)
    upload(xlsx([row(EnterpriseFactory().credit_code, year=2025, signed="2025-03-01")]))
    record = AgreementImport.objects.get()
    assert "已关闭" in record.rejected_rows[0]["reasons"][0]


@pytest.mark.parametrize("year", ["²", "202²", "2026.5", "1999", "9" * 40])
def test_a_year_cell_that_is_not_a_year_is_a_rejected_row_not_a_failed_file(client, upload, department_user, year):
    client.force_login(department_user)
    upload(xlsx([row(EnterpriseFactory().credit_code), row(EnterpriseFactory().credit_code, year=year)]))
    record = AgreementImport.objects.get()
    assert record.status == AgreementImport.Status.PREVIEW, record.error
    assert (record.valid_count, record.rejected_count, record.rejected_by_reason) == (1, 1, {"year": 1})
    assert [r["row"] for r in record.rejected_rows] == [3]


def test_a_full_width_year_is_read(client, upload, department_user):
    client.force_login(department_user)
    upload(xlsx([row(EnterpriseFactory().credit_code, year="２０２６")]))
    assert [r["year"] for r in AgreementImport.objects.get().valid_rows] == [2026]


def test_a_signing_date_after_today_is_a_rejected_row(client, upload, department_user, department, today):
    today(dt.date(2026, 6, 10))
    signed_today, signed_later = EnterpriseFactory(), EnterpriseFactory()
    client.force_login(department_user)
    upload(
        xlsx([row(signed_today.credit_code, signed="2026-06-10"), row(signed_later.credit_code, signed="2026-06-11")])
    )
    record = AgreementImport.objects.get()
    assert [r["row"] for r in record.valid_rows] == [2]
    assert record.rejected_by_reason == {"signed_in_future": 1}
    assert [excel.shown_reason(reason) for reason in record.rejected_rows[0]["reasons"]] == ["签订日期晚于今天"]
    page = client.get(record.get_absolute_url()).content.decode()
    assert 'data-reason="signed_in_future">1<' in page


def test_row_reasons_are_shown_in_the_readers_language(client, upload, department_user):
    """Validated in Chinese (as the worker does); the reasons with details, like the others, are stored as msgids
    with their parameters and shown in the language of whoever reads the upload's page."""
    first, second = EnterpriseFactory(), EnterpriseFactory()
    client.force_login(department_user)
    rows = [row(first.credit_code, measures="policy、贷款"), row(second.credit_code), row(second.credit_code)]
    upload(xlsx(rows))
    record = AgreementImport.objects.get()
    assert [r["reasons"] for r in record.rejected_rows] == [
        [{"msgid": "未知的帮扶措施：%(codes)s", "params": {"codes": "贷款"}}],
        [{"msgid": "与本文件第%(row)s行重复", "params": {"row": "3"}}],
    ]
    chinese = client.get(record.get_absolute_url()).content.decode()
    assert "未知的帮扶措施：贷款" in chinese and "与本文件第3行重复" in chinese
    english = client.get(record.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "未知的帮扶措施" not in english and "与本文件第" not in english
    assert "贷款" in english  # what the file said is shown as it is
    report = load_workbook(io.BytesIO(client.get(reverse("assistance:import_rejected", args=[record.pk])).getvalue()))
    assert [line[-1] for line in report.active.iter_rows(min_row=2, values_only=True)] == [
        "未知的帮扶措施：贷款",
        "与本文件第3行重复",
    ]


def test_reasons_stored_as_text_by_an_earlier_version_are_still_shown():
    assert excel.shown_reason("统一社会信用代码格式或校验位错误") == "统一社会信用代码格式或校验位错误"
    assert excel.shown_reason("与本文件第2行重复") == "与本文件第2行重复"  # formatted before: shown as stored


def test_upload_refuses_files_that_are_not_xlsx_or_lack_headers(client, upload, department_user):
    client.force_login(department_user)
    response, _callbacks = upload(SimpleUploadedFile("a.xlsx", b"a,b\n1,2\n"))
    assert response.status_code == 200 and not AgreementImport.objects.exists()
    upload(xlsx([["x"]], headers=["错误的列"]))
    record = AgreementImport.objects.get()
    assert record.status == AgreementImport.Status.FAILED and "缺少列" in record.error


def test_other_department_cannot_see_or_commit_an_upload(client, upload, department_user, other_department_user):
    client.force_login(department_user)
    upload(xlsx([row(EnterpriseFactory().credit_code)]))
    record = AgreementImport.objects.get()
    client.force_login(other_department_user)
    assert client.get(record.get_absolute_url()).status_code == 404
    assert client.post(reverse("assistance:import_commit", args=[record.pk])).status_code == 404
    assert not AssistanceAgreement.objects.exists()


def test_export_neutralises_formulas_and_is_scoped(client, department_user, department, other_department):
    AssistanceAgreementFactory(department=department, goals='=HYPERLINK("http://x")', responsible_officer="@张")
    AssistanceAgreementFactory(department=department, goals="-1+2", responsible_officer="+王")
    AssistanceAgreementFactory(department=other_department, goals="别的部门")
    client.force_login(department_user)
    response = client.get(reverse("assistance:export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2
    goals_col, officer_col = excel.EXPORT_HEADERS.index("帮扶目标"), excel.EXPORT_HEADERS.index("责任人")
    assert {r[goals_col] for r in rows} == {'\'=HYPERLINK("http://x")', "'-1+2"}
    assert {r[officer_col] for r in rows} == {"'@张", "'+王"}
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)
    assert export_recorded(department_user, "assistance_agreements")["rows"] == 2


def test_neutralise():
    values = ["=1", "+1", "-1", "@a", "a=1", "", 5]
    assert [excel.neutralise(v) for v in values] == ["'=1", "'+1", "'-1", "'@a", "a=1", "", 5]


def test_a_rejected_report_whose_file_is_gone_is_404_and_not_recorded(client, upload, department_user):
    client.force_login(department_user)
    upload(xlsx([row("91510703MA00000000")]))
    record = AgreementImport.objects.get()
    url = reverse("assistance:import_rejected", args=[record.pk])
    report = client.get(url)
    assert report["Content-Type"] == XLSX_CONTENT_TYPE
    assert report["Content-Disposition"] == f'attachment; filename="assistance-import-{record.pk}-rejected.xlsx"'
    record.rejected_report.storage.delete(record.rejected_report.name)
    assert client.get(url).status_code == 404
    assert SecurityEvent.objects.filter(target="assistance_import_rejected").count() == 1  # the first download only


def exported_book(client):
    response = client.get(reverse("assistance:export"))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize(("agreements", "noted"), [(3, False), (4, True)])
def test_export_holds_at_most_the_cap_and_says_so_on_a_sheet_opened_first(
    client, settings, department_user, department, agreements, noted
):
    settings.LIST_EXPORT_MAX_ROWS = 3
    for _ in range(agreements):
        AssistanceAgreementFactory(department=department)
    client.force_login(department_user)
    book = exported_book(client)
    assert len(list(book.worksheets[0].iter_rows(min_row=2, values_only=True))) == 3
    if noted:
        assert book.sheetnames[1:] == ["导出说明"] and book.active.title == "导出说明"
        assert book.worksheets[1]["A1"].value == "仅导出前 3 行，请缩小筛选范围后分批导出。"
    else:
        assert len(book.worksheets) == 1
    assert export_recorded(department_user, "assistance_agreements")["rows"] == 3


def test_a_capped_export_uploads_again_without_a_rejected_row(client, upload, settings, department_user, department):
    """The export keeps the template's columns so it can be corrected and uploaded again: the note on the cap
    must not come back as a rejected row."""
    settings.LIST_EXPORT_MAX_ROWS = 2
    for _ in range(3):
        AssistanceAgreementFactory(department=department, signed_on=dt.date(2026, 4, 1))
    client.force_login(department_user)
    exported = b"".join(client.get(reverse("assistance:export")).streaming_content)
    AssistanceAgreement.objects.update(archived=True)  # else each row would be refused as one the department has
    upload(SimpleUploadedFile("协议.xlsx", exported))
    record = AgreementImport.objects.get()
    assert record.status == AgreementImport.Status.PREVIEW, record.error
    assert (record.total_rows, record.valid_count, record.rejected_count) == (2, 2, 0)
