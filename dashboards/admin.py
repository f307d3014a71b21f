"""Admin of the stored year-end reports: written by the nightly job, read-only here."""

from django.contrib import admin

from smeportal.admin_mixins import ReadOnlyAdminMixin

from .models import YearReportSnapshot


@admin.register(YearReportSnapshot)
class YearReportSnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written by the nightly job (dashboards.store_year_reports)."""

    list_display = ["year", "as_of", "computed_at"]
