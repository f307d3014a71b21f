"""Celery tasks of the assistance app: they take ids and call a service; safe to run twice."""

from celery import shared_task

from .import_services import agreement_import_validate


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=29 * 60)
def agreement_import_run(import_id: int) -> None:
    """Validate an uploaded agreements file for the preview (writes no agreement)."""
    agreement_import_validate(import_id=import_id)
