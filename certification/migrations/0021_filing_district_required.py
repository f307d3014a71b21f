# The filing's copy of its enterprise's district becomes required once 0020 has filled it (a separate
# migration: PostgreSQL will not alter a table with the fill's foreign-key checks still pending).

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certification', '0020_filing_keeps_its_district'),
    ]

    operations = [
        migrations.AlterField(
            model_name='application',
            name='managing_district',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enterprises.district', verbose_name='管理区县/功能区'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(models.F('managing_district'), django.db.models.functions.comparison.Coalesce('last_submitted_on', 'submitted_on'), models.F('id'), condition=models.Q(('state__in', ('submitted', 'on_site_check'))), include=('enterprise', 'submitted_on', 'last_submitted_on'), name='application_district_waiting'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(condition=models.Q(('state', 'under_notice')), fields=['managing_district', 'notice_batch'], include=('id', 'enterprise', 'submitted_on'), name='application_under_notice'),
        ),
    ]
