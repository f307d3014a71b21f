"""Routes of the enterprise API under /api/v1/enterprises/."""

from rest_framework.routers import SimpleRouter

from .api import EnterpriseViewSet

router = SimpleRouter()
router.register("", EnterpriseViewSet, basename="enterprise")
urlpatterns = router.urls
