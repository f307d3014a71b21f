"""The versioned REST API: each app contributes its routes under /api/v1/.

Authentication: the session (browser) or ``Authorization: Token <key>``. A user gets a key from an
administrator (admin → 令牌 / Tokens) or by posting their username and password to ``auth/token/``
(throttled per IP and subject to the login lockout).
"""

from django.conf import settings
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import SimpleRateThrottle

DEFAULT_TOKEN_REQUEST_RATE = "10/min"  # noqa: S105 (a rate, not a secret)


class TokenObtainThrottle(SimpleRateThrottle):
    """Per client IP, whoever asks; the rate is read at request time (``API_TOKEN_THROTTLE_RATE``)."""

    scope = "token_obtain"

    def get_rate(self):
        return getattr(settings, "API_TOKEN_THROTTLE_RATE", DEFAULT_TOKEN_REQUEST_RATE)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ObtainTokenView(ObtainAuthToken):
    throttle_classes = [TokenObtainThrottle]

    @extend_schema(
        operation_id="auth_token_create",
        summary="用用户名和密码换取 API 令牌",
        description="返回该用户的令牌（已有则返回原令牌）。之后在请求头中发送 `Authorization: Token <令牌>`。",
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("AuthTokenResult", {"token": serializers.CharField()}),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="用户名或密码不正确（按字段给出错误信息）"),
            403: OpenApiResponse(OpenApiTypes.OBJECT, description="登录失败次数过多，已被锁定"),
            429: OpenApiResponse(OpenApiTypes.OBJECT, description="请求过于频繁"),
        },
        tags=["auth"],
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("enterprises/", include("enterprises.api_urls")),
    path("certification/", include("certification.api_urls")),
    path("assistance/", include("assistance.api_urls")),
]
