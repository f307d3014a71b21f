"""URLs of the city and district dashboards and their exports."""

from django.urls import path

from . import job_views, report_views, views

app_name = "dashboards"

urlpatterns = [
    path("city/", views.city_dashboard, name="city"),
    path("district/", views.district_dashboard, name="district"),
    path("district/<str:code>/", views.district_dashboard, name="district_code"),
    path("export/<slug:table>/", views.export, name="export"),
    path("report/", report_views.year_report_page, name="year_report"),
    path("report/xlsx/", report_views.year_report_xlsx, name="year_report_xlsx"),
    path("jobs/", job_views.background_jobs, name="jobs"),
    path("jobs/export/", job_views.background_jobs_export, name="jobs_export"),
]
