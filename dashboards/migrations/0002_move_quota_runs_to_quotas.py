"""QuotaRun, QuotaAlert move to the quotas app: the table is renamed, the rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_quota_run_alert")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="QuotaRun")],
            database_operations=[migrations.AlterModelTable(name="quotarun", table="quotas_quotarun")],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="QuotaAlert")],
            database_operations=[migrations.AlterModelTable(name="quotaalert", table="quotas_quotaalert")],
        ),
    ]
