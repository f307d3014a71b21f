# The agreement's copy of its enterprise's district becomes required once 0012 has filled it (a separate
# migration: PostgreSQL will not alter a table with the fill's foreign-key checks still pending).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assistance', '0012_agreement_keeps_its_district'),
    ]

    operations = [
        migrations.AlterField(
            model_name='assistanceagreement',
            name='managing_district',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enterprises.district', verbose_name='管理区县/功能区'),
        ),
    ]
