"""Admin of departments, memberships, the yearly quota policy, targets, agreements, visits and imports."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from smeportal.admin_mixins import ReadOnlyAdminMixin

from .models import (
    AgreementImport,
    AssistanceAgreement,
    Department,
    DepartmentMembership,
    DepartmentTarget,
    QuotaPolicy,
    ServiceRecord,
)
from .services import FROZEN_WHEN_CLOSED, department_target_set, policy_close_year, policy_save


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort_order"]
    search_fields = ["code", "name"]


@admin.register(DepartmentMembership)
class DepartmentMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "department"]
    list_filter = ["department"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]


@admin.register(QuotaPolicy)
class QuotaPolicyAdmin(admin.ModelAdmin):
    """City officials edit the yearly targets here; closing a year goes through policy_close_year."""

    list_display = ["year", "new_enterprise_target", "new_window_years", "tech_share_target", "baseline_date", "closed"]
    readonly_fields = ["closed", "closed_at", "created_at", "updated_at", "created_by", "updated_by"]
    actions = ["close_years"]

    @admin.action(description=_("关闭所选年度（固定“计入新企业”标记）"))
    def close_years(self, request, queryset):
        try:
            for year in queryset.values_list("year", flat=True):
                policy_close_year(actor=request.user, year=year)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("所选年度已关闭。"), messages.SUCCESS)

    def get_readonly_fields(self, request, obj=None):
        # The window of a closed year no longer changes anything; keep it as it was.
        if obj is not None and obj.closed:
            return [*self.readonly_fields, *FROZEN_WHEN_CLOSED]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        # Through the service: a changed window of an open year is re-applied to the year's agreements.
        policy_save(actor=request.user, policy=obj)

    def has_delete_permission(self, request, obj=None):
        # A deleted policy would leave its year on the defaults: a closed year open again, an open one's
        # agreements flagged by a window no longer on record.
        return False


@admin.register(DepartmentTarget)
class DepartmentTargetAdmin(admin.ModelAdmin):
    """City officials set each department's yearly task here, through the service (who and when, city only)."""

    list_display = ["department", "year", "enterprises_to_assist"]
    list_filter = ["year", "department"]
    readonly_fields = ["created_at", "updated_at", "created_by", "updated_by"]

    def get_readonly_fields(self, request, obj=None):
        # A task belongs to its department and year; another one is another task.
        return [*self.readonly_fields, "department", "year"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        saved = department_target_set(
            actor=request.user,
            department_id=obj.department_id,
            year=obj.year,
            enterprises_to_assist=obj.enterprises_to_assist,
        )
        obj.pk = saved.pk


@admin.register(AssistanceAgreement)
class AssistanceAgreementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Agreements are written by the services (newness, duplicates); the admin shows them read-only."""

    list_display = ["department", "enterprise", "year", "signed_on", "status", "counts_as_new", "archived"]
    list_filter = ["year", "department", "managing_district", "status", "counts_as_new", "archived"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["department", "enterprise"]
    readonly_fields = ["managing_district"]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["agreement", "date", "kind", "resolved_on"]
    list_filter = ["kind"]
    list_select_related = ["agreement__department", "agreement__enterprise"]


@admin.register(AgreementImport)
class AgreementImportAdmin(admin.ModelAdmin):
    list_display = ["department", "original_name", "status", "created_count", "created_at"]
    list_filter = ["status"]
    exclude = ["valid_rows", "valid_preview", "rejected_rows"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
