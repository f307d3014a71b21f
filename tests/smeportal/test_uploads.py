import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils.http import content_disposition_header

from smeportal.excel import XLSX_CONTENT_TYPE
from smeportal.uploads import (
    DOCUMENT_KINDS,
    UploadValidator,
    check_upload,
    detected_kind,
    random_stored_name,
    stored_file_download,
)
from tests.factories import ApplicationFactory, AssistanceAgreementFactory

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("content", "kind"), [(PDF, "pdf"), (PNG, "png"), (JPG, "jpg"), (b"<html>", None)])
def test_kind_is_read_from_the_content(content, kind):
    assert detected_kind(SimpleUploadedFile("anything.bin", content)) == kind


def test_xlsx_is_recognised():
    assert detected_kind(SimpleUploadedFile("sheet.xlsx", xlsx_bytes())) == "xlsx"


@pytest.mark.parametrize(
    "content", [b"<html><script>alert(1)</script></html>", b"MZ\x90\x00\x03" + b"\x00" * 100, b"", b"plain text"]
)
def test_a_file_lying_about_its_type_is_refused(content):
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("contract.pdf", content))
    assert caught.value.code == "bad_type"
    assert "PDF" in str(caught.value.messages)


def test_size_limit_includes_the_limit_itself(settings):
    settings.MAX_UPLOAD_BYTES = len(PDF)
    assert check_upload(SimpleUploadedFile("a.pdf", PDF)) == "pdf"
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("a.pdf", PDF + b" "))
    assert caught.value.code == "too_large"


def test_validator_accepts_the_kinds_it_names():
    validator = UploadValidator(kinds={"xlsx"})
    validator(SimpleUploadedFile("sheet.xlsx", xlsx_bytes()))
    with pytest.raises(ValidationError):
        validator(SimpleUploadedFile("sheet.xlsx", PDF))
    assert UploadValidator() == UploadValidator(kinds=DOCUMENT_KINDS)


@pytest.mark.parametrize(
    ("filename", "fallback", "suffix"),
    [("合同.PDF", "bin", ".pdf"), ("photo.jpeg", "bin", ".jpeg"), ("evil.html", "bin", ".bin"), ("noext", "", "")],
)
def test_stored_names_are_random_and_keep_only_document_extensions(filename, fallback, suffix):
    first, second = random_stored_name(filename, fallback_suffix=fallback), random_stored_name(filename)
    assert first != second
    assert first.endswith(suffix) if suffix else "." not in first
    assert len(first) == 32 + len(suffix)


# --- Downloads of stored files: the type the content was judged to be, never the uploader's name ----------


@pytest.fixture
def stored(settings, tmp_path):
    """A stored file (an agreement's document) holding ``content``."""
    settings.MEDIA_ROOT = tmp_path

    def store(content: bytes, name: str = "upload.bin"):
        agreement = AssistanceAgreementFactory()
        agreement.document.save(name, ContentFile(content))
        return agreement.document

    return store


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "content_type", "served_as"),
    [
        ("财务报表.hta", PDF, "application/pdf", "财务报表.pdf"),
        ("合同.pdf", PDF, "application/pdf", "合同.pdf"),
        ("营业执照.png", PNG, "image/png", "营业执照.png"),
        ("现场照片.jpeg", JPG, "image/jpeg", "现场照片.jpg"),
        ("截图.pdf", PNG, "image/png", "截图.png"),
        ("说明", PDF, "application/pdf", "说明.pdf"),
        ("report.tar.exe", PDF, "application/pdf", "report.tar.pdf"),
        ("errors.xlsx", xlsx_bytes(), XLSX_CONTENT_TYPE, "errors.xlsx"),
    ],
)
def test_a_stored_file_is_served_as_its_content_under_that_kinds_extension(
    stored, name, content, content_type, served_as
):
    response = stored_file_download(stored(content), name)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == content_disposition_header(True, served_as)
    assert b"".join(response.streaming_content) == content


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"<html><script>alert(1)</script></html>", b"MZ\x90\x00\x03" + b"\x00" * 100])
def test_a_stored_file_of_no_accepted_kind_is_served_as_bytes_without_the_uploaders_extension(stored, content):
    response = stored_file_download(stored(content), "财务报表.hta")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == content_disposition_header(True, "财务报表")


@pytest.mark.django_db
def test_without_a_name_the_stored_ones_stem_is_used(stored):
    document = stored(PNG, "scan.png")
    response = stored_file_download(document)
    stem = document.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    assert response["Content-Disposition"] == content_disposition_header(True, f"{stem}.png")


@pytest.mark.django_db
def test_a_stored_file_that_is_gone_is_404(stored):
    document = stored(PDF)
    document.storage.delete(document.name)
    with pytest.raises(Http404):
        stored_file_download(document, "合同.pdf")


@pytest.mark.django_db
def test_a_filing_attachment_judged_pdf_is_downloaded_as_pdf_whatever_its_name(
    client, settings, tmp_path, enterprise_user, enterprise, district_official
):
    """An attachment named ``财务报表.hta`` whose content starts as a PDF (so it is accepted) and goes on as an
    HTML application: the reviewing official gets a PDF named ``财务报表.pdf``, not a script for mshta."""
    from certification.models import Application, ApplicationAttachment

    settings.MEDIA_ROOT = tmp_path
    filing = ApplicationFactory(enterprise=enterprise)
    payload = b'%PDF-1.4\n<html><script language=VBScript>CreateObject("WScript.Shell").Run "calc"</script></html>'
    client.force_login(enterprise_user)
    client.post(
        reverse("certification:filing_step", args=[filing.pk, "attachments"]),
        {
            "action": "upload",
            "att-kind": "financial_statements",
            "att-file": SimpleUploadedFile("财务报表.hta", payload),
        },
    )
    attachment = ApplicationAttachment.objects.get(application=filing)
    Application.objects.filter(pk=filing.pk).update(
        state=Application.State.SUBMITTED,
        submitted_on=dt.date(2026, 4, 20),
        evaluating_district=enterprise.managing_district,
    )
    client.force_login(district_official)
    response = client.get(reverse("certification:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == content_disposition_header(True, "财务报表.pdf")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == payload
