"""Rejected rows at the largest accepted upload: the first 100 kept for the page with counts by reason, every
row in a report written once at validation; the pages read neither all the valid rows nor all the rejected ones."""

import io
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assistance import excel, import_services
from assistance.models import AgreementImport, AssistanceAgreement
from benchmarks.agreements import unknown_code
from enterprises.models import Enterprise
from tests.factories import AssistanceAgreementFactory, EnterpriseFactory
from tests.helpers import export_recorded

pytestmark = pytest.mark.django_db

VALID = 10


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def row(code: str, officer: str = "王五") -> list:
    return [code, "", 2026, "2026-05-01", "政策辅导", "目标", officer, ""]


def workbook(rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, excel.HEADERS)
    for number, values in enumerate(rows, start=1):
        sheet.write_row(number, 0, values)
    book.close()
    return buffer.getvalue()


def bad_check_character(code: str) -> str:
    return code[:-1] + ("1" if code[-1] != "1" else "2")


def largest_file(settings) -> tuple[bytes, list]:
    """AGREEMENT_IMPORT_MAX_ROWS rows: VALID valid ones, then rows alternately of an unknown enterprise, and of a
    wrong check character with no officer."""
    enterprises = [EnterpriseFactory() for _ in range(VALID)]
    rows = [row(e.credit_code) for e in enterprises]
    for n in range(settings.AGREEMENT_IMPORT_MAX_ROWS - VALID):
        rows.append(row(unknown_code(n)) if n % 2 == 0 else row(bad_check_character(unknown_code(n)), officer=""))
    return workbook(rows), enterprises


def upload(client, content: bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assistance:import"), {"file": SimpleUploadedFile("协议.xlsx", content)})
    assert response.status_code == 302
    return AgreementImport.objects.get()


def report_rows(client, record) -> pd.DataFrame:
    response = client.get(reverse("assistance:import_rejected", args=[record.pk]))
    assert response.status_code == 200 and response.streaming  # the stored file, not rebuilt
    return pd.read_excel(io.BytesIO(response.getvalue()), engine="calamine", dtype=object)


def test_the_largest_file_keeps_a_hundred_rows_counts_them_all_and_writes_the_report_once(
    client, department_user, settings, django_capture_on_commit_callbacks, monkeypatch, django_assert_max_num_queries
):
    content, _enterprises = largest_file(settings)
    client.force_login(department_user)
    record = upload(client, content, django_capture_on_commit_callbacks)

    rejected = settings.AGREEMENT_IMPORT_MAX_ROWS - VALID
    half = rejected // 2
    assert record.status == AgreementImport.Status.PREVIEW
    assert (record.total_rows, record.valid_count, record.rejected_count) == (20_000, VALID, rejected)
    assert len(record.rejected_rows) == import_services.REJECTED_ROWS_KEPT == 100
    assert [r["row"] for r in record.rejected_rows] == list(range(VALID + 2, VALID + 102))
    assert record.rejected_by_reason == {"unknown_enterprise": half, "credit_code": half, "officer": half}
    assert [r["row"] for r in record.valid_preview] == list(range(2, VALID + 2))
    assert Path(record.rejected_report.path).is_file()

    # The report is the stored file: nothing rebuilds it from the database on download.
    monkeypatch.setattr(excel, "write_rejected_report", lambda *args: pytest.fail("the report was rebuilt"))
    sheet = report_rows(client, record)
    assert len(sheet) == rejected and sheet["行号"].tolist() == list(range(VALID + 2, 20_002))
    assert sheet["原因"].iloc[1] == "统一社会信用代码格式或校验位错误；责任人为空或超过50个字符"

    with CaptureQueriesContext(connection) as listing:
        page = client.get(reverse("assistance:import"))
    assert page.status_code == 200
    read = " ".join(q["sql"] for q in listing.captured_queries if "assistance_agreementimport" in q["sql"])
    assert "valid_rows" not in read and "rejected_rows" not in read and "valid_preview" not in read

    with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as detail_queries:
        detail = client.get(record.get_absolute_url()).content.decode()
    assert not any('"valid_rows"' in q["sql"] for q in detail_queries.captured_queries)
    assert f'data-counts="20000/{VALID}/{rejected}"' in detail
    assert detail.count("data-rejected-row=") == 100 and detail.count("data-valid-row=") == VALID
    assert f'data-reason="officer">{half}<' in detail and 'data-rejected-shown="100"' in detail


def test_the_page_previews_the_first_hundred_valid_rows_and_the_commit_imports_them_all(
    client, department, department_user, django_capture_on_commit_callbacks
):
    enterprises = EnterpriseFactory.create_batch(import_services.VALID_PREVIEW_ROWS + 5)
    client.force_login(department_user)
    record = upload(client, workbook([row(e.credit_code) for e in enterprises]), django_capture_on_commit_callbacks)

    assert record.valid_count == 105 and len(record.valid_preview) == import_services.VALID_PREVIEW_ROWS == 100
    detail = client.get(record.get_absolute_url()).content.decode()
    assert detail.count("data-valid-row=") == 100 and "这里列出前 100 行（共 105 行）。" in detail

    client.post(reverse("assistance:import_commit", args=[record.pk]))
    assert AssistanceAgreement.objects.filter(department=department).count() == 105


def test_rows_rejected_at_commit_join_the_counts_and_the_report(
    client, department, department_user, django_capture_on_commit_callbacks
):
    taken, kept = EnterpriseFactory(), EnterpriseFactory()
    rows = [row(unknown_code(1)), row(taken.credit_code), row(unknown_code(2)), row(kept.credit_code)]
    client.force_login(department_user)
    record = upload(client, workbook(rows), django_capture_on_commit_callbacks)
    assert (record.valid_count, record.rejected_count) == (2, 2)
    first_report = record.rejected_report.path
    AssistanceAgreementFactory(department=department, enterprise=taken)  # entered by hand meanwhile

    client.post(reverse("assistance:import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == AgreementImport.Status.COMMITTED and record.created_count == 1
    assert (record.rejected_count, record.rejected_by_reason) == (3, {"unknown_enterprise": 2, "late": 1})
    assert [r["row"] for r in record.rejected_rows] == [2, 3, 4]
    sheet = report_rows(client, record)
    assert sheet["行号"].tolist() == [2, 3, 4]
    assert sheet["统一社会信用代码"].tolist()[1] == taken.credit_code
    assert not Path(first_report).exists()  # replaced, not left behind
    assert AssistanceAgreement.objects.filter(enterprise=kept, department=department).exists()


def test_rows_whose_enterprise_stopped_operating_since_the_preview_are_rejected_at_commit(
    client, department, department_user, django_capture_on_commit_callbacks
):
    """Agreements are signed with operating enterprises only: a firm the registry marks cancelled between the
    preview and the commit gets no agreement, and its row is rejected for the upload's own reason."""
    closing, late_and_closing, kept = EnterpriseFactory(), EnterpriseFactory(), EnterpriseFactory()
    rows = [row(unknown_code(1)), row(closing.credit_code), row(late_and_closing.credit_code), row(kept.credit_code)]
    client.force_login(department_user)
    record = upload(client, workbook(rows), django_capture_on_commit_callbacks)
    assert (record.valid_count, record.rejected_count) == (3, 1)
    Enterprise.objects.filter(pk__in=[closing.pk, late_and_closing.pk]).update(status=Enterprise.Status.CANCELLED)
    AssistanceAgreementFactory(department=department, enterprise=late_and_closing)  # entered by hand meanwhile

    client.post(reverse("assistance:import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == AgreementImport.Status.COMMITTED and record.created_count == 1
    signed = AssistanceAgreement.objects.filter(department=department).values_list("enterprise", flat=True)
    assert sorted(signed) == sorted([late_and_closing.pk, kept.pk])  # the one entered by hand, and the import's
    assert record.rejected_count == 3
    assert record.rejected_by_reason == {"unknown_enterprise": 1, "not_operating": 2, "late": 1}
    reasons = {r["row"]: [excel.shown_reason(reason) for reason in r["reasons"]] for r in record.rejected_rows}
    assert reasons[3] == [str(excel.REASONS["not_operating"])]
    assert reasons[4] == [str(excel.REASONS["not_operating"]), str(excel.REASONS["late"])]
    sheet = report_rows(client, record)
    assert sheet["行号"].tolist() == [2, 3, 4]
    assert sheet["统一社会信用代码"].tolist()[1:] == [closing.credit_code, late_and_closing.credit_code]
    page = client.get(record.get_absolute_url()).content.decode()
    assert 'data-reason="not_operating">2<' in page and "企业不是存续状态" in page


def test_an_upload_validated_before_the_reports_gets_its_report_from_its_rows(client, department, department_user):
    record = AgreementImport(
        department=department,
        original_name="协议.xlsx",
        status=AgreementImport.Status.PREVIEW,
        total_rows=1,
        rejected_count=1,
        rejected_rows=[{"row": 2, "values": ["x"] * 8, "reasons": ["统一社会信用代码格式或校验位错误"]}],
    )
    record.file.save("upload.xlsx", SimpleUploadedFile("upload.xlsx", b"not read"), save=False)
    record.save()
    client.force_login(department_user)
    response = client.get(reverse("assistance:import_rejected", args=[record.pk]))
    sheet = pd.read_excel(io.BytesIO(response.getvalue()), engine="calamine", dtype=object)
    assert sheet["行号"].tolist() == [2]
    recorded = export_recorded(department_user, "assistance_import_rejected")
    assert (recorded["rows"], recorded["filters"]) == (1, {"import": str(record.pk)})
