"""Answers shared by the certification API's views: error shapes in the schema and the services'
refusals turned into responses."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings

from certification.api.serializers import (
    ConflictSerializer,
    ErrorSerializer,
)
from certification.workflow import TransitionError
from enterprises.roles import is_official, member_enterprise_id

ErrorResponse = OpenApiResponse(ErrorSerializer, description="错误信息")


VALIDATION_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="输入有误：键为字段名（整体性错误为 non_field_errors），值为错误信息列表",
)


CONFLICT = OpenApiResponse(ConflictSerializer, description="当前状态不允许此操作（或自评不符合条件），未作任何修改")


DENIED = {
    401: OpenApiResponse(ErrorSerializer, description="未登录"),
    403: OpenApiResponse(ErrorSerializer, description="未登录或无权执行此操作"),
}


NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="不存在或不在您的范围内")}


LIST_ERRORS = {400: VALIDATION_ERROR, **DENIED, 404: OpenApiResponse(ErrorSerializer, description="分页游标无效")}


def _validation_detail(error: DjangoValidationError):
    """A Django ValidationError as DRF's per-field error body (``__all__`` → ``non_field_errors``)."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
            for name, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


class ServiceErrorsMixin:
    """Turn the services' refusals into API answers: TransitionError → 409, ValidationError → 400.

    PermissionDenied (403) and Http404 (404) are already mapped by DRF.
    """

    def handle_exception(self, exc):
        if isinstance(exc, TransitionError):
            body = {"detail": exc.message, "reasons": exc.reasons, "gap": exc.gap}
            return Response(ConflictSerializer(body).data, status=status.HTTP_409_CONFLICT)
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(_validation_detail(exc))
        return super().handle_exception(exc)


class NewestFirstCursorPagination(CursorPagination):
    """Cursor pagination never counts the table: a page costs the same at a million rows."""

    ordering = "-id"
    page_size = 50


class HasFilingScope(permissions.BasePermission):
    """Officials and enterprise users; department users and users without a role are refused (403)."""

    def has_permission(self, request, view):
        return is_official(request.user) or member_enterprise_id(request.user) is not None
