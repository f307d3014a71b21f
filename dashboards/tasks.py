"""Celery task of the dashboards: the year-end reports, stored nightly (CELERY_BEAT_SCHEDULE "year-reports")."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from quotas.tasks import TASK_OPTIONS

from .year_report import year_reports_store


@shared_task(name="dashboards.store_year_reports", **TASK_OPTIONS)
def store_year_reports() -> list[int]:
    """Count and store the year-end report of every year the report page offers, as of today."""
    return year_reports_store(timezone.localdate())
