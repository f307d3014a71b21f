"""The year-end report's stored figures and the runs that store them (the quota snapshots, and the quota runs,
are the quotas app's)."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from smeportal.models import BackgroundJob


class YearReportSnapshot(models.Model):
    """One evaluation year's year-end report (``dashboards.year_report``) as computed by the nightly job:
    counting a year's 100,000 filings, registrations, batches and agreements per district takes most of a
    second at a million enterprises, too long for a page, so the page and its workbook read these figures
    and say when they were computed. One row per year, replaced by each computation."""

    year = models.PositiveSmallIntegerField(_("评价年度"), unique=True)
    as_of = models.DateField(_("数据截至"))
    computed_at = models.DateTimeField(_("计算时间"))
    figures = models.JSONField(_("数据"), encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("年度工作总结数据")
        verbose_name_plural = _("年度工作总结数据")

    def __str__(self):
        return f"{self.year} ({self.as_of})"


class YearReportRun(BackgroundJob):
    """One run of the nightly job that stores the year-end reports, so that the background jobs page shows
    when it ran, how long it took and why it failed."""

    as_of = models.DateField(_("数据截至"))

    class Meta(BackgroundJob.Meta):
        verbose_name = _("年度工作总结统计任务")
        verbose_name_plural = _("年度工作总结统计任务")

    def __str__(self):
        return f"{self.as_of} · {self.get_status_display()}"
