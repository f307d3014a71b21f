"""The background jobs page (dashboards/jobs.py, dashboards/job_views.py): every kind of job in one list for
city officials, with state, duration and error; filtered, sorted, paginated in a fixed number of queries."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from assistance.models import AgreementImport
from certification.models import SpotCheckDraw
from dashboards.jobs import background_jobs, job
from dashboards.models import YearReportRun
from enterprises.models import RegistryImport
from quotas.models import QuotaRun
from tests.helpers import export_recorded

URL = reverse("dashboards:jobs")
NOW = timezone.now().replace(microsecond=0)


def at(minutes: int) -> dt.datetime:
    return NOW - dt.timedelta(minutes=minutes)


@pytest.fixture
def jobs(city_official, department, department_user):
    city_official.first_name, city_official.last_name = "市", "管理员"
    city_official.save()
    registry = RegistryImport.objects.create(
        original_name="登记数据.xlsx",
        requested_by=city_official,
        status=RegistryImport.Status.FAILED,
        error="第 3 行：统一社会信用代码校验位错误",
        started_at=at(30),
        finished_at=at(30) + dt.timedelta(seconds=12),
    )
    agreement = AgreementImport.objects.create(
        department=department,
        original_name="协议.xlsx",
        requested_by=department_user,
        status=AgreementImport.Status.PREVIEW,
        started_at=at(20),
        finished_at=at(20) + dt.timedelta(seconds=3),
    )
    quota = QuotaRun.objects.create(
        as_of=dt.date(2026, 6, 30),
        year=2026,
        status=QuotaRun.Status.DONE,
        started_at=at(10),
        finished_at=at(10) + dt.timedelta(minutes=25, seconds=20),
    )
    running = QuotaRun.objects.create(
        as_of=dt.date(2026, 7, 31), year=2026, status=QuotaRun.Status.RUNNING, progress=50
    )
    draw = SpotCheckDraw.objects.create(
        year=2026, share=Decimal("0.05"), seed=42, population=40, excluded=2, drawn=2, drawn_at=at(5)
    )
    # created_at is set on insert: place each job at its start, as it would have been created.
    RegistryImport.objects.filter(pk=registry.pk).update(created_at=at(31))
    AgreementImport.objects.filter(pk=agreement.pk).update(created_at=at(21))
    QuotaRun.objects.filter(pk=quota.pk).update(created_at=at(11))
    QuotaRun.objects.filter(pk=running.pk).update(created_at=at(1))
    return {"registry": registry, "agreement": agreement, "quota": quota, "running": running, "draw": draw}


def rows(response) -> list[tuple[str, str]]:
    return [(job.kind, job.state) for job in response.context["page"].object_list]


def test_every_kind_in_one_list_newest_first(client, city_official, jobs):
    client.force_login(city_official)
    response = client.get(URL)
    assert response.status_code == 200
    assert rows(response) == [
        ("quota_run", "running"),
        ("spot_check_draw", "done"),
        ("quota_run", "done"),
        ("agreement_import", "done"),
        ("registry_import", "failed"),
    ]
    page = response.content.decode()
    assert "第 3 行：统一社会信用代码校验位错误" in page  # the error
    assert "0:25:20" in page and "0:00:12" in page  # durations
    assert "待确认" in page  # the agreement import's own status
    assert "市 管理员" in page  # who asked, by name
    assert page.count('data-testid="job-progress"') == 1 and 'data-testid="job-progress">50%<' in page  # running
    assert reverse("enterprises:import_detail", args=[jobs["registry"].pk]) in page
    assert reverse("quotas:run", args=[jobs["quota"].pk]) in page
    assert f"{reverse('certification:spot_checks')}?year=2026" in page


def test_filter_by_kind_and_state(client, city_official, jobs):
    client.force_login(city_official)
    assert rows(client.get(URL, {"kind": "quota_run"})) == [("quota_run", "running"), ("quota_run", "done")]
    assert rows(client.get(URL, {"state": "failed"})) == [("registry_import", "failed")]
    assert rows(client.get(URL, {"state": "done", "kind": "agreement_import"})) == [("agreement_import", "done")]
    assert rows(client.get(URL, {"state": "running"})) == [("quota_run", "running")]


def test_sorted_by_a_column(client, city_official, jobs):
    client.force_login(city_official)
    by_duration = [job.job_id for job in client.get(URL, {"sort": "duration"}).context["page"].object_list]
    # Longest first; the jobs without a duration (running, a draw) last, newest first.
    assert by_duration == [jobs[name].pk for name in ("quota", "registry", "agreement", "running", "draw")]
    kinds = [kind for kind, _ in rows(client.get(URL, {"sort": "kind"}))]
    assert kinds == sorted(kind for kind, _ in rows(client.get(URL)))
    assert rows(client.get(URL, {"sort": "state"}))[0][1] == "done"
    assert client.get(URL, {"sort": "nonsense"}).status_code == 200  # an unknown choice: the default order


def test_paginated_in_a_fixed_number_of_queries(client, city_official, jobs, django_assert_max_num_queries):
    client.force_login(city_official)
    with django_assert_max_num_queries(6):
        first = client.get(URL)
    few = len(first.context["page"].object_list)
    RegistryImport.objects.bulk_create(
        [RegistryImport(original_name=f"{n}.xlsx", status=RegistryImport.Status.DONE) for n in range(60)]
    )
    with django_assert_max_num_queries(6):
        first = client.get(URL)
    assert few == 5 and len(first.context["page"].object_list) == 50 and first.context["page"].has_next
    second = client.get(URL, {"page": 2})
    assert len(second.context["page"].object_list) == 65 - 50 and not second.context["page"].has_next
    assert client.get(URL, {"page": 3}).status_code == 404
    assert client.get(URL, {"page": "x"}).status_code == 404


@pytest.mark.parametrize(
    "persona", ["district_official", "department_user", "enterprise_user", "other_district_official"]
)
def test_other_roles_get_404(client, request, persona, jobs):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404


def test_the_selector_on_its_own(jobs):
    assert background_jobs(kind="spot_check_draw").count() == 1
    assert [row["kind"] for row in background_jobs(state="failed")] == ["registry_import"]
    assert [job(row).state for row in background_jobs(kind="agreement_import")] == ["done"]


def test_the_nightly_year_report_runs_are_listed_with_their_errors(client, city_official):
    failed = YearReportRun.objects.create(
        as_of=dt.date(2026, 12, 1),
        status=YearReportRun.Status.FAILED,
        error="OperationalError: 数据库连接中断",
        started_at=at(60 * 24),
        finished_at=at(60 * 24) + dt.timedelta(seconds=4),
    )
    done = YearReportRun.objects.create(
        as_of=dt.date(2026, 12, 2), status=YearReportRun.Status.DONE, started_at=at(10), finished_at=at(9)
    )
    YearReportRun.objects.filter(pk=failed.pk).update(created_at=at(60 * 24))
    client.force_login(city_official)
    response = client.get(URL, {"kind": "year_report_run"})
    assert [(job.job_id, job.state, job.elapsed) for job in response.context["page"].object_list] == [
        (done.pk, "done", "0:01:00"),
        (failed.pk, "failed", "0:00:04"),
    ]
    page = response.content.decode()
    assert "年度工作总结统计" in page and "OperationalError: 数据库连接中断" in page
    assert reverse("dashboards:year_report") in page
    assert rows(client.get(URL, {"state": "failed"})) == [("year_report_run", "failed")]


def test_the_list_is_counted_and_exported_as_filtered_and_sorted(client, city_official, jobs):
    client.force_login(city_official)
    assert client.get(URL).context["total"] == 5
    page = client.get(URL, {"kind": "quota_run"})
    assert (page.context["total"], page.context["total_over"]) == (2, False)
    assert 'data-total="2"' in page.content.decode()
    assert f'href="{reverse("dashboards:jobs_export")}?kind=quota_run"' in page.content.decode()

    response = client.get(reverse("dashboards:jobs_export"), {"state": "failed"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert header[:3] == ("任务类型", "对象", "状态") and header[-2:] == ("耗时", "错误信息")
    assert [row[:4] for row in rows] == [("登记数据导入", "登记数据.xlsx", "失败", "市 管理员")]
    assert rows[0][-2:] == ("0:00:12", "第 3 行：统一社会信用代码校验位错误")
    assert export_recorded(city_official, "background_jobs") == {
        "path": reverse("dashboards:jobs_export"),
        "filters": {"state": "failed"},
        "rows": 1,
    }
    by_duration = client.get(reverse("dashboards:jobs_export"), {"sort": "duration"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(by_duration.streaming_content)), read_only=True).active
    assert [row[-2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "0:25:20",
        "0:00:12",
        "0:00:03",
        None,  # running, and a draw: no duration
        None,
    ]
