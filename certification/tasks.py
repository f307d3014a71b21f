"""Nightly jobs of the recognition workflow (scheduled in settings.CELERY_BEAT_SCHEDULE).

Both call idempotent services with today's date in the portal's time zone, so a task that runs twice
(a retry, a late ack after a worker restart) changes nothing the second time.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from certification.services.registration import notice_batch_register_due, registration_expire_due

TASK_OPTIONS = {
    "acks_late": True,
    "soft_time_limit": 10 * 60,
    "time_limit": 15 * 60,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="certification.register_due_filings", **TASK_OPTIONS)
def register_due_filings() -> int:
    """Register the filings whose notice window has ended and that no objection holds; returns how many."""
    return len(notice_batch_register_due(today=timezone.localdate()))


@shared_task(name="certification.expire_registrations", **TASK_OPTIONS)
def expire_registrations() -> int:
    """Move registrations past their validity to expired; returns how many."""
    return registration_expire_due(today=timezone.localdate())
