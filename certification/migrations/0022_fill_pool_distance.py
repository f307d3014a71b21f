"""Fill Enterprise.pool_distance, the pool's stored sort key, for every enterprise with a submitted filing
or an estimate: the rule of certification.selectors.pool.pool_distance_now as it stands here (pass
score 60), written out so the migration does not change with the code."""

from django.db import migrations
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Greatest

PASS_SCORE = 60


def fill(apps, schema_editor):
    Application = apps.get_model("certification", "Application")
    PoolEstimate = apps.get_model("certification", "PoolEstimate")
    Enterprise = apps.get_model("enterprises", "Enterprise")
    filed = Application.objects.filter(submitted_on__isnull=False)
    latest = (
        filed.filter(enterprise=OuterRef("pk"))
        .exclude(state="withdrawn")
        .order_by("-evaluation_year", "-submitted_on", "-pk")
    )
    score = Cast(KT("snapshot__evaluation__total_score"), IntegerField())
    distance = Case(
        When(snapshot__evaluation__eligible=True, then=Value(0)),
        default=Greatest(Value(PASS_SCORE) - Coalesce(score, Value(0)), Value(1)),
    )
    estimate = PoolEstimate.objects.filter(enterprise=OuterRef("pk")).values("distance")[:1]
    Enterprise.objects.filter(
        Q(pk__in=filed.values("enterprise_id")) | Q(pk__in=PoolEstimate.objects.values("enterprise_id"))
    ).update(
        pool_distance=Coalesce(
            Subquery(latest.annotate(v=distance).values("v")[:1]), Subquery(estimate), output_field=IntegerField()
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0021_filing_district_required"),
        ("enterprises", "0013_pool_distance"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
