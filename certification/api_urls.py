from django.urls import path

from .api import EvaluateView

urlpatterns = [
    path("evaluate/", EvaluateView.as_view(), name="certification-evaluate"),
]
