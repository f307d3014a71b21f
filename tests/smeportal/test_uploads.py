import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from smeportal.uploads import DOCUMENT_KINDS, UploadValidator, check_upload, detected_kind, random_stored_name

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
