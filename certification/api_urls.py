from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import EvaluateView, FilingViewSet, NoticeBatchViewSet, RegistrationViewSet

router = SimpleRouter()
router.register("filings", FilingViewSet, basename="certification-filing")
router.register("notice-batches", NoticeBatchViewSet, basename="certification-notice-batch")
router.register("registrations", RegistrationViewSet, basename="certification-registration")

urlpatterns = [
    path("evaluate/", EvaluateView.as_view(), name="certification-evaluate"),
    *router.urls,
]
