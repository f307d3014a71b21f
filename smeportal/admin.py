"""Admin registrations of the portal-wide models (in-portal notifications)."""

from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "message", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["user__username", "message"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"
