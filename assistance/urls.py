"""URLs of the assistance pages and their Excel round trip."""

from django.urls import path

from . import excel_views, views

app_name = "assistance"
urlpatterns = [
    path("", views.department_home, name="home"),
    path("overview/", views.overview, name="overview"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/enterprise-search/", views.enterprise_search, name="enterprise_search"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/archive/", views.agreement_archive, name="agreement_archive"),
    path("agreements/<int:pk>/document/", views.agreement_document, name="agreement_document"),
    path("agreements/<int:pk>/records/new/", views.record_create, name="record_create"),
    path("records/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("records/<int:pk>/feedback/", views.record_feedback, name="record_feedback"),
    path("mine/", views.my_agreements, name="mine"),
    path("new-enterprises/", views.without_assistance, name="without_assistance"),
    path("new-enterprises/export/", views.without_assistance_export, name="without_assistance_export"),
    path("excel/template/", excel_views.import_template, name="import_template"),
    path("excel/import/", excel_views.import_page, name="import"),
    path("excel/import/<int:pk>/", excel_views.import_detail, name="import_detail"),
    path("excel/import/<int:pk>/commit/", excel_views.import_commit, name="import_commit"),
    path("excel/import/<int:pk>/rejected/", excel_views.import_rejected, name="import_rejected"),
    path("excel/export/", excel_views.export, name="export"),
]
