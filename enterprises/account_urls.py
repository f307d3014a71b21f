"""Account URLs: registration with a credit code, login, password change and reset."""

from django.urls import include, path

from . import account_views

urlpatterns = [
    path("register/", account_views.register, name="register"),
    path("", include("django.contrib.auth.urls")),
]
