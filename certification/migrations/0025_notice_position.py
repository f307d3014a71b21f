from django.db import migrations, models


def number_batches(apps, schema_editor):
    """Each batch's filings numbered in the order its public pages sorted them until now."""
    Application = apps.get_model("certification", "Application")
    batch_ids = Application.objects.filter(notice_batch__isnull=False).values_list("notice_batch_id", flat=True)
    for batch_id in sorted(set(batch_ids)):
        ids = Application.objects.filter(notice_batch_id=batch_id).order_by(
            "enterprise__managing_district__sort_order", "enterprise__name", "id"
        )
        numbered = [Application(pk=pk, notice_position=n) for n, pk in enumerate(ids.values_list("pk", flat=True), 1)]
        Application.objects.bulk_update(numbered, ["notice_position"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0024_recommended_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="notice_position",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                help_text="按区县、企业名称排序，公示时确定。",
                null=True,
                verbose_name="公示名单序号",
            ),
        ),
        migrations.RunPython(number_batches, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                fields=("notice_batch", "notice_position"), name="application_notice_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("notice_position__isnull", True),
                    models.Q(("notice_batch__isnull", False), ("notice_position__gte", 1)),
                    _connector="OR",
                ),
                name="application_notice_position_in_a_batch",
            ),
        ),
    ]
