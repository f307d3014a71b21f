"""Admin registrations of the portal-wide models: in-portal notifications, API tokens (never their keys), the
change history and the security audit log (read only)."""

from django.contrib import admin

from .admin_mixins import ReadOnlyAdminMixin
from .models import ApiToken, ChangeRecord, Notification, SecurityEvent, UserSession
from .security import record_security_event


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

    def delete_model(self, request, obj):
        self.delete_queryset(request, ApiToken.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        """A revocation by the administrator, one security-log entry per token, as the owner's own page writes."""
        for token in queryset.select_related("user"):
            token.delete()
            revoked = SecurityEvent.Kind.TOKEN_REVOKED
            record_security_event(revoked, request=request, user=token.user, actor=request.user, target=token.prefix)


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The change history, to search and read: nobody writes or removes a record by hand."""

    list_display = ["at", "model", "object_id", "parent_model", "parent_id", "actor", "reason"]
    list_filter = ["model"]
    search_fields = ["=object_id", "=parent_id", "reason", "actor__username"]
    list_select_related = ["actor"]
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The security audit log, to search and read: append-only, nobody writes or removes an event by hand."""

    list_display = ["at", "kind", "username", "actor", "ip_address", "target"]
    list_filter = ["kind"]
    search_fields = ["username", "target", "=ip_address"]
    list_select_related = ["actor"]
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(UserSession)
class UserSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who is signed in since when, to read only; the session key (a credential) is never shown. Sessions end
    by "log out everywhere", a password change or their limits."""

    list_display = ["user", "created_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    fields = ["user", "created_at"]
    readonly_fields = fields
