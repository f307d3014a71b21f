"""TechShareSnapshot move to the quotas app: the table is renamed, the rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("certification", "0006_district_work_lists")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="TechShareSnapshot")],
            database_operations=[migrations.AlterModelTable(name="techsharesnapshot", table="quotas_techsharesnapshot")],
        ),
    ]
