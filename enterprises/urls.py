"""URLs of the enterprise pages and the registry import."""

from django.urls import path

from . import claim_views, import_views, views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export/", views.enterprise_export, name="export"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/history/", views.enterprise_history_page, name="history"),
    path("profile/", views.enterprise_profile, name="profile"),
    path("<int:pk>/confirm/", views.enterprise_confirm_view, name="confirm"),
    path("members/", claim_views.members, name="members"),
    path("members/<int:pk>/remove/", claim_views.member_remove_view, name="member_remove"),
    path("members/<int:pk>/make-admin/", claim_views.member_appoint_admin_view, name="member_appoint_admin"),
    path("claims/", claim_views.claims, name="claims"),
    path("claims/<int:pk>/approve/", claim_views.claim_approve_view, name="claim_approve"),
    path("claims/<int:pk>/reject/", claim_views.claim_reject_view, name="claim_reject"),
    path("claims/<int:pk>/letter/", claim_views.claim_letter, name="claim_letter"),
    path("import/", import_views.registry_import_page, name="import"),
    path("import/<int:pk>/", import_views.registry_import_detail, name="import_detail"),
    path("import/<int:pk>/errors/", import_views.registry_import_errors, name="import_errors"),
]
