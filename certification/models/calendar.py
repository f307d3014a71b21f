"""What a calendar override did to the deadlines already running: one row per moved notice end or
defence deadline, kept for the batch page, the revocation pages and anyone who asks why a date changed."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from certification.models.notice import CalendarOverride, NoticeBatch
from certification.models.registration import Revocation
from smeportal.models import TrackedModel


class DeadlineChange(TrackedModel):
    """A notice end or a defence deadline moved by an official's calendar override (added or removed).

    The override's date, kind and reason are copied: a removed override leaves no row to point at."""

    batch = models.ForeignKey(
        NoticeBatch,
        verbose_name=_("公示批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadline_changes",
    )
    revocation = models.ForeignKey(
        Revocation,
        verbose_name=_("撤销程序"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadline_changes",
    )
    old_date = models.DateField(_("原截止日期"))
    new_date = models.DateField(_("新截止日期"))
    override_date = models.DateField(_("调整的日期"))
    override_kind = models.CharField(_("调整类型"), max_length=12, choices=CalendarOverride.Kind.choices)
    override_removed = models.BooleanField(_("撤销该调整"), default=False)
    reason = models.CharField(_("调整理由"), max_length=200)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("期限调整记录")
        verbose_name_plural = _("期限调整记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(batch__isnull=False, revocation__isnull=True)
                | Q(batch__isnull=True, revocation__isnull=False),
                name="deadline_change_one_subject",
            ),
            models.CheckConstraint(condition=~Q(old_date=F("new_date")), name="deadline_change_moves"),
        ]

    def __str__(self):
        return f"{self.old_date} → {self.new_date}"

    @property
    def cause(self) -> str:
        """The override in words, e.g. "2027-01-04 放假" or "撤销 2027-01-04 放假"."""
        label = f"{self.override_date:%Y-%m-%d} {self.get_override_kind_display()}"
        return f"{_('撤销')} {label}" if self.override_removed else label
