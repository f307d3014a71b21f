from django.contrib import admin

from .models import Department, DepartmentMembership


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
