from django.urls import include, path

from . import account_views

urlpatterns = [
    path("register/", account_views.register, name="register"),
    path("", include("django.contrib.auth.urls")),
]
