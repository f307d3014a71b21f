"""The nightly quota run: one run per night, which a redelivery or a retry of its message continues and counts
(README "Background jobs"), and the previous year's department figures settled as of its 31 December while
agreements of that year may still change, so that the dashboards agree with the year-end report.

No worker is killed here: the work raises what no ``except Exception`` of a task body catches, as a worker's
death leaves the run mid-way, and the task is called again as a redelivery would call it
(tests/quotas/test_worker_killed.py kills a real worker).
"""

import datetime as dt
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from assistance import services as assistance_services
from dashboards import tasks as dashboard_tasks
from quotas import tasks
from quotas.models import DepartmentShareSnapshot, QuotaRun
from tests import factories
from tests.quotas import quota_data
from tests.quotas.quota_data import DAY, YEAR

YEAR_END = dt.date(YEAR, 12, 31)
NEW_YEAR = dt.date(YEAR + 1, 1, 1)


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the task catches it, so the run is left as the kill left it."""


@pytest.fixture(autouse=True)
def attempts(settings):
    settings.JOB_MAX_ATTEMPTS = 3


def runs():
    return list(QuotaRun.objects.order_by("pk").values_list("as_of", "status", "attempts"))


# --- One run per night, every start counted ------------------------------------------------------------


def test_a_redelivered_nightly_run_continues_its_run_and_counts_the_second_start(db, today):
    today(DAY)
    with mock.patch.object(tasks, "tech_share_compute", side_effect=WorkerKilled), pytest.raises(WorkerKilled):
        tasks.recompute_quotas_nightly()  # the first delivery: the worker dies in the middle
    assert runs() == [(DAY, "running", 1)]

    result = tasks.recompute_quotas_nightly()  # the same message, delivered again to another worker

    assert runs() == [(DAY, "done", 2)]
    assert "skipped" not in result


def test_a_retry_after_a_database_error_continues_the_failed_run(db, today):
    today(DAY)
    with (
        mock.patch.object(tasks, "department_share_compute", side_effect=OperationalError("gone")),
        pytest.raises(OperationalError),
    ):
        tasks.recompute_quotas_nightly()
    assert runs() == [(DAY, "failed", 1)]
    tasks.recompute_quotas_nightly()  # autoretry_for: the same task, started again
    run = QuotaRun.objects.get()
    assert (run.status, run.attempts, run.error, run.progress) == ("done", 2, "", 100)


def test_a_nightly_run_that_keeps_killing_its_workers_is_failed_after_the_attempts(client, city_official, today):
    today(DAY)
    with mock.patch.object(tasks, "tech_share_compute", side_effect=WorkerKilled) as compute:
        for attempt in (1, 2, 3):
            with pytest.raises(WorkerKilled):
                tasks.recompute_quotas_nightly()
            assert runs() == [(DAY, "running", attempt)]
        assert tasks.recompute_quotas_nightly() == {"skipped": True, "gave_up": True}  # the fourth delivery
        assert tasks.recompute_quotas_nightly() == {"skipped": True, "gave_up": True}  # and any duplicate
    assert compute.call_count == 3
    run = QuotaRun.objects.get()
    assert (run.status, run.attempts) == ("failed", 5)
    assert run.error == "计算在 3 次尝试后仍未完成，已停止重试。请稍后重新计算，或联系管理员。"
    client.force_login(city_official)
    assert run.error in client.get(reverse("quotas:run", args=[run.pk])).content.decode()


def test_a_duplicate_of_a_done_night_is_not_redone_and_the_next_night_is_a_new_run(db, today):
    today(DAY)
    tasks.recompute_quotas_nightly()
    assert tasks.recompute_quotas_nightly() == {"skipped": True}
    next_day = today(DAY + dt.timedelta(days=1))
    tasks.recompute_quotas_nightly()
    assert runs() == [(DAY, "done", 1), (next_day, "done", 1)]


def test_an_officials_run_of_the_same_day_is_not_the_nights(db, today, city_official):
    today(DAY)
    theirs = QuotaRun.objects.create(as_of=DAY, year=YEAR, requested_by=city_official, status=QuotaRun.Status.RUNNING)
    tasks.recompute_quotas_nightly()
    nightly = QuotaRun.objects.exclude(pk=theirs.pk).get()
    assert (nightly.requested_by, nightly.status, nightly.attempts) == (None, "done", 1)
    assert QuotaRun.objects.get(pk=theirs.pk).attempts == 0


# --- The previous year, settled as of its last day ------------------------------------------------------


def department_agreements(department, year: int, as_of: dt.date) -> int:
    return DepartmentShareSnapshot.objects.get(department=department, year=year, as_of=as_of).agreements


@pytest.fixture
def signed_on_the_last_day(department, district, today):
    """One 2026 agreement in June; the 31 December nightly run; then one more signed and entered that evening."""
    quota_data.policy()
    first, last = quota_data.enterprises(district, 2, established_on=dt.date(2018, 1, 1))
    factories.AssistanceAgreementFactory(department=department, enterprise=first, signed_on=dt.date(YEAR, 6, 1))
    today(YEAR_END)
    tasks.recompute_quotas_nightly()
    factories.AssistanceAgreementFactory(department=department, enterprise=last, signed_on=YEAR_END)
    assert department_agreements(department, YEAR, YEAR_END) == 1  # set-up: computed at 02:15


def test_the_dashboards_department_figures_of_the_year_just_ended_agree_with_the_year_end_report(
    client, city_official, department, signed_on_the_last_day, today
):
    """RULES.md §5 counts a department's agreements of the year; the year-end report recounts them nightly, so the
    dashboard's table of the year must be settled by the nightly run too, after the year has ended."""
    today(NEW_YEAR)
    result = tasks.recompute_quotas_nightly()  # 02:15 on 1 January
    dashboard_tasks.store_year_reports()  # 02:45

    assert result["previous_year_department_rows"] == 1
    assert department_agreements(department, YEAR, YEAR_END) == 2
    client.force_login(city_official)
    dashboard = client.get(reverse("dashboards:city"), {"year": YEAR}).context
    report = client.get(reverse("dashboards:year_report"), {"year": YEAR}).context["report"]
    on_dashboard = {row.name: (row.agreements, row.as_of) for row in dashboard["departments"]}
    in_report = {row.name: row.agreements for row in report.departments}
    assert on_dashboard[department.name] == (in_report[department.name], YEAR_END) == (2, YEAR_END)


def test_an_agreement_of_the_open_year_entered_in_january_reaches_its_year_end_figures(
    department, department_user, district, signed_on_the_last_day, today
):
    """The service accepts agreements of the previous year until the city closes it."""
    (late,) = quota_data.enterprises(district, 1, established_on=dt.date(2018, 1, 1))
    today(dt.date(YEAR + 1, 1, 20))
    assistance_services.agreement_create(
        actor=department_user,
        department_id=department.pk,
        enterprise_id=late.pk,
        year=YEAR,
        signed_on=dt.date(YEAR, 12, 20),
        measures=["policy"],
        responsible_officer="李四",
    )
    tasks.recompute_quotas_nightly()
    assert department_agreements(department, YEAR, YEAR_END) == 3


def test_a_closed_year_is_settled_once_after_its_closing_then_left_alone(
    city_official, department, signed_on_the_last_day, today
):
    """Closing settles the agreements' "new" flags, which the year-end report counts: the night after the closing
    recomputes the year once more; from then on it can no longer change, and is not recomputed."""
    assistance_services.policy_close_year(actor=city_official, year=YEAR)
    today(NEW_YEAR)
    assert tasks.recompute_quotas_nightly()["previous_year_department_rows"] == 1
    settled = DepartmentShareSnapshot.objects.get(department=department, year=YEAR, as_of=YEAR_END)
    assert settled.agreements == 2

    today(NEW_YEAR + dt.timedelta(days=1))
    assert tasks.recompute_quotas_nightly()["previous_year_department_rows"] == 0
    again = DepartmentShareSnapshot.objects.get(pk=settled.pk)
    assert (again.agreements, again.computed_at) == (2, settled.computed_at)


def test_an_officials_recompute_computes_only_what_was_asked(db, department, signed_on_the_last_day, today):
    today(NEW_YEAR)
    run = QuotaRun.objects.create(as_of=NEW_YEAR, year=YEAR + 1)
    assert tasks.recompute_quotas.delay(run.pk).get()["previous_year_department_rows"] == 0
    assert department_agreements(department, YEAR, YEAR_END) == 1
