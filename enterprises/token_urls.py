"""The API's token route, mounted at /api/v1/auth/ (the contract ``POST /api/v1/auth/token/``)."""

from django.urls import path

from .token_views import ObtainTokenView

urlpatterns = [path("token/", ObtainTokenView.as_view(), name="api-token")]
