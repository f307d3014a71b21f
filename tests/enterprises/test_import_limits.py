"""The registry import refuses a file over its limits before any parser reads it: on the upload page, from the
command, and in the task (for a file stored before the limits, or under a limit since lowered)."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from benchmarks.spreadsheets import IMPORT_ROWS
from enterprises.models import Enterprise, RegistryImport
from enterprises.services.registry import registry_import_process
from tests.spreadsheet_bombs import measured, row_bomb

pytestmark = pytest.mark.django_db

FLAT_MEMORY = 32 * 2**20


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """The finding's file: 5,000,000 rows, under a megabyte on disk."""
    return row_bomb(5_000_000)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def parsers_forbidden(monkeypatch):
    def parsed(*args, **kwargs):
        raise AssertionError("a parser was given a file that should have been refused")

    monkeypatch.setattr("enterprises.registry.reading.pd.read_excel", parsed)
    monkeypatch.setattr("enterprises.registry.reading.pd.read_csv", parsed)


def upload(client, name: str, content: bytes, **headers):
    return client.post(reverse("enterprises:import"), {"file": SimpleUploadedFile(name, content)}, **headers)


def test_the_defaults_take_the_benchmark_file(settings):
    assert settings.REGISTRY_IMPORT_MAX_ROWS >= IMPORT_ROWS


def test_bomb_is_refused_on_the_upload_page_at_once(client, city_official, bomb, parsers_forbidden, settings):
    client.force_login(city_official)
    response = upload(client, "registry.xlsx", bomb)  # the first request also loads the templates
    assert response.status_code == 200
    inflated, peak = measured(lambda: upload(client, "registry.xlsx", bomb))
    assert inflated == 0 and peak < FLAT_MEMORY  # refused on its declared size, before inflating a byte
    limit = filesizeformat(settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES)
    assert response.context["form"].errors["file"] == [f"文件解压后的大小超过上限 {limit}。"]
    english = upload(client, "registry.xlsx", bomb, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Once uncompressed, the file is larger than the limit" in english
    assert not RegistryImport.objects.exists()


def test_rows_over_the_limit_are_refused_on_the_page(client, city_official, bomb, parsers_forbidden, settings):
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 2**30  # the bomb's 245 MB pass: its rows do not
    client.force_login(city_official)
    response = upload(client, "registry.xlsx", bomb)
    assert "文件的行数超过上限：最多 120,000 行（不含表头）" in response.context["form"].errors["file"][0]
    settings.REGISTRY_IMPORT_MAX_ROWS = 10
    csv = "统一社会信用代码\n".encode() + b"x\n" * 11
    assert "最多 10 行" in upload(client, "registry.csv", csv).context["form"].errors["file"][0]
    assert not RegistryImport.objects.exists()


def test_the_command_refuses_the_bomb_naming_the_file_and_the_limit(tmp_path, bomb, parsers_forbidden, settings):
    path = tmp_path / "registry.xlsx"
    path.write_bytes(bomb)
    with pytest.raises(CommandError) as refused:
        call_command("import_registry", str(path), stdout=io.StringIO())
    limit = filesizeformat(settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES)
    assert str(refused.value) == f"{path}: 文件解压后的大小超过上限 {limit}。"


def test_the_command_refuses_a_csv_of_ten_million_blank_lines(tmp_path, parsers_forbidden):
    path = tmp_path / "registry.csv"
    path.write_bytes("统一社会信用代码,企业名称\n".encode() + b"\n" * 10_000_000)

    def refuse():
        with pytest.raises(CommandError, match="最多 120,000 行"):
            call_command("import_registry", str(path), stdout=io.StringIO())

    _inflated, peak = measured(refuse)
    assert peak < FLAT_MEMORY  # reading stops at the limit: tests/smeportal/test_spreadsheets.py counts the bytes


def test_the_task_refuses_a_stored_bomb_and_marks_the_import_failed(city_official, bomb, parsers_forbidden):
    record = RegistryImport(original_name="registry.xlsx", requested_by=city_official)
    record.file.save("registry.xlsx", ContentFile(bomb))
    inflated, _peak = measured(lambda: registry_import_process(import_id=record.pk))
    assert inflated == 0  # refused on its declared size, before inflating a byte
    record.refresh_from_db()
    assert record.status == RegistryImport.Status.FAILED
    assert record.error.startswith("文件解压后的大小超过上限")
    assert not Enterprise.objects.exists()
