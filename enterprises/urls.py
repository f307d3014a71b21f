from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("profile/", views.enterprise_profile, name="profile"),
    path("<int:pk>/confirm/", views.enterprise_confirm_view, name="confirm"),
]
