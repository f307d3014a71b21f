"""Celery tasks of the quotas: each job alone, and a quota run (both jobs, then the alerts) with progress.

Safe to run twice: the jobs upsert their snapshots, the alerts are inserted once per period, and a
run that is already done is not redone (a run that failed or was cut off is run again). The nightly run
is found again by its day (:func:`nightly_run`), so a redelivery or a retry continues it and counts its start.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistance.models import QuotaPolicy
from smeportal.models import BackgroundJob

from .alerts import quota_alerts_send
from .department_share import department_share_compute
from .models import DepartmentShareSnapshot, QuotaRun
from .tech_share import tech_share_compute

# Every start counts, a retry after a database error as much as a redelivery after a worker died.
GAVE_UP = gettext_lazy("计算在 %(attempts)s 次尝试后仍未完成，已停止重试。请稍后重新计算，或联系管理员。")

TASK_OPTIONS = {
    "acks_late": True,
    "soft_time_limit": 20 * 60,
    "time_limit": 25 * 60,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


def nightly_run(model: type[BackgroundJob], **day) -> BackgroundJob:
    """The run of a nightly task for ``day`` (the run's date fields): the one an earlier delivery of the same
    night's message created, whether its worker was killed, it failed and is retried, or it is done, so that
    :meth:`~smeportal.models.BackgroundJob.begin` counts every start on one row; a new run the first time.
    The beat sends one message a night, and nobody requests these runs, so the day is the message's key."""
    earlier = model.objects.filter(requested_by=None, **day).order_by("-pk").first()
    return earlier or model.objects.create(stage=_("排队中"), **day)


def previous_year_department_share(year: int) -> int:
    """Recompute the departments' figures of the year before ``year`` as of its 31 December, so that the
    dashboards' last snapshot of that year counts what the year-end report, recounted nightly, counts: while the
    year is open (its agreements may still be entered), and once more after it is closed (closing settles the
    agreements' "new" flags). Returns the rows written, 0 once a recompute after the closing is stored."""
    previous = year - 1
    last_day = dt.date(previous, 12, 31)
    policy = QuotaPolicy.for_year(previous)
    if policy.closed:
        settled = DepartmentShareSnapshot.objects.filter(year=previous, as_of=last_day)
        if policy.closed_at is None or settled.filter(computed_at__gt=policy.closed_at).exists():
            return 0
    return department_share_compute(year=previous, day=last_day)


def quota_run_process(*, run_id: int, settle_previous_year: bool = False) -> dict:
    """Run both quota jobs and the alerts for the run's date and year, reporting progress on the run; with
    ``settle_previous_year`` (the nightly run), also :func:`previous_year_department_share`."""
    run, skipped = QuotaRun.begin(run_id, gave_up=GAVE_UP)
    if skipped:
        return skipped
    with QuotaRun.running(run_id, stage=_("计算科技型企业占比")):
        districts = tech_share_compute(day=run.as_of, year=run.year)
        QuotaRun.report(run_id, progress=50, stage=_("计算部门新企业帮扶占比"))
        departments = department_share_compute(year=run.year, day=run.as_of)
        previous = previous_year_department_share(run.year) if settle_previous_year else 0
        QuotaRun.report(run_id, progress=90, stage=_("发送未达标提醒"))
        alerts = quota_alerts_send(day=run.as_of, year=run.year)
    return {
        "tech_share_rows": districts,
        "department_rows": departments,
        "previous_year_department_rows": previous,
        "alerts": alerts,
    }


@shared_task(name="quotas.recompute_quotas", **TASK_OPTIONS)
def recompute_quotas(run_id: int) -> dict:
    """Recompute both quotas and send the alerts for one QuotaRun (the "recompute now" button)."""
    return quota_run_process(run_id=run_id)


@shared_task(name="quotas.recompute_quotas_nightly", **TASK_OPTIONS)
def recompute_quotas_nightly() -> dict:
    """The nightly run (CELERY_BEAT_SCHEDULE "quotas-nightly"): today's snapshots of this year's policy, and the
    previous year's department figures as of its last day while that year is open."""
    today = timezone.localdate()
    run = nightly_run(QuotaRun, as_of=today, year=today.year)
    return quota_run_process(run_id=run.pk, settle_previous_year=True)


@shared_task(name="quotas.compute_tech_share", **TASK_OPTIONS)
def compute_tech_share(day_iso: str, year: int | None = None) -> int:
    """Upsert the tech-share snapshots of every district and the city as of the day; returns the rows."""
    return tech_share_compute(day=dt.date.fromisoformat(day_iso), year=year)


@shared_task(name="quotas.compute_department_share", **TASK_OPTIONS)
def compute_department_share(year: int, day_iso: str) -> int:
    """Upsert every department's new-enterprise share snapshot of the year as of the day; returns the rows."""
    return department_share_compute(year=int(year), day=dt.date.fromisoformat(day_iso))
