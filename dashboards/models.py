"""Quota runs ("recompute now" with progress) and the alerts sent once per period (issue 5)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QuotaRun(models.Model):
    """One run of both quota jobs and the alerts, started by a city official or by the nightly beat."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    as_of = models.DateField(_("统计日期"))
    year = models.PositiveSmallIntegerField(_("年度"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    stage = models.CharField(_("当前阶段"), max_length=100, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("指标计算任务")
        verbose_name_plural = _("指标计算任务")
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="quota_run_progress_at_most_100"),
        ]

    def __str__(self):
        return f"{self.as_of} · {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class QuotaAlert(models.Model):
    """An alert sent for one scope, kind and period: the unique constraint makes it one per period."""

    class Kind(models.TextChoices):
        TECH_SHARE = "tech_share", _("科技型企业占比")
        NEW_ENTERPRISE = "new_enterprise", _("新企业帮扶占比")

    scope_key = models.CharField(_("范围"), max_length=32)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    period = models.CharField(_("周期"), max_length=10, help_text=_("月份（如 2026-11）或年度（如 2026）。"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("指标预警")
        verbose_name_plural = _("指标预警")
        constraints = [
            models.UniqueConstraint(fields=["scope_key", "kind", "period"], name="quota_alert_once_per_period"),
        ]

    def __str__(self):
        return f"{self.kind} · {self.scope_key} · {self.period}"
