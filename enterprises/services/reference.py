"""Loading the city's reference data: districts and zones, industry clusters (departments are assistance's)."""

from django.db import transaction

from enterprises.models import District, IndustryCluster


@transaction.atomic
def reference_data_load(*, districts: list[dict], clusters: list[dict]) -> dict[str, int]:
    """Upsert districts and clusters by code, keeping their order from the file. Idempotent."""
    District.objects.bulk_create(
        [District(sort_order=i, **row) for i, row in enumerate(districts)],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "kind", "sort_order"],
    )
    IndustryCluster.objects.bulk_create(
        [IndustryCluster(sort_order=i, **row) for i, row in enumerate(clusters)],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "industry_prefixes", "sort_order"],
    )
    return {"districts": len(districts), "clusters": len(clusters)}
