"""Celery task of the dashboards: the year-end reports, stored nightly (CELERY_BEAT_SCHEDULE "year-reports"),
each run recorded as a background job.

Safe to run twice: the reports are replaced year by year, and a run that is already done is not redone; a
redelivery or a retry of the night's message continues the night's run (``quotas.tasks.nightly_run``).
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from quotas.tasks import GAVE_UP, TASK_OPTIONS, nightly_run

from .models import YearReportRun
from .year_report import year_reports_store


def year_report_run_process(*, run_id: int) -> dict:
    """Store the year-end reports as of the run's date, reporting on the run."""
    run, skipped = YearReportRun.begin(run_id, gave_up=GAVE_UP)
    if skipped:
        return skipped
    with YearReportRun.running(run_id, stage=_("统计年度工作总结")):
        years = year_reports_store(run.as_of)
    return {"years": years}


def year_report_run(as_of) -> dict:
    """A new run as of ``as_of``, processed now: the demo's, after seeding data the stored reports must count
    even when the night's run of that day is done."""
    run = YearReportRun.objects.create(as_of=as_of, stage=_("排队中"))
    return year_report_run_process(run_id=run.pk)


@shared_task(name="dashboards.store_year_reports", **TASK_OPTIONS)
def store_year_reports() -> dict:
    """Count and store the year-end report of every year the report page offers, as of today."""
    run = nightly_run(YearReportRun, as_of=timezone.localdate())
    return year_report_run_process(run_id=run.pk)
