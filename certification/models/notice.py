"""Public notice (公示): the batches, the real-name objections, and officials' calendar overrides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certification.models.filing import Application
from smeportal.models import TrackedModel
from smeportal.uploads import random_stored_name


class NoticeBatch(TrackedModel):
    """A public notice (公示) of recommended filings for 10 working days, start and end inclusive."""

    title = models.CharField(_("标题"), max_length=200)
    start_date = models.DateField(_("公示开始日期"))
    end_date = models.DateField(_("公示截止日期"), help_text=_("按官方工作日历（含调休）自开始日起第10个工作日。"))
    published = models.BooleanField(_("已发布"), default=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("公示批次")
        verbose_name_plural = _("公示批次")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="notice_batch_dates"),
        ]

    def __str__(self):
        return self.title

    def is_open_on(self, day) -> bool:
        return self.published and self.start_date <= day <= self.end_date


class CalendarOverride(TrackedModel):
    """A day officials declare a holiday or a working day, for schedules the holidays package lacks."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKING_DAY = "working_day", _("上班（调休）")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    reason = models.CharField(
        _("调整理由"), max_length=200, help_text=_("如：国务院办公厅关于节假日安排的通知，或市政府临时通知。")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


def _evidence_path(instance, filename: str) -> str:
    return f"objections/{random_stored_name(filename)}"


class Objection(TrackedModel):
    """A real-name objection to a filing under public notice; an open one holds its registration."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.PROTECT, related_name="objections"
    )
    batch = models.ForeignKey(
        NoticeBatch, verbose_name=_("公示批次"), on_delete=models.PROTECT, related_name="objections"
    )
    objector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("异议人账号"), on_delete=models.PROTECT, related_name="+"
    )
    real_name = models.CharField(_("真实姓名"), max_length=50)
    contact = models.CharField(_("联系方式"), max_length=100)
    statement = models.TextField(_("异议内容"))
    evidence = models.FileField(_("证明材料"), upload_to=_evidence_path, max_length=200, blank=True)
    evidence_size = models.PositiveBigIntegerField(_("证明材料大小（字节）"), default=0)
    status = models.CharField(_("处理状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.TextField(_("处理意见"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        indexes = [models.Index(fields=["application", "status"])]

    def __str__(self):
        return f"{self.application} · {self.get_status_display()}"
