from django.db import transaction

from .models import Department


@transaction.atomic
def departments_load(*, departments: list[dict]) -> int:
    """Upsert departments by code, keeping their order from the file. Idempotent."""
    Department.objects.bulk_create(
        [Department(sort_order=i, **row) for i, row in enumerate(departments)],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "sort_order"],
    )
    return len(departments)
