"""Quota runs: progress through both jobs and the alerts, no redo of a done run, and the "recompute now" pages."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse

from quotas import tasks
from quotas.models import DepartmentShareSnapshot, QuotaRun, TechShareSnapshot
from smeportal.models import Notification
from tests.quotas import quota_data
from tests.quotas.quota_data import DAY, YEAR


@pytest.fixture
def data(district, other_district, department, other_department):
    quota_data.tech_share_data(district, other_district)
    quota_data.department_share_data(department, other_department)


def test_a_run_computes_both_quotas_and_reports_progress(data):
    run = QuotaRun.objects.create(as_of=DAY, year=YEAR)
    seen = []  # the progress the run's page shows as each job starts, then at the end

    def watched(job):
        def run_job(**kwargs):
            seen.append(QuotaRun.objects.get(pk=run.pk).progress)
            return job(**kwargs)

        return run_job

    with (
        mock.patch.object(tasks, "tech_share_compute", watched(tasks.tech_share_compute)),
        mock.patch.object(tasks, "department_share_compute", watched(tasks.department_share_compute)),
        mock.patch.object(tasks, "quota_alerts_send", watched(tasks.quota_alerts_send)),
    ):
        result = tasks.recompute_quotas.delay(run.pk).get()
    run.refresh_from_db()
    seen.append(run.progress)
    assert seen == [0, 50, 90, 100]
    assert (run.status, run.progress, run.error) == (QuotaRun.Status.DONE, 100, "")
    assert run.finished_at is not None
    # 涪城区, 市经信局 and the city summary alerted; the previous year is settled by the nightly run only.
    assert result == {"tech_share_rows": 4, "department_rows": 2, "previous_year_department_rows": 0, "alerts": 3}
    assert TechShareSnapshot.objects.filter(as_of=DAY).count() == 4
    assert DepartmentShareSnapshot.objects.filter(as_of=DAY, year=YEAR).count() == 2


def test_a_done_run_is_not_redone(data):
    run = QuotaRun.objects.create(as_of=DAY, year=YEAR)
    tasks.quota_run_process(run_id=run.pk)
    TechShareSnapshot.objects.all().delete()
    assert tasks.quota_run_process(run_id=run.pk) == {"skipped": True}
    assert not TechShareSnapshot.objects.exists()


def test_a_failing_run_is_marked_failed_and_can_run_again(data):
    run = QuotaRun.objects.create(as_of=DAY, year=YEAR)
    with (
        mock.patch.object(tasks, "department_share_compute", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        tasks.quota_run_process(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.progress) == (QuotaRun.Status.FAILED, 50) and "boom" in run.error
    tasks.quota_run_process(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.progress, run.error) == (QuotaRun.Status.DONE, 100, "")


def test_nightly_task_runs_for_today(data, city_official, settings):
    with mock.patch("django.utils.timezone.localdate", return_value=DAY):
        result = tasks.recompute_quotas_nightly.delay().get()
    run = QuotaRun.objects.get()
    assert (run.as_of, run.year, run.status, run.requested_by) == (DAY, YEAR, QuotaRun.Status.DONE, None)
    assert result["tech_share_rows"] == 4
    assert Notification.objects.filter(user=city_official).count() == 1
    assert settings.CELERY_BEAT_SCHEDULE["quotas-nightly"]["task"] == "quotas.recompute_quotas_nightly"


def test_city_official_recomputes_and_watches_progress(client, city_official, data, django_capture_on_commit_callbacks):
    client.force_login(city_official)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("quotas:recompute"), {"as_of": "2026-11-20", "year": "2026"})
    run = QuotaRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("quotas:run", args=[run.pk])
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert (run.requested_by, run.as_of, run.status) == (city_official, DAY, QuotaRun.Status.DONE)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'aria-valuenow="100"' in page.content.decode() and "hx-trigger" not in page.content.decode()


def test_progress_polls_until_done(client, city_official):
    run = QuotaRun.objects.create(as_of=DAY, year=YEAR, status=QuotaRun.Status.RUNNING, progress=50, stage="部门")
    client.force_login(city_official)
    page = client.get(reverse("quotas:run", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'aria-valuenow="50"' in page and "<html" in page
    partial = client.get(reverse("quotas:run", args=[run.pk]), headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert 'hx-trigger="every 1s"' in partial.content.decode()


def test_recompute_defaults_to_today(client, city_official):
    client.force_login(city_official)
    with mock.patch("quotas.views.timezone.localdate", return_value=dt.date(2027, 1, 5)):
        client.post(reverse("quotas:recompute"))
    run = QuotaRun.objects.get()
    assert (run.as_of, run.year, run.status) == (dt.date(2027, 1, 5), 2027, QuotaRun.Status.QUEUED)


@pytest.mark.parametrize(
    "persona", ["enterprise_user", "district_official", "other_district_official", "department_user"]
)
def test_others_get_404(persona_client, persona, city_official):
    run = QuotaRun.objects.create(as_of=DAY, year=YEAR)
    client = persona_client(persona)
    assert client.post(reverse("quotas:recompute")).status_code == 404
    assert client.get(reverse("quotas:run", args=[run.pk])).status_code == 404
    assert QuotaRun.objects.count() == 1


def test_anonymous_goes_to_login(client, db):
    run = QuotaRun.objects.create(as_of=DAY, year=YEAR)
    for response in (
        client.post(reverse("quotas:recompute")),
        client.get(reverse("quotas:run", args=[run.pk])),
    ):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("quotas:recompute")).status_code == 405
