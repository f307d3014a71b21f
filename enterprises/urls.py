"""URLs of the enterprise pages and the registry import."""

from django.urls import path

from . import import_views, views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("profile/", views.enterprise_profile, name="profile"),
    path("<int:pk>/confirm/", views.enterprise_confirm_view, name="confirm"),
    path("import/", import_views.registry_import_page, name="import"),
    path("import/<int:pk>/", import_views.registry_import_detail, name="import_detail"),
    path("import/<int:pk>/errors/", import_views.registry_import_errors, name="import_errors"),
]
