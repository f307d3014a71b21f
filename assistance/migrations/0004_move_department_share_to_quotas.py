"""DepartmentShareSnapshot move to the quotas app: the table is renamed, the rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assistance", "0003_department_share_snapshot")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DepartmentShareSnapshot")],
            database_operations=[migrations.AlterModelTable(name="departmentsharesnapshot", table="quotas_departmentsharesnapshot")],
        ),
    ]
