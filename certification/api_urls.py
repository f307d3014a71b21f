from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import EvaluateView, FilingViewSet, NoticeBatchViewSet, RegistrationViewSet
from .revocation_api import RevocationViewSet

router = SimpleRouter()
router.register("filings", FilingViewSet, basename="certification-filing")
router.register("notice-batches", NoticeBatchViewSet, basename="certification-notice-batch")
router.register("registrations", RegistrationViewSet, basename="certification-registration")
router.register("revocations", RevocationViewSet, basename="certification-revocation")

urlpatterns = [
    path("evaluate/", EvaluateView.as_view(), name="certification-evaluate"),
    *router.urls,
]
