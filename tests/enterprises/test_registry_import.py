"""Registry import end to end: the command, the service, the error report and the web flow."""

import datetime as dt
import io
import json
import math
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.urls import reverse

from enterprises.models import District, Enterprise, RegistryImport
from enterprises.registry.columns import REASONS, REQUIRED_HEADERS
from enterprises.services.registry import (
    REGISTRY_FIELDS,
    registry_import_apply,
    registry_import_parse,
    registry_import_process,
    registry_records,
)
from enterprises.tasks import registry_import_run
from smeportal.bulk import inserted_fields
from smeportal.models import ChangeRecord, SecurityEvent
from tests.factories import EnterpriseFactory, credit_code_for
from tests.helpers import REFUSAL_MESSAGE, database_refuses, export_recorded

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
if not (DATA / "registry_sample.xlsx").exists():  # the checkout sits beside ../shared
    DATA = Path("/work/shared/data")
SAMPLE = DATA / "registry_sample.xlsx"
EXPECTED = json.loads((DATA / "registry_sample.expected.json").read_text(encoding="utf-8"))
HEADERS = list(REQUIRED_HEADERS)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def registry_row(n: int, **overrides) -> dict:
    row = {
        "序号": n,
        "统一社会信用代码": credit_code_for(n, area="510703"),
        "企业名称": f"绵阳导入测试科技有限公司{n}",
        "法定代表人": "李四",
        "企业类型": "其他有限责任公司",
        "成立日期": "2025-03-05",
        "注册资本(万元)": 100,
        "登记机关": "绵阳市涪城区市场监督管理局",
        "所属区县": "涪城区",
        "住所": f"四川省绵阳市涪城区某路{n}号",
        "行业门类": "I",
        "行业代码": "6510",
        "行业名称": "软件开发",
        "登记状态": "存续",
    }
    row.update(overrides)
    return row


def write_xlsx(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    pd.DataFrame(rows, columns=columns).to_excel(path, index=False, engine="xlsxwriter")
    return path


def run_json(*args) -> dict:
    out = io.StringIO()
    call_command("import_registry", *map(str, args), "--json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


# --- the sample file -----------------------------------------------------------------------------


def test_sample_matches_expected_and_second_import_changes_nothing(reference):
    first = run_json(SAMPLE)
    assert first == EXPECTED
    assert Enterprise.objects.count() == EXPECTED["created"]

    second = run_json(SAMPLE)
    assert second == {
        **EXPECTED,
        "created": 0,
        "updated": 0,
        "unchanged": EXPECTED["created"],
        "created_by_district": {},
    }
    assert Enterprise.objects.count() == EXPECTED["created"]


def test_sample_values_are_normalised(reference):
    run_json(SAMPLE)
    # Row 2 of the sample: 安州区, 2024/2/29, capital 50, status 存续, code area 510705.
    enterprise = Enterprise.objects.select_related("managing_district", "registered_district").get(
        credit_code="91510705MA4CL12T2Y"
    )
    assert enterprise.name == "绵阳芯华生物科技有限公司"
    assert enterprise.established_on == dt.date(2024, 2, 29)
    assert enterprise.registered_capital == 50
    assert enterprise.managing_district.name == "安州区"
    assert enterprise.registered_district.code == "510705"
    assert enterprise.industry_section == "C"
    assert enterprise.industry_code == "2761"
    assert enterprise.cluster.code == "biomedicine"
    assert enterprise.origin == Enterprise.Origin.NEW
    # Full-width and lower-case codes of the sample are stored normalised.
    assert Enterprise.objects.filter(credit_code="91510700MAE32L4U4X").exists()
    assert not Enterprise.objects.exclude(credit_code__regex=r"^[0-9A-Z]{18}$").exists()
    assert Enterprise.objects.filter(status=Enterprise.Status.CANCELLED).exists()
    # Zones manage enterprises registered with the city's code 510700: a zone is never their legal district.
    zone_enterprise = Enterprise.objects.filter(credit_code__startswith="91510700", managing_district__kind="zone")
    assert zone_enterprise.exists()
    assert not zone_enterprise.filter(registered_district__isnull=False).exists()
    assert not Enterprise.objects.filter(registered_district__kind="zone").exists()


# --- updates, errors and the error report --------------------------------------------------------


def test_changed_row_is_updated_and_others_left_alone(reference, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [registry_row(n) for n in range(1, 6)])
    assert run_json(path)["created"] == 5
    target = Enterprise.objects.get(credit_code=credit_code_for(3, area="510703"))
    Enterprise.objects.filter(pk=target.pk).update(name="旧名称", registered_capital=1, in_cultivation_pool=True)
    untouched = Enterprise.objects.get(credit_code=credit_code_for(1, area="510703"))

    counts = run_json(path)
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 1, 4)
    target.refresh_from_db()
    assert target.name == "绵阳导入测试科技有限公司3"
    assert target.registered_capital == 100
    assert target.in_cultivation_pool is True  # the portal's own fields are not the registry's
    assert Enterprise.objects.get(pk=untouched.pk).updated_at == untouched.updated_at


def test_each_reason_and_error_report(reference, tmp_path):
    code = credit_code_for(1, area="510703")
    rows = [
        registry_row(1),
        registry_row(2, **{"统一社会信用代码": "91510703MA62QK7L2V"}),
        registry_row(3, **{"企业名称": None}),
        registry_row(4, **{"成立日期": "2099-01-01"}),
        registry_row(5, **{"所属区县": "成都市武侯区"}),
        registry_row(6, **{"注册资本(万元)": "-5万元"}),
        registry_row(7, **{"统一社会信用代码": code.lower()}),
        registry_row(8, **{"成立日期": "2024年3月5日", "注册资本(万元)": "1,000.5"}),
    ]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    report = tmp_path / "errors.xlsx"
    out = io.StringIO()
    call_command("import_registry", str(path), "--json", "--errors-out", str(report), stdout=out)
    counts = json.loads(out.getvalue().strip().splitlines()[-1])
    assert counts["rows"] == 8
    assert counts["created"] == 2
    assert counts["rejected"] == 6
    assert counts["rejected_by_reason"] == dict.fromkeys(REASONS, 1)
    assert counts["created_by_district"] == {"涪城区": 2}
    assert "未导入 6" in out.getvalue()
    assert Enterprise.objects.get(credit_code=credit_code_for(8, area="510703")).registered_capital == Decimal(
        "1000.50"
    )

    sheet = pd.read_excel(report, engine="calamine", dtype=object)
    assert list(sheet.columns) == ["行号", "序号", *HEADERS, "原因代码", "原因说明"]
    assert sheet["行号"].tolist() == [3, 4, 5, 6, 7, 8]
    assert sheet["原因代码"].tolist() == list(REASONS)
    assert sheet["统一社会信用代码"].tolist()[0] == "91510703MA62QK7L2V"
    assert sheet["所属区县"].tolist()[3] == "成都市武侯区"
    assert all("统一社会信用代码" in m for m in sheet["原因说明"].iloc[[0, 5]])


def test_a_name_holding_a_nul_rejects_its_row_and_the_rest_is_imported(reference, tmp_path, city_official):
    """XlsxWriter stores a NUL as ``_x0000_``, which calamine reads back as a NUL: PostgreSQL refuses one in
    text, so a name holding it would have failed the whole file's write."""
    rows = [
        registry_row(1),
        registry_row(2, **{"企业名称": "绵阳空字符\x00科技有限公司"}),
        registry_row(3, **{"住所": "四川省绵阳市涪城区\x00某路3号"}),
        registry_row(4, **{"企业名称": "绵阳_x0000_科技有限公司"}),  # the escape as text, not a NUL
    ]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    record = RegistryImport(original_name="登记数据.xlsx", requested_by=city_official)
    record.file.save("upload.xlsx", ContentFile(path.read_bytes()), save=False)
    record.save()

    counts = registry_import_process(import_id=record.pk)

    record.refresh_from_db()
    assert record.status == RegistryImport.Status.DONE, record.error
    assert (counts["created"], counts["rejected"]) == (3, 1)
    assert counts["rejected_by_reason"] == {reason: int(reason == "name") for reason in REASONS}
    created = dict(Enterprise.objects.values_list("credit_code", "name"))
    assert sorted(created) == sorted(credit_code_for(n, area="510703") for n in (1, 3, 4))
    assert created[credit_code_for(4, area="510703")] == "绵阳_x0000_科技有限公司"
    assert Enterprise.objects.get(credit_code=credit_code_for(3, area="510703")).address == ""
    with record.error_report.open("rb") as report:
        sheet = pd.read_excel(report, engine="calamine", dtype=object)
    assert (sheet["行号"].tolist(), sheet["原因代码"].tolist()) == ([3], ["name"])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.xlsx", None, "缺少必需的列"),
        ("truncated.xlsx", "truncated", "Excel"),
        ("garbage.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50, "Excel"),
        ("page.xlsx", b"<!doctype html><html><body>not a workbook</body></html>", "Excel"),
        ("nothing.xlsx", "absent", "无法打开"),
        ("data.txt", b"hello", "只支持"),
    ],
)
def test_unreadable_file_writes_nothing(reference, tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        write_xlsx(path, [registry_row(1)], columns=[h for h in ["序号", *HEADERS] if h != "所属区县"])
    elif content == "truncated":
        data = SAMPLE.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif content != "absent":
        path.write_bytes(content)
    report = tmp_path / "errors.xlsx"
    with pytest.raises(CommandError, match=message):
        call_command("import_registry", str(path), "--json", "--errors-out", str(report), stdout=io.StringIO())
    assert Enterprise.objects.count() == 0
    assert not report.exists()


def test_missing_header_message_names_the_column(reference, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [registry_row(1)], columns=["序号", *HEADERS[:-1]])
    with pytest.raises(CommandError, match="登记状态"):
        call_command("import_registry", str(path), stdout=io.StringIO())


def test_csv_import(reference, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(pd.DataFrame([registry_row(1), registry_row(2)]).to_csv(index=False).encode("gb18030"))
    counts = run_json(path)
    assert (counts["rows"], counts["created"], counts["rejected"]) == (2, 2, 0)


# --- the service: one transaction, flat query count ----------------------------------------------


def _parsed(tmp_path, n: int, name: str):
    path = write_xlsx(tmp_path / name, [registry_row(i) for i in range(1, n + 1)])
    return registry_import_parse(source=path)


def _insert_batches(rows: int) -> int:
    # Django assumes SQLite's old limit of 999 parameters per query and splits bulk inserts;
    # PostgreSQL takes each batch of 1000 in one statement. The import itself adds no query per row.
    fields = inserted_fields(Enterprise)
    per_query = connection.ops.bulk_batch_size(fields, [None] * rows) or rows
    return math.ceil(rows / min(per_query, 1000))


def _history_batches(rows: int) -> int:
    # PostgreSQL: one INSERT … SELECT per chunk builds the records; SQLite: bulk_create's batches.
    if connection.vendor == "postgresql":
        return 1
    per_query = connection.ops.bulk_batch_size(inserted_fields(ChangeRecord), [None] * rows) or rows
    return math.ceil(rows / min(per_query, 1000))


def test_apply_query_count_does_not_grow_with_rows(reference, tmp_path, django_assert_max_num_queries):
    small, large = _parsed(tmp_path, 10, "small.xlsx"), _parsed(tmp_path, 500, "large.xlsx")
    assert len(large.valid) == 500
    base = 6  # savepoint, (advisory lock), existing rows, insert(s), history record(s), release
    with django_assert_max_num_queries(base + _insert_batches(10) + _history_batches(10) - 1):
        registry_import_apply(rows=small)
    Enterprise.objects.all().delete()
    with django_assert_max_num_queries(base + _insert_batches(500) + _history_batches(500) - 1):
        assert registry_import_apply(rows=large)["created"] == 500
    assert ChangeRecord.objects.filter(model="enterprises.enterprise", reason="登记库导入").count() == 510
    if connection.vendor == "postgresql":
        assert _insert_batches(500) == _insert_batches(10) == 1
    # Re-applying 500 unchanged rows: one read per chunk, no writes.
    with django_assert_max_num_queries(base):
        assert registry_import_apply(rows=large)["unchanged"] == 500


def test_copy_writes_exactly_what_bulk_create_would(reference, require_postgres):
    """PostgreSQL loads new rows with COPY; SQLite with bulk_create from ``registry_records``. On the
    dirty sample both must give the same values."""
    parsed = registry_import_parse(source=SAMPLE, filename=SAMPLE.name)
    registry_import_apply(rows=parsed)
    expected = {record["credit_code"]: record for record in registry_records(parsed.valid.assign(confirmed=True))}
    written = {row["credit_code"]: row for row in Enterprise.objects.values("credit_code", *REGISTRY_FIELDS)}
    assert written == expected
    assert len(written) == EXPECTED["created"]
    assert {None} < {row["cluster_id"] for row in written.values()}  # with and without a cluster


def test_copy_updates_exactly_what_bulk_update_would(reference, require_postgres, city_official):
    """PostgreSQL writes changed rows with COPY + UPDATE … FROM; SQLite with bulk_update from
    ``registry_records``. Changed text, dates, amounts (to and from empty) and districts all land."""
    parsed = registry_import_parse(source=SAMPLE, filename=SAMPLE.name)
    registry_import_apply(rows=parsed)
    valid = parsed.valid
    every_third = valid.index % 3 == 0
    valid.loc[every_third, "name"] = valid.loc[every_third, "name"] + "（更名）"
    valid.loc[every_third, "established_on"] = pd.Timestamp("2020-02-29")
    valid.loc[valid.index % 5 == 0, "registered_capital"] = float("nan")
    valid.loc[valid.index % 7 == 0, "registered_capital"] = 1234.565
    valid.loc[valid.index % 11 == 0, "managing_district_id"] = District.objects.get(name="高新区").pk

    counts = registry_import_apply(rows=parsed, actor=city_official)

    assert counts["updated"] > len(valid) // 3 and counts["created"] == 0
    expected = {record["credit_code"]: record for record in registry_records(valid.assign(confirmed=True))}
    written = {row["credit_code"]: row for row in Enterprise.objects.values("credit_code", *REGISTRY_FIELDS)}
    assert written == expected
    assert Enterprise.objects.filter(updated_by=city_official).count() == counts["updated"]


def test_apply_is_one_transaction(reference, tmp_path):
    """The database refuses the update of a known enterprise after the new rows were written: none remain."""
    known = EnterpriseFactory(credit_code=credit_code_for(30, area="510703"), name="原名称")
    parsed = _parsed(tmp_path, 30, "r.xlsx")
    with (
        database_refuses(Enterprise, "UPDATE", when=f"NEW.credit_code = '{known.credit_code}'") as refusal,
        pytest.raises(IntegrityError, match=REFUSAL_MESSAGE),
    ):
        registry_import_apply(rows=parsed)
    assert refusal.rows == 30  # the 29 new enterprises had been written
    assert list(Enterprise.objects.values_list("pk", "name")) == [(known.pk, "原名称")]


# --- the web flow ----------------------------------------------------------------------------------


def upload(client, name: str, content: bytes):
    return client.post(reverse("enterprises:import"), {"file": SimpleUploadedFile(name, content)})


def test_city_official_uploads_sees_progress_summary_and_downloads_report(
    reference, client, city_official, django_capture_on_commit_callbacks
):
    client.force_login(city_official)
    page = client.get(reverse("enterprises:import"))
    assert page.status_code == 200
    assert "上传并导入" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client, "registry_sample.xlsx", SAMPLE.read_bytes())
    assert len(callbacks) == 1
    record = RegistryImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:import_detail", args=[record.pk])
    record.refresh_from_db()
    assert record.status == RegistryImport.Status.DONE
    assert record.progress == 100
    assert record.requested_by == city_official
    assert record.counts == EXPECTED
    assert Enterprise.objects.count() == EXPECTED["created"]
    assert Enterprise.objects.filter(created_by=city_official).count() == EXPECTED["created"]
    assert Path(record.file.path).is_relative_to(Path(record.file.storage.location))

    detail = client.get(record.get_absolute_url()).content.decode()
    assert 'data-count="created">1890<' in detail
    assert 'data-reason="credit_code">43<' in detail
    assert 'data-district="涪城区">319<' in detail
    assert "hx-trigger" not in detail  # finished: no more polling
    partial = client.get(record.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'data-count="rejected">110<' in partial

    listing = client.get(reverse("enterprises:import")).content.decode()
    assert "registry_sample.xlsx" in listing

    report = client.get(reverse("enterprises:import_errors", args=[record.pk]))
    assert report.status_code == 200
    assert "attachment" in report["Content-Disposition"]
    sheet = pd.read_excel(io.BytesIO(b"".join(report.streaming_content)), engine="calamine", dtype=object)
    assert len(sheet) == EXPECTED["rejected"]
    assert export_recorded(city_official, "registry_import_errors")["rows"] == EXPECTED["rejected"]
    assert sheet["原因代码"].str.split(",").str[0].value_counts().to_dict() == EXPECTED["rejected_by_reason"]

    # Running the task again (a redelivered message) applies nothing twice.
    before = Enterprise.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    assert registry_import_run.apply(args=[record.pk]).get() == EXPECTED
    assert Enterprise.objects.order_by("-updated_at").values_list("updated_at", flat=True).first() == before


def test_running_import_polls(reference, client, city_official):
    record = RegistryImport.objects.create(
        file=SimpleUploadedFile("x.xlsx", b"PK"), original_name="x.xlsx", status="running", progress=50
    )
    client.force_login(city_official)
    body = client.get(record.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert 'aria-valuenow="50"' in body
    assert client.get(reverse("enterprises:import_errors", args=[record.pk])).status_code == 404


def test_an_error_report_whose_file_is_gone_is_404_and_not_recorded(reference, client, city_official):
    record = RegistryImport.objects.create(
        file=SimpleUploadedFile("x.xlsx", b"PK"), original_name="x.xlsx", status="done", counts={"rejected": 3}
    )
    record.error_report.save("errors.xlsx", ContentFile(b"PK"))
    record.error_report.storage.delete(record.error_report.name)
    client.force_login(city_official)
    assert client.get(reverse("enterprises:import_errors", args=[record.pk])).status_code == 404
    assert not SecurityEvent.objects.filter(target="registry_import_errors").exists()


def test_file_that_fails_in_the_task_is_marked_failed(
    reference, client, city_official, django_capture_on_commit_callbacks, tmp_path
):
    client.force_login(city_official)
    content = write_xlsx(tmp_path / "r.xlsx", [registry_row(1)], columns=["序号", *HEADERS[1:]]).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "r.xlsx", content)
    record = RegistryImport.objects.get()
    assert record.status == RegistryImport.Status.FAILED
    assert "统一社会信用代码" in record.error
    assert Enterprise.objects.count() == 0
    assert "统一社会信用代码" in client.get(record.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.xlsx", b"<!doctype html><html><body>login</body></html>"),
        ("zip.xlsx", b"PK\x03\x04not really a zip"),
        ("binary.csv", b"\x00\x01\x02\x03" * 10),
        ("page.csv", b"<html><body>x</body></html>"),
        ("registry.xls", b"\xd0\xcf\x11\xe0"),
    ],
)
def test_files_lying_about_their_type_are_refused(reference, client, city_official, name, content):
    client.force_login(city_official)
    response = upload(client, name, content)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not RegistryImport.objects.exists()


def test_oversized_upload_is_refused(reference, client, city_official, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    client.force_login(city_official)
    response = upload(client, "registry_sample.xlsx", SAMPLE.read_bytes())
    assert "文件过大" in response.content.decode()
    assert not RegistryImport.objects.exists()


@pytest.mark.parametrize("persona", ["district_official", "enterprise_user", "department_user"])
def test_other_roles_get_404(reference, persona_client, persona, city_official):
    record = RegistryImport.objects.create(
        file=SimpleUploadedFile("x.xlsx", b"PK"),
        original_name="x.xlsx",
        error_report=SimpleUploadedFile("e.xlsx", b"PK"),
    )
    client = persona_client(persona)
    for url in (
        reverse("enterprises:import"),
        reverse("enterprises:import_detail", args=[record.pk]),
        reverse("enterprises:import_errors", args=[record.pk]),
    ):
        assert client.get(url).status_code == 404
    assert upload(client, "registry_sample.xlsx", SAMPLE.read_bytes()).status_code == 404
    assert RegistryImport.objects.count() == 1


def test_anonymous_is_sent_to_login(reference, client):
    for url in (
        reverse("enterprises:import"),
        reverse("enterprises:import_detail", args=[1]),
        reverse("enterprises:import_errors", args=[1]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert upload(client, "r.xlsx", b"PK").status_code == 302
    assert not RegistryImport.objects.exists()
    assert District.objects.count() == 12
