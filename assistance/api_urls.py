"""Routes of the assistance API under /api/v1/assistance/."""

from rest_framework.routers import SimpleRouter

from .api import AgreementViewSet, ServiceRecordViewSet

router = SimpleRouter()
router.register("agreements", AgreementViewSet, basename="assistance-agreement")
router.register("service-records", ServiceRecordViewSet, basename="assistance-service-record")
urlpatterns = router.urls
