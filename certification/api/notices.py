"""Notice batches in the API: read by signed-in users, created and registered by city officials."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from certification.api.serializers import (
    CONFLICT,
    ConflictSerializer,
    NoticeBatchCreateSerializer,
    NoticeBatchDetailSerializer,
    NoticeBatchSerializer,
    NoticeFilingSerializer,
    RegisterDueResultSerializer,
)
from certification.models import NoticeBatch, Registration
from certification.services.notice import notice_batch_create
from certification.services.registration import notice_batch_register_due
from enterprises.roles import has_portal_role, is_city_official
from smeportal.api import (
    DENIED,
    LIST_ERRORS,
    NOT_FOUND,
    VALIDATION_ERROR,
    NewestFirstCursorPagination,
    ServiceErrorsMixin,
)
from smeportal.badinput import StrictJSONParser


class OldestFirstCursorPagination(NewestFirstCursorPagination):
    ordering = "id"


class NoticeBatchPermission(permissions.BasePermission):
    """Users with a role in the portal read the batches the public sees; only city officials create them,
    register and read a batch before its notice starts."""

    message = _("只有市级管理人员可以执行此操作。")

    def has_permission(self, request, view):
        if view.action in {"create", "register_due"}:
            return is_city_official(request.user)
        return has_portal_role(request.user)


@extend_schema_view(
    list=extend_schema(
        operation_id="certification_notice_batches_list",
        summary="公示批次列表",
        description="官员、部门用户和已验证的企业账号可见已开始公示的批次；市级管理人员可见全部。",
        responses={200: NoticeBatchSerializer(many=True), **LIST_ERRORS},
        tags=["notice-batches"],
    ),
    retrieve=extend_schema(
        operation_id="certification_notice_batches_retrieve",
        summary="公示批次详情（含公示的申报）",
        responses={200: NoticeBatchDetailSerializer, **DENIED, **NOT_FOUND},
        tags=["notice-batches"],
    ),
)
class NoticeBatchViewSet(ServiceErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = NoticeBatch.objects.none()  # the model, for the schema; get_queryset() scopes
    conflict_serializer_class = ConflictSerializer
    permission_classes = [permissions.IsAuthenticated, NoticeBatchPermission]
    parser_classes = [StrictJSONParser]
    pagination_class = NewestFirstCursorPagination
    filter_backends = []

    def get_queryset(self):
        queryset = NoticeBatch.objects.all()
        if not is_city_official(self.request.user):
            # Until its first day a batch is the city's draft, as on the public pages.
            queryset = queryset.filter(published=True, start_date__lte=timezone.localdate())
        return queryset

    def get_serializer_class(self):
        return {"list": NoticeBatchSerializer, "filings": NoticeFilingSerializer}.get(
            self.action, NoticeBatchDetailSerializer
        )

    @extend_schema(
        operation_id="certification_notice_batches_filings",
        summary="公示批次的全部申报（分页）",
        description="按编号排列，每页 50 条（游标分页）。",
        responses={200: NoticeFilingSerializer(many=True), **LIST_ERRORS, **NOT_FOUND},
        tags=["notice-batches"],
    )
    @action(detail=True, methods=["get"], url_path="filings", url_name="filings")
    def filings(self, request, pk=None):
        batch = self.get_object()
        paginator = OldestFirstCursorPagination()
        page = paginator.paginate_queryset(batch.applications.select_related("enterprise"), request, view=self)
        return paginator.get_paginated_response(NoticeFilingSerializer(page, many=True).data)

    @extend_schema(
        operation_id="certification_notice_batches_create",
        summary="新建公示批次",
        description="仅市级管理人员。把已推荐的申报放入公示，截止日期为开始日起第10个工作日（官方日历，含调休）。",
        request=NoticeBatchCreateSerializer,
        responses={201: NoticeBatchDetailSerializer, 400: VALIDATION_ERROR, **DENIED, **NOT_FOUND, 409: CONFLICT},
        tags=["notice-batches"],
    )
    def create(self, request):
        serializer = NoticeBatchCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = notice_batch_create(actor=request.user, **serializer.validated_data)
        return Response(NoticeBatchDetailSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="certification_notice_batches_register_due",
        summary="为公示期满的申报办理入库登记",
        description="仅市级管理人员。公示期已过且无待处理或成立的异议的申报入库登记；重复执行不会重复登记。",
        request=None,
        responses={200: RegisterDueResultSerializer, **DENIED},
        tags=["notice-batches"],
    )
    @action(detail=False, methods=["post"], url_path="register-due", url_name="register-due")
    def register_due(self, request):
        created = notice_batch_register_due(today=timezone.localdate(), actor=request.user)
        registrations = Registration.objects.filter(number__in=[r.number for r in created]).select_related("enterprise")
        return Response(RegisterDueResultSerializer({"count": len(created), "registrations": registrations}).data)
