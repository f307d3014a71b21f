"""The city's quota figures (RULES.md §5): the snapshots both jobs write, their runs and the alerts.

One snapshot row per scope and date (upserted, so a rerun changes nothing): the tech share of each
managing district and of the city, and each department's share of agreements with new enterprises.
A ``QuotaRun`` is one run of both jobs ("recompute now" or the nightly beat) with its progress;
a ``QuotaAlert`` records that a shortfall alert went out for a scope and period, so it goes once.
No snapshot is dated after today (:func:`check_snapshot_day`).
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.models import Department
from enterprises.models import District
from smeportal.models import BackgroundJob


def check_snapshot_day(day: dt.date) -> None:
    """Refuse a snapshot date after today (Asia/Shanghai), for "recompute now" and ``compute_quotas --date``: a
    day still to come has no figures (RULES.md §5 counts what happened by D), and a snapshot dated after the
    nightly ones would be the newest, the one every dashboard and workbench shows, until that day came."""
    today = timezone.localdate()
    if day > today:
        raise ValidationError(
            _("统计日期不能晚于今天（%(today)s）。"), code="future", params={"today": today.isoformat()}
        )


class QuotaRun(BackgroundJob):
    """One run of both quota jobs and the alerts, started by a city official or by the nightly beat."""

    as_of = models.DateField(_("统计日期"))
    year = models.PositiveSmallIntegerField(_("年度"))

    class Meta(BackgroundJob.Meta):
        verbose_name = _("指标计算任务")
        verbose_name_plural = _("指标计算任务")

    def __str__(self):
        return f"{self.as_of} · {self.get_status_display()}"


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


class TechShareSnapshot(models.Model):
    """The tech share (RULES.md §5) of one scope (a managing district, or the whole city) as of a date.

    Written by :func:`quotas.tech_share.tech_share_compute` as one upsert per run: one row per
    scope and date, so a rerun updates the same rows (only ``computed_at`` changes when nothing else did).
    """

    CITY = "city"

    scope_key = models.CharField(_("范围"), max_length=16, help_text=_("“city” 表示全市，否则为区县代码。"))
    district = models.ForeignKey(
        District, verbose_name=_("区县/功能区"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    as_of = models.DateField(_("统计日期"))
    policy_year = models.PositiveSmallIntegerField(_("政策年度"))
    newly_registered = models.PositiveIntegerField(_("新注册企业数"), default=0)
    candidates = models.PositiveIntegerField(
        _("培育库待申报企业数"),
        default=0,
        help_text=_("计算时该范围培育库中尚未申报本年度评价、也无有效入库登记的企业（不限新注册企业）。"),
    )
    filed = models.PositiveIntegerField(_("已申报企业数"), default=0)
    recommended = models.PositiveIntegerField(_("已推荐企业数"), default=0)
    registered = models.PositiveIntegerField(
        _("已入库企业数"), default=0, help_text=_("基准年度以来入库且截至统计日期未被撤销的企业（含已过有效期）。")
    )
    valid_registrations = models.PositiveIntegerField(
        _("有效期内入库企业数"), default=0, help_text=_("统计日期当天入库登记仍在有效期内的企业。")
    )
    share = models.DecimalField(_("科技型企业占比"), max_digits=7, decimal_places=4, default=Decimal(0))
    target = models.DecimalField(_("目标占比"), max_digits=5, decimal_places=4)
    met = models.BooleanField(_("已达标"), default=False)
    short_by = models.PositiveIntegerField(_("差额（家）"), default=0)
    breakdown = models.JSONField(_("构成"), default=dict, blank=True)
    closest_candidates = models.JSONField(
        _("最接近评价条件的培育库企业"),
        default=list,
        blank=True,
        help_text=_("计算时该区县培育库中最接近评价条件的企业（全市范围为空）。"),
    )
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        ordering = ["-as_of", "scope_key"]
        verbose_name = _("科技型企业占比快照")
        verbose_name_plural = _("科技型企业占比快照")
        constraints = [
            models.UniqueConstraint(fields=["scope_key", "as_of"], name="tech_share_snapshot_once_per_scope_day"),
        ]
        indexes = [models.Index(fields=["as_of", "scope_key"], name="tech_share_snapshot_day_scope")]

    def __str__(self):
        return f"{self.scope_key} · {self.as_of}: {self.registered}/{self.newly_registered}"

    @property
    def is_city(self) -> bool:
        return self.scope_key == self.CITY


class DepartmentShareSnapshot(models.Model):
    """A department's new-enterprise share and task progress of one year as of a date (RULES.md §5).

    Written by :func:`quotas.department_share.department_share_compute` as one upsert per run.
    """

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="share_snapshots"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    as_of = models.DateField(_("统计日期"))
    agreements = models.PositiveIntegerField(_("帮扶协议数"), default=0)
    new_agreements = models.PositiveIntegerField(_("新企业协议数"), default=0)
    share = models.DecimalField(_("新企业占比"), max_digits=7, decimal_places=4, default=Decimal(0))
    target = models.DecimalField(_("目标占比"), max_digits=5, decimal_places=4)
    met = models.BooleanField(_("已达标"), default=False)
    short_by = models.PositiveIntegerField(_("差额（家）"), default=0)
    task = models.PositiveIntegerField(_("帮扶企业任务数"), default=0)
    assisted_enterprises = models.PositiveIntegerField(_("已帮扶企业数"), default=0)
    task_progress = models.DecimalField(_("任务完成率"), max_digits=7, decimal_places=4, default=Decimal(0))
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        ordering = ["-as_of", "department"]
        verbose_name = _("部门新企业占比快照")
        verbose_name_plural = _("部门新企业占比快照")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "as_of"], name="department_share_snapshot_once_per_day"
            ),
        ]
        indexes = [models.Index(fields=["as_of", "year"], name="department_share_day_year")]

    def __str__(self):
        return f"{self.department} · {self.year} · {self.as_of}: {self.new_agreements}/{self.agreements}"
