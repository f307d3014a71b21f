"""Admin of the stored year-end reports and of the runs that stored them: written by the nightly job, read-only
here."""

from django.contrib import admin

from smeportal.admin_mixins import ReadOnlyAdminMixin

from .models import YearReportRun, YearReportSnapshot


@admin.register(YearReportSnapshot)
class YearReportSnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written by the nightly job (dashboards.store_year_reports)."""

    list_display = ["year", "as_of", "computed_at"]


@admin.register(YearReportRun)
class YearReportRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each run of the nightly job, with its error when it failed (also on the background jobs page)."""

    list_display = ["created_at", "as_of", "status", "attempts", "started_at", "finished_at"]
    list_filter = ["status"]
