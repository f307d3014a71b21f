"""API tokens: ``POST /api/v1/auth/token/`` with username and password issues one, and every user lists
and revokes their own on /accounts/tokens/. A key is shown once, when it is issued; an account whose
enterprise claim is not verified (or whose enterprise is pending confirmation) gets none."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from smeportal.models import ApiToken, SecurityEvent
from smeportal.security import record_security_event

from .roles import is_unconfirmed_enterprise_user
from .two_factor import has_totp, otp_required

DEFAULT_TOKEN_REQUEST_RATE = "10/min"  # noqa: S105 (a rate, not a secret)


def ensure_may_hold_tokens(user) -> None:
    if is_unconfirmed_enterprise_user(user):
        raise PermissionDenied(_("账号尚未通过验证，不能获取 API 令牌。"))


def ensure_not_locked(request, username) -> None:
    """403 for a username and address pair that django-axes has locked (after the failed logins of any
    page: the login form, the second factor, this exchange)."""
    if isinstance(username, str) and AxesProxyHandler.is_locked(request, {"username": username}):
        raise PermissionDenied(_("登录失败次数过多。为保护账号安全，请一小时后再试，或联系管理员解锁。"))


def _issue(request, user, name: str) -> str:
    token, key = ApiToken.issue(user, name=name)
    record_security_event(SecurityEvent.Kind.TOKEN_ISSUED, request=request, user=user, target=token.prefix)
    return key


class TokenObtainThrottle(SimpleRateThrottle):
    """Per client IP, whoever asks; the rate is read at request time (``API_TOKEN_THROTTLE_RATE``)."""

    scope = "token_obtain"

    def get_rate(self):
        return getattr(settings, "API_TOKEN_THROTTLE_RATE", DEFAULT_TOKEN_REQUEST_RATE)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ObtainTokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TokenObtainThrottle]

    @extend_schema(
        operation_id="auth_token_create",
        summary="用用户名和密码换取 API 令牌",
        description=(
            "每次调用签发一个新令牌，令牌只在此时显示一次（服务器只保存其摘要）；修改密码后原有令牌全部失效。"
            "之后在请求头中发送 `Authorization: Token <令牌>`。未通过验证的企业账号和启用了双因素认证的账号不签发。"
        ),
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("AuthTokenResult", {"token": serializers.CharField()}),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="用户名或密码不正确（按字段给出错误信息）"),
            403: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="登录失败次数过多已被锁定，账号尚未验证，或账号启用了双因素认证（请在令牌页面签发）",
            ),
            429: OpenApiResponse(OpenApiTypes.OBJECT, description="请求过于频繁"),
        },
        tags=["auth"],
        auth=[],
    )
    def post(self, request):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        # A locked account is refused whatever the password, before it is checked (so the attempt does not
        # count again and extend the lock), and so is the attempt that reaches the limit.
        ensure_not_locked(request, username)
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            ensure_not_locked(request, username)
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        ensure_may_hold_tokens(user)
        if has_totp(user) or otp_required(user):
            # A password alone must not open what the second factor guards: such users issue tokens on
            # the tokens page, after signing in with both factors.
            raise PermissionDenied(_("该账号启用了双因素认证，请登录后在“API 令牌”页面签发令牌。"))
        return Response({"token": _issue(request, user, _("通过接口签发"))})


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("用途"), max_length=100, required=False)


@login_required
def tokens(request):
    """The user's own tokens (never their keys), a form to issue one, and the key just issued."""
    form = TokenForm(request.POST or None)
    issued_key = None
    if request.method == "POST" and form.is_valid():
        ensure_may_hold_tokens(request.user)
        issued_key = _issue(request, request.user, form.cleaned_data["name"])
        form = TokenForm()
    own = ApiToken.objects.filter(user=request.user).select_related("user")
    return render(request, "registration/tokens.html", {"tokens": own, "form": form, "issued_key": issued_key})


@require_POST
@login_required
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.delete()
    record_security_event(SecurityEvent.Kind.TOKEN_REVOKED, request=request, target=token.prefix)
    messages.success(request, _("已撤销令牌 {prefix}…").format(prefix=token.prefix))
    return redirect("tokens")
