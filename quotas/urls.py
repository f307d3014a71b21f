"""URLs of "recompute now" and a quota run's progress page."""

from django.urls import path

from . import views

app_name = "quotas"

urlpatterns = [
    path("recompute/", views.recompute, name="recompute"),
    path("runs/<int:pk>/", views.quota_run, name="run"),
]
