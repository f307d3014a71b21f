"""The nightly year-end report run: one run per night, which a redelivery or a retry of its message continues and
counts, failed after JOB_MAX_ATTEMPTS starts (README "Background jobs"); the demo's own run is a new one.

No worker is killed here: the work raises what no ``except Exception`` of a task body catches, as a worker's
death leaves the run mid-way, and the task is called again as a redelivery would call it.
"""

import datetime as dt
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from dashboards import tasks
from dashboards.models import YearReportRun, YearReportSnapshot

DAY = dt.date(2026, 12, 2)


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the task catches it, so the run is left as the kill left it."""


@pytest.fixture(autouse=True)
def night(db, settings, today):
    settings.JOB_MAX_ATTEMPTS = 3
    today(DAY)


def runs():
    return list(YearReportRun.objects.order_by("pk").values_list("as_of", "status", "attempts"))


def test_a_redelivered_night_continues_its_run_and_counts_the_second_start():
    with mock.patch.object(tasks, "year_reports_store", side_effect=WorkerKilled), pytest.raises(WorkerKilled):
        tasks.store_year_reports()  # the first delivery: the worker dies in the middle
    assert runs() == [(DAY, "running", 1)]

    assert tasks.store_year_reports()["years"]  # the same message, delivered again to another worker

    assert runs() == [(DAY, "done", 2)]
    assert YearReportSnapshot.objects.exists()


def test_a_retry_after_a_database_error_continues_the_failed_run():
    with (
        mock.patch.object(tasks, "year_reports_store", side_effect=OperationalError("gone")),
        pytest.raises(OperationalError),
    ):
        tasks.store_year_reports()
    assert runs() == [(DAY, "failed", 1)]
    tasks.store_year_reports()  # autoretry_for: the same task, started again
    assert runs() == [(DAY, "done", 2)]
    assert YearReportRun.objects.get().error == ""


def test_a_night_that_keeps_killing_its_workers_is_failed_after_the_attempts(client, city_official):
    with mock.patch.object(tasks, "year_reports_store", side_effect=WorkerKilled) as store:
        for attempt in (1, 2, 3):
            with pytest.raises(WorkerKilled):
                tasks.store_year_reports()
            assert runs() == [(DAY, "running", attempt)]
        assert tasks.store_year_reports() == {"skipped": True, "gave_up": True}  # the fourth delivery
    assert store.call_count == 3
    run = YearReportRun.objects.get()
    assert (run.status, run.attempts) == ("failed", 4)
    assert run.error == "计算在 3 次尝试后仍未完成，已停止重试。请稍后重新计算，或联系管理员。"
    client.force_login(city_official)
    jobs = client.get(reverse("dashboards:jobs"), {"kind": "year_report_run"}).content.decode()
    assert run.error in jobs


def test_a_duplicate_of_a_done_night_is_not_redone_and_the_next_night_is_a_new_run(today):
    tasks.store_year_reports()
    assert tasks.store_year_reports() == {"skipped": True}
    next_day = today(DAY + dt.timedelta(days=1))
    tasks.store_year_reports()
    assert runs() == [(DAY, "done", 1), (next_day, "done", 1)]


def test_the_demo_counts_again_in_a_run_of_its_own():
    """The demo stores the reports after seeding new data, though the night's run of the day is done."""
    tasks.store_year_reports()
    YearReportSnapshot.objects.all().delete()
    assert tasks.year_report_run(DAY)["years"]
    assert runs() == [(DAY, "done", 1), (DAY, "done", 1)]
    assert YearReportSnapshot.objects.exists()
