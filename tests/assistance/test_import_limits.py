"""The agreements upload refuses a file over its limits before openpyxl reads it: on the upload page, and in the
validation task (for a file stored before the limits, or under a limit since lowered)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assistance import excel
from assistance.import_services import agreement_import_validate
from assistance.models import AgreementImport
from tests.spreadsheet_bombs import measured, row_bomb, sheet_with_rows

pytestmark = pytest.mark.django_db

ROW = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>'


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def openpyxl_forbidden(monkeypatch):
    def opened(*args, **kwargs):
        raise AssertionError("openpyxl was given a file that should have been refused")

    monkeypatch.setattr(excel, "load_workbook", opened)


def rows(count: int) -> bytes:
    """A workbook of a header and ``count`` data rows."""
    return sheet_with_rows(b"".join(ROW % (n, n) for n in range(1, count + 2)))


def upload(client, content: bytes, **headers):
    return client.post(reverse("assistance:import"), {"file": SimpleUploadedFile("协议.xlsx", content)}, **headers)


def test_a_file_over_the_row_limit_is_refused_on_the_page(client, department_user, openpyxl_forbidden, settings):
    assert settings.AGREEMENT_IMPORT_MAX_ROWS == 20_000  # a department's yearly list
    client.force_login(department_user)
    response = upload(client, rows(20_001))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "文件的行数超过上限：最多 20,000 行（不含表头）。请拆分成几个文件分别导入。"
    ]
    english = upload(client, rows(20_001), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "at most 20,000 rows, not counting the header" in english
    assert not AgreementImport.objects.exists()


def test_the_bomb_is_refused_on_the_page_at_once(client, department_user, openpyxl_forbidden):
    bomb = row_bomb(5_000_000)
    client.force_login(department_user)
    assert upload(client, bomb).status_code == 200  # the first request also loads the templates
    inflated, peak = measured(lambda: upload(client, bomb))
    assert inflated == 0 and peak < 32 * 2**20  # refused on its declared size, before inflating a byte
    assert "文件解压后的大小超过上限" in upload(client, bomb).context["form"].errors["file"][0]
    assert not AgreementImport.objects.exists()


def test_the_task_refuses_a_stored_file_over_the_limit(department, department_user, openpyxl_forbidden, settings):
    settings.AGREEMENT_IMPORT_MAX_ROWS = 50
    record = AgreementImport(department=department, original_name="协议.xlsx", requested_by=department_user)
    record.file.save("协议.xlsx", ContentFile(rows(51)))
    agreement_import_validate(import_id=record.pk)
    record.refresh_from_db()
    assert record.status == AgreementImport.Status.FAILED
    assert record.error == "文件的行数超过上限：最多 50 行（不含表头）。请拆分成几个文件分别导入。"
