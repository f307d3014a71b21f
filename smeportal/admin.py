"""Admin registrations of the portal-wide models: in-portal notifications and API tokens (never their keys)."""

from django.contrib import admin

from .models import ApiToken, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "message", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["user__username", "message"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Only the prefix is shown: the key is not stored. An administrator may revoke (delete) a token."""

    list_display = ["user", "prefix", "name", "created_at", "last_used_at"]
    search_fields = ["user__username", "prefix"]
    fields = ["user", "prefix", "name", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
