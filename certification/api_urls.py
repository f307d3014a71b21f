"""Routes of the certification API under /api/v1/certification/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from certification.api.evaluate import EvaluateView
from certification.api.filings import FilingViewSet
from certification.api.notices import NoticeBatchViewSet
from certification.api.registrations import RegistrationViewSet
from certification.api.revocations import RevocationViewSet
from certification.api.spot_checks import SpotCheckViewSet

router = SimpleRouter()
router.register("filings", FilingViewSet, basename="certification-filing")
router.register("notice-batches", NoticeBatchViewSet, basename="certification-notice-batch")
router.register("registrations", RegistrationViewSet, basename="certification-registration")
router.register("revocations", RevocationViewSet, basename="certification-revocation")
router.register("spot-checks", SpotCheckViewSet, basename="certification-spot-check")

urlpatterns = [
    path("evaluate/", EvaluateView.as_view(), name="certification-evaluate"),
    *router.urls,
]
