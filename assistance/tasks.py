"""Celery tasks of the assistance app: they take ids and call a service; safe to run twice."""

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from .import_services import agreement_import_validate
from .quota import department_share_compute


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=29 * 60)
def agreement_import_run(import_id: int) -> None:
    """Validate an uploaded agreements file for the preview (writes no agreement)."""
    agreement_import_validate(import_id=import_id)


@shared_task(
    name="assistance.compute_department_share",
    acks_late=True,
    soft_time_limit=10 * 60,
    time_limit=15 * 60,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    retry_jitter=True,
    max_retries=5,
)
def compute_department_share(year: int, day_iso: str) -> int:
    """Upsert every department's new-enterprise share snapshot of the year as of the day; returns the rows."""
    return department_share_compute(year=int(year), day=dt.date.fromisoformat(day_iso))
