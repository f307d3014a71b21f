"""Celery tasks of the enterprises app: they take ids and call a service; safe to run twice."""

from celery import shared_task

from enterprises.services.registry import registry_import_process


@shared_task(bind=True, acks_late=True, time_limit=30 * 60, soft_time_limit=29 * 60)
def registry_import_run(self, import_id: int) -> dict:
    """Run an uploaded registry import; a finished import is not applied again."""
    return registry_import_process(import_id=import_id)
