"""API plumbing shared by every app: pagination, whole-number filters, the error answers in the schema,
and the services' refusals turned into responses."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .errors import DomainError
from .history_read import entry_changes
from .models import ChangeRecord

# The largest id PostgreSQL's bigint holds: a larger filter value must be a 400, not an OverflowError.
ID_MAX = 2**63 - 1


class NewestFirstCursorPagination(CursorPagination):
    """Cursor pagination never counts the table, so a page costs the same at a million rows."""

    ordering = "-id"
    page_size = 50

    def decode_cursor(self, request):
        # DRF checks a cursor's offset and direction but hands its position to the id filter as it is: a
        # hand-made cursor with a position that is no id would fail in the query instead of answering 404.
        cursor = super().decode_cursor(request)
        position = cursor.position if cursor else None
        if position is not None and not (position.isascii() and position.isdigit() and int(position) <= ID_MAX):
            raise exceptions.NotFound(self.invalid_cursor_message)
        return cursor


class HistoryPagination(CursorPagination):
    """Change histories, newest first (records of one moment in the order they were written, reversed)."""

    ordering = ("-at", "-id")
    page_size = 50


class HistoryEntrySerializer(serializers.ModelSerializer):
    """One change: when, who (null for the system: a nightly job, a command), why, and each changed
    field's ``[old, new]`` (dates ISO, amounts as strings, related rows by id; a filing's items as
    ``ip_items[12].title``)."""

    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    changes = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRecord
        fields = ["at", "actor", "reason", "changes"]

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "array", "minItems": 2, "maxItems": 2, "items": {}}}
    )
    def get_changes(self, record: ChangeRecord) -> dict:
        return entry_changes(record)


def path_id(value) -> int:
    """An id from the URL; anything but a whole number the database can hold is a 404."""
    text = str(value)
    if not text.isascii() or not text.isdigit() or int(text) > ID_MAX:
        raise Http404
    return int(text)


def history_response(view, records) -> Response:
    """A page of change records as the history endpoints answer (``results``, ``next``, ``previous``)."""
    page = view.paginate_queryset(records)
    return view.get_paginated_response(HistoryEntrySerializer(page, many=True).data)


HISTORY_DESCRIPTION = (
    "变更记录，按时间倒序，游标分页（条目在 results 中）。每条："
    "at（时间，ISO 8601）、actor（操作人用户名；系统任务为 null）、reason（原因：流转、导入及其编号、管理后台等）、"
    "changes（{字段: [原值, 新值]}）。"
)


class IntegerFilter(django_filters.NumberFilter):
    """A whole number only ("1.5" is refused with 400 instead of being truncated)."""

    field_class = forms.IntegerField


def id_filter(field_name: str, label, **kwargs) -> IntegerFilter:
    return IntegerFilter(field_name=field_name, label=label, min_value=1, max_value=ID_MAX, **kwargs)


class ErrorSerializer(serializers.Serializer):
    """401, 403, 404 and 429 answers."""

    detail = serializers.CharField()


VALIDATION_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="输入有误：键为字段名（整体性错误为 non_field_errors），值为错误信息列表",
)
DENIED = {
    401: OpenApiResponse(ErrorSerializer, description="未登录"),
    403: OpenApiResponse(ErrorSerializer, description="未登录或无权执行此操作"),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="不存在或不在您的范围内")}
LIST_ERRORS = {400: VALIDATION_ERROR, **DENIED, 404: OpenApiResponse(ErrorSerializer, description="分页游标无效")}
DETAIL_ERRORS = {**DENIED, **NOT_FOUND}


def validation_detail(error: DjangoValidationError):
    """A Django ValidationError as DRF's per-field error body (``__all__`` → ``non_field_errors``)."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
            for name, messages in error.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


class ServiceErrorsMixin:
    """The counterpart of :func:`smeportal.views.run_service` for viewsets: a refusal by a business rule
    (:class:`DomainError`) answers 409 with its body, a service's ValidationError 400 per field.

    PermissionDenied (403) and Http404 (404) are already mapped by DRF.
    """

    conflict_serializer_class = None  # the 409 body's serializer when the refusal carries more than detail

    def handle_exception(self, exc):
        if isinstance(exc, DomainError):
            body = exc.as_body()
            if self.conflict_serializer_class is not None:
                body = self.conflict_serializer_class(body).data
            return Response(body, status=status.HTTP_409_CONFLICT)
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(validation_detail(exc))
        return super().handle_exception(exc)
