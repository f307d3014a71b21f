"""Admin of quota runs, alerts and snapshots; all written by the jobs, read-only here."""

from django.contrib import admin

from .models import DepartmentShareSnapshot, QuotaAlert, QuotaRun, TechShareSnapshot


@admin.register(QuotaRun)
class QuotaRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "as_of", "year", "status", "progress", "requested_by", "finished_at"]
    list_filter = ["status", "year"]
    list_select_related = ["requested_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuotaAlert)
class QuotaAlertAdmin(admin.ModelAdmin):
    """One row per scope, kind and period; deleting a row lets that alert be sent again."""

    list_display = ["created_at", "kind", "scope_key", "period"]
    list_filter = ["kind", "period"]
    search_fields = ["scope_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TechShareSnapshot)
class TechShareSnapshotAdmin(admin.ModelAdmin):
    """Written by the quota job (quotas.tech_share); read-only here."""

    list_display = ["as_of", "scope_key", "newly_registered", "registered", "share", "target", "met", "short_by"]
    list_filter = ["met", "as_of", "policy_year"]
    search_fields = ["scope_key"]
    date_hierarchy = "as_of"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DepartmentShareSnapshot)
class DepartmentShareSnapshotAdmin(admin.ModelAdmin):
    """Written by the quota job (quotas.department_share); read-only here."""

    list_display = ["as_of", "year", "department", "agreements", "new_agreements", "share", "met", "short_by"]
    list_filter = ["met", "year", "department"]
    list_select_related = ["department"]
    date_hierarchy = "as_of"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
