from django.contrib import admin

from .models import QuotaAlert, QuotaRun


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
