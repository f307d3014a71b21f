"""Admin of districts, clusters, enterprises, memberships, registry imports, and the users' two-factor reset
and password (both recorded in the security log)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from smeportal.admin_mixins import ReadOnlyAdminMixin
from smeportal.models import SecurityEvent
from smeportal.security import record_security_event

from .models import (
    District,
    DistrictMove,
    Enterprise,
    EnterpriseMembership,
    IndustryCluster,
    OfficialMembership,
    ProviderIdentity,
    RegistryImport,
)
from .services.moves import district_moves_record
from .services.two_factor import two_factor_remove


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(IndustryCluster)
class IndustryClusterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort_order"]
    search_fields = ["code", "name"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "credit_code",
        "managing_district",
        "established_on",
        "entity_kind",
        "origin",
        "status",
        "in_cultivation_pool",
    ]
    list_filter = [
        "managing_district",
        "entity_kind",
        "origin",
        "status",
        "in_cultivation_pool",
        "confirmed",
        "cluster",
    ]
    search_fields = ["name", "credit_code"]
    list_select_related = ["managing_district"]
    autocomplete_fields = ["registered_district", "managing_district", "cluster"]
    readonly_fields = ["entity_kind", "pool_distance", "created_at", "updated_at", "created_by", "updated_by"]
    show_full_result_count = False
    date_hierarchy = "established_on"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "managing_district" in form.changed_data:
            district_moves_record(
                [(obj.pk, form.initial["managing_district"], obj.managing_district_id)], moved_on=timezone.localdate()
            )


@admin.register(DistrictMove)
class DistrictMoveAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Moves are recorded when the managing district changes (registry import, enterprise admin): read here."""

    list_display = ["enterprise", "from_district", "to_district", "moved_on", "recorded_at"]
    list_filter = ["from_district", "to_district"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "from_district", "to_district"]
    date_hierarchy = "moved_on"


@admin.register(ProviderIdentity)
class ProviderIdentityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Which account a person of the identity provider signs in to, linked at their first sign-in: read here.
    The subject (often a resident ID number) is shown on the record only, not in the list."""

    list_display = ["user"]
    search_fields = ["user__username"]
    list_select_related = ["user"]


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(admin.ModelAdmin):
    """Claims are decided on the portal's pages (by the enterprise's administrator or its district),
    where the decision is recorded and the people concerned are told; here they are read."""

    list_display = ["user", "enterprise", "status", "is_admin", "contact_name", "decided_by", "decided_at"]
    list_filter = ["status", "is_admin"]
    search_fields = ["user__username", "enterprise__name", "enterprise__credit_code"]
    raw_id_fields = ["user", "enterprise", "decided_by"]
    readonly_fields = ["status", "is_admin", "decided_by", "decided_at", "decision_note", "authorisation_letter"]


@admin.register(OfficialMembership)
class OfficialMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "district"]
    list_filter = ["district"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]


@admin.register(RegistryImport)
class RegistryImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "original_name", "requested_by", "status", "progress", "finished_at"]
    list_filter = ["status"]
    search_fields = ["original_name", "requested_by__username"]
    raw_id_fields = ["requested_by"]
    readonly_fields = [
        *("created_at", "started_at", "finished_at", "updated_at"),
        *("counts", "progress", "stage", "attempts"),
    ]


# --- Users: the administrator's reset of a user's two-factor devices ----------------------------------
# The devices' own admin pages are removed: they would show a secret, and a device made there would skip
# the confirmation by code. A lost phone is handled by the reset action on the user list.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


@admin.action(description=gettext_lazy("重置双因素认证（删除其验证器和恢复码）"))
def reset_two_factor(modeladmin, request, queryset):
    removed = [user for user in queryset if two_factor_remove(user=user, actor=request.user, request=request)]
    modeladmin.message_user(
        request, _("已重置 %(count)d 个账号的双因素认证，下次登录时重新设置。") % {"count": len(removed)}
    )


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class PortalUserAdmin(UserAdmin):
    actions = [reset_two_factor]

    def user_change_password(self, request, id, form_url=""):
        """Django's page that sets another user's password, recorded in the security log as a reset by the
        administrator (the portal's own password pages record theirs)."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = get_user_model().objects.get(pk=id)
            record_security_event(
                SecurityEvent.Kind.PASSWORD_RESET,
                request=request,
                user=user,
                actor=request.user,
                details={"by": "admin", "usable_password": user.has_usable_password()},
            )
        return response
