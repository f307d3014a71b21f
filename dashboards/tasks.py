"""Celery tasks of the quota runs: both quota jobs, then the alerts, with progress on a QuotaRun.

Safe to run twice: the jobs upsert their snapshots, the alerts are inserted once per period, and a
run that is already done is not redone (a run that failed or was cut off is run again).
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.quota import department_share_compute
from certification.quota import tech_share_compute

from .alerts import quota_alerts_send
from .models import QuotaRun

TASK_OPTIONS = {
    "acks_late": True,
    "soft_time_limit": 20 * 60,
    "time_limit": 25 * 60,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


def _step(run_id: int, **fields) -> None:
    QuotaRun.objects.filter(pk=run_id).update(**fields)


def quota_run_process(*, run_id: int) -> dict:
    """Run both quota jobs and the alerts for the run's date and year, reporting progress on the run."""
    run = QuotaRun.objects.filter(pk=run_id).first()
    if run is None or run.status == QuotaRun.Status.DONE:
        return {"skipped": True}
    try:
        _step(run_id, status=QuotaRun.Status.RUNNING, progress=0, stage=_("计算科技型企业占比"), error="")
        districts = tech_share_compute(day=run.as_of, year=run.year)
        _step(run_id, progress=50, stage=_("计算部门新企业帮扶占比"))
        departments = department_share_compute(year=run.year, day=run.as_of)
        _step(run_id, progress=90, stage=_("发送未达标提醒"))
        alerts = quota_alerts_send(day=run.as_of, year=run.year)
    except Exception as error:
        _step(
            run_id,
            status=QuotaRun.Status.FAILED,
            stage=_("计算失败"),
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    _step(run_id, status=QuotaRun.Status.DONE, progress=100, stage=_("已完成"), finished_at=timezone.now())
    return {"tech_share_rows": districts, "department_rows": departments, "alerts": alerts}


@shared_task(name="dashboards.recompute_quotas", **TASK_OPTIONS)
def recompute_quotas(run_id: int) -> dict:
    """Recompute both quotas and send the alerts for one QuotaRun (the "recompute now" button)."""
    return quota_run_process(run_id=run_id)


@shared_task(name="dashboards.recompute_quotas_nightly", **TASK_OPTIONS)
def recompute_quotas_nightly() -> dict:
    """The nightly run (CELERY_BEAT_SCHEDULE "quotas-nightly"): today's snapshots of this year's policy."""
    today = timezone.localdate()
    run = QuotaRun.objects.create(as_of=today, year=today.year, stage=_("排队中"))
    return quota_run_process(run_id=run.pk)
