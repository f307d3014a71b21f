"""The quota models arrive from certification, assistance and dashboards: state only, the tables were
renamed by those apps' migrations, and the content types follow so permissions stay attached."""

from decimal import Decimal

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = {"techsharesnapshot": "certification", "departmentsharesnapshot": "assistance", "quotarun": "dashboards",
         "quotaalert": "dashboards"}


def move_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model, old_app in MOVED.items():
        content_type.objects.filter(app_label=old_app, model=model).update(app_label="quotas")


def restore_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model, old_app in MOVED.items():
        content_type.objects.filter(app_label="quotas", model=model).update(app_label=old_app)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("enterprises", "0003_enterprise_indexes"),
        ("certification", "0007_move_tech_share_to_quotas"),
        ("assistance", "0004_move_department_share_to_quotas"),
        ("dashboards", "0002_move_quota_runs_to_quotas"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='TechShareSnapshot',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('scope_key', models.CharField(help_text='“city” 表示全市，否则为区县代码。', max_length=16, verbose_name='范围')),
                    ('as_of', models.DateField(verbose_name='统计日期')),
                    ('policy_year', models.PositiveSmallIntegerField(verbose_name='政策年度')),
                    ('newly_registered', models.PositiveIntegerField(default=0, verbose_name='新注册企业数')),
                    ('candidates', models.PositiveIntegerField(default=0, verbose_name='培育库企业数')),
                    ('filed', models.PositiveIntegerField(default=0, verbose_name='已申报企业数')),
                    ('recommended', models.PositiveIntegerField(default=0, verbose_name='已推荐企业数')),
                    ('registered', models.PositiveIntegerField(default=0, verbose_name='已入库企业数')),
                    ('share', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=7, verbose_name='科技型企业占比')),
                    ('target', models.DecimalField(decimal_places=4, max_digits=5, verbose_name='目标占比')),
                    ('met', models.BooleanField(default=False, verbose_name='已达标')),
                    ('short_by', models.PositiveIntegerField(default=0, verbose_name='差额（家）')),
                    ('breakdown', models.JSONField(blank=True, default=dict, verbose_name='构成')),
                    ('computed_at', models.DateTimeField(verbose_name='计算时间')),
                    ('district', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='enterprises.district', verbose_name='区县/功能区')),
                    ('closest_candidates', models.JSONField(blank=True, default=list, help_text='计算时该区县培育库中最接近评价条件的企业（全市范围为空）。', verbose_name='最接近评价条件的培育库企业')),
                ],
                options={
                    'verbose_name': '科技型企业占比快照',
                    'verbose_name_plural': '科技型企业占比快照',
                    'ordering': ['-as_of', 'scope_key'],
                    'indexes': [models.Index(fields=['as_of', 'scope_key'], name='tech_share_snapshot_day_scope')],
                    'constraints': [models.UniqueConstraint(fields=('scope_key', 'as_of'), name='tech_share_snapshot_once_per_scope_day')],
                },
            ),
            migrations.CreateModel(
                name='DepartmentShareSnapshot',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                    ('as_of', models.DateField(verbose_name='统计日期')),
                    ('agreements', models.PositiveIntegerField(default=0, verbose_name='帮扶协议数')),
                    ('new_agreements', models.PositiveIntegerField(default=0, verbose_name='新企业协议数')),
                    ('share', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=7, verbose_name='新企业占比')),
                    ('target', models.DecimalField(decimal_places=4, max_digits=5, verbose_name='目标占比')),
                    ('met', models.BooleanField(default=False, verbose_name='已达标')),
                    ('short_by', models.PositiveIntegerField(default=0, verbose_name='差额（家）')),
                    ('task', models.PositiveIntegerField(default=0, verbose_name='帮扶企业任务数')),
                    ('assisted_enterprises', models.PositiveIntegerField(default=0, verbose_name='已帮扶企业数')),
                    ('task_progress', models.DecimalField(decimal_places=4, default=Decimal('0'), max_digits=7, verbose_name='任务完成率')),
                    ('computed_at', models.DateTimeField(verbose_name='计算时间')),
                    ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='share_snapshots', to='assistance.department', verbose_name='部门')),
                ],
                options={
                    'verbose_name': '部门新企业占比快照',
                    'verbose_name_plural': '部门新企业占比快照',
                    'ordering': ['-as_of', 'department'],
                    'indexes': [models.Index(fields=['as_of', 'year'], name='department_share_day_year')],
                    'constraints': [models.UniqueConstraint(fields=('department', 'year', 'as_of'), name='department_share_snapshot_once_per_day')],
                },
            ),
            migrations.CreateModel(
                name='QuotaRun',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('as_of', models.DateField(verbose_name='统计日期')),
                    ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                    ('status', models.CharField(choices=[('queued', '排队中'), ('running', '进行中'), ('done', '已完成'), ('failed', '失败')], default='queued', max_length=10, verbose_name='状态')),
                    ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='进度（%）')),
                    ('stage', models.CharField(blank=True, max_length=100, verbose_name='当前阶段')),
                    ('error', models.TextField(blank=True, verbose_name='错误信息')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                    ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                    ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
                ],
                options={
                    'verbose_name': '指标计算任务',
                    'verbose_name_plural': '指标计算任务',
                    'ordering': ['-created_at', '-id'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('progress__lte', 100)), name='quota_run_progress_at_most_100')],
                    'indexes': [],
                },
            ),
            migrations.CreateModel(
                name='QuotaAlert',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('scope_key', models.CharField(max_length=32, verbose_name='范围')),
                    ('kind', models.CharField(choices=[('tech_share', '科技型企业占比'), ('new_enterprise', '新企业帮扶占比')], max_length=16, verbose_name='类型')),
                    ('period', models.CharField(help_text='月份（如 2026-11）或年度（如 2026）。', max_length=10, verbose_name='周期')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ],
                options={
                    'verbose_name': '指标预警',
                    'verbose_name_plural': '指标预警',
                    'ordering': ['-created_at', '-id'],
                    'constraints': [models.UniqueConstraint(fields=('scope_key', 'kind', 'period'), name='quota_alert_once_per_period')],
                    'indexes': [],
                },
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
