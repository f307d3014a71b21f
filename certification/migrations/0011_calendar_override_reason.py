# Calendar overrides say why; the deadlines they move keep a record.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certification', '0010_spot_checks'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name='calendaroverride', old_name='note', new_name='reason'),
        migrations.AlterField(
            model_name='calendaroverride',
            name='reason',
            field=models.CharField(help_text='如：国务院办公厅关于节假日安排的通知，或市政府临时通知。', max_length=200, verbose_name='调整理由'),
        ),
        migrations.CreateModel(
            name='DeadlineChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('old_date', models.DateField(verbose_name='原截止日期')),
                ('new_date', models.DateField(verbose_name='新截止日期')),
                ('override_date', models.DateField(verbose_name='调整的日期')),
                ('override_kind', models.CharField(choices=[('holiday', '放假'), ('working_day', '上班（调休）')], max_length=12, verbose_name='调整类型')),
                ('override_removed', models.BooleanField(default=False, verbose_name='撤销该调整')),
                ('reason', models.CharField(max_length=200, verbose_name='调整理由')),
                ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='deadline_changes', to='certification.noticebatch', verbose_name='公示批次')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('revocation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='deadline_changes', to='certification.revocation', verbose_name='撤销程序')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='更新人')),
            ],
            options={
                'verbose_name': '期限调整记录',
                'verbose_name_plural': '期限调整记录',
                'ordering': ['created_at', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('batch__isnull', False), ('revocation__isnull', True)), models.Q(('batch__isnull', True), ('revocation__isnull', False)), _connector='OR'), name='deadline_change_one_subject'), models.CheckConstraint(condition=models.Q(('old_date', models.F('new_date')), _negated=True), name='deadline_change_moves')],
            },
        ),
    ]
