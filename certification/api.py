"""The certification API: the public self-evaluation, filings and their workflow, notice batches, registrations.

Views are thin: they validate the request's shape, call the services and turn their refusals into
answers (TransitionError → 409, ValidationError → 400, PermissionDenied → 403, Http404 → 404).
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from enterprises.roles import is_city_official, is_official, member_enterprise_id

from . import notice_services, services
from .api_filters import FilingFilter, RegistrationFilter
from .api_serializers import (
    CommentSerializer,
    ConflictSerializer,
    ErrorSerializer,
    FilingCreateSerializer,
    FilingDetailSerializer,
    FilingDraftSerializer,
    FilingListSerializer,
    NoticeBatchCreateSerializer,
    NoticeBatchDetailSerializer,
    NoticeBatchSerializer,
    OnSiteCheckSerializer,
    RegisterDueResultSerializer,
    RegistrationSerializer,
    RejectSerializer,
    ReturnSerializer,
)
from .models import Application, ApplicationEvent, NoticeBatch, Registration
from .selectors import applications_visible_to
from .serializers import EvaluationInputSerializer, EvaluationResultSerializer, self_evaluate
from .services import TransitionError


class EvaluateAnonRateThrottle(AnonRateThrottle):
    """The ``anon`` rate, read from the settings at request time (so an override takes effect)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class EvaluateView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [EvaluateAnonRateThrottle]

    @extend_schema(
        operation_id="certification_evaluate",
        summary="科技型中小企业自评",
        description=(
            "按《科技型中小企业评价办法》计算各项指标得分、总分与是否符合条件，列出全部不符合的条件及"
            "单项调整建议。金额单位为万元，最多两位小数。无需登录，按 IP 限流。"
        ),
        request=EvaluationInputSerializer,
        responses={
            200: EvaluationResultSerializer,
            400: OpenApiResponse(description="输入有误：按字段给出错误信息"),
            429: OpenApiResponse(description="请求过于频繁"),
        },
        examples=[
            OpenApiExample(
                "worked example",
                request_only=True,
                value={
                    "evaluation_year": 2025,
                    "total_staff": "40",
                    "tech_staff": "6",
                    "sales_revenue": "800.00",
                    "total_costs": "700.00",
                    "rd_expense": "48.00",
                    "total_assets": "1500.00",
                    "class1_ip": 0,
                    "class2_ip": 3,
                },
            )
        ],
        tags=["certification"],
    )
    def post(self, request):
        serializer, evaluation = self_evaluate(request.data)
        if evaluation is None:
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(EvaluationResultSerializer(evaluation).data)


# --- Filings, notice batches and registrations ---------------------------------------------------

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


ENTERPRISE_ACTIONS = frozenset({"create", "partial_update", "submit", "resubmit", "withdraw"})
OFFICIAL_ACTIONS = frozenset({"return_filing", "require_on_site_check", "record_on_site_check", "recommend", "reject"})


class FilingRolePermission(permissions.BasePermission):
    """Who may take which action on a filing already in scope; checked before the request body.

    The services check again (they are the authority); this only makes a refused role answer 403
    rather than 400 for a body it was never allowed to send.
    """

    message = _("您无权执行此操作。")

    def has_permission(self, request, view):
        if view.action == "create":
            return member_enterprise_id(request.user) is not None
        return True

    def has_object_permission(self, request, view, obj):
        if view.action in ENTERPRISE_ACTIONS:
            return member_enterprise_id(request.user) == obj.enterprise_id
        if view.action == "reject" and obj.state == Application.State.RECOMMENDED:
            return is_city_official(request.user)
        if view.action in OFFICIAL_ACTIONS:
            return is_official(request.user)
        return True


def _filing_action(operation_id: str, summary: str, request=None, *, description: str = ""):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description,
        request=request,
        responses={200: FilingDetailSerializer, 400: VALIDATION_ERROR, **DENIED, **NOT_FOUND, 409: CONFLICT},
        tags=["filings"],
    )


@extend_schema_view(
    list=extend_schema(
        operation_id="certification_filings_list",
        summary="申报列表",
        description=(
            "企业用户：本企业的申报；区县管理人员：本区县企业的申报；市级管理人员：全部。"
            "按 ID 倒序，游标分页（不统计总数）。部门用户和无角色用户 403。"
        ),
        responses={200: FilingListSerializer(many=True), **LIST_ERRORS},
        tags=["filings"],
    ),
    retrieve=extend_schema(
        operation_id="certification_filings_retrieve",
        summary="申报详情",
        description="申报数据、状态、提交时冻结的自评结果、知识产权明细和流转记录。范围外的申报 404。",
        responses={200: FilingDetailSerializer, **DENIED, **NOT_FOUND},
        tags=["filings"],
    ),
)
class FilingViewSet(ServiceErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Filings in the caller's scope and their workflow transitions (certification.services)."""

    queryset = Application.objects.none()  # the model, for the schema; get_queryset() scopes
    permission_classes = [permissions.IsAuthenticated, HasFilingScope, FilingRolePermission]
    parser_classes = [JSONParser]
    filterset_class = FilingFilter
    pagination_class = NewestFirstCursorPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = applications_visible_to(self.request.user)
        if self.action == "retrieve":
            queryset = self._with_details(queryset)
        return queryset

    def get_serializer_class(self):
        return FilingListSerializer if self.action == "list" else FilingDetailSerializer

    @staticmethod
    def _with_details(queryset):
        return queryset.select_related("evaluating_district").prefetch_related(
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor").order_by("created_at", "id")),
            "ip_items",
        )

    def _detail(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        application = self._with_details(applications_visible_to(self.request.user)).get(pk=pk)
        return Response(FilingDetailSerializer(application).data, status=status_code)

    def _transition(self, request, service, serializer_class=None):
        application = self.get_object()
        arguments = {}
        if serializer_class is not None:
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            arguments = dict(serializer.validated_data)
        service(application_id=application.pk, actor=request.user, **arguments)
        return self._detail(application.pk)

    @extend_schema(
        operation_id="certification_filings_create",
        summary="新建（或保存）本企业某年度的申报草稿",
        description=(
            "仅企业用户。该年度尚无申报时新建草稿（201）；已有草稿或退回修改的申报时更新（200）；"
            "已撤回的申报重新打开为草稿。只需发送要修改的字段，草稿中的数字可以为空。"
        ),
        request=FilingCreateSerializer,
        responses={
            201: FilingDetailSerializer,
            200: FilingDetailSerializer,
            400: VALIDATION_ERROR,
            **DENIED,
            409: CONFLICT,
        },
        tags=["filings"],
    )
    def create(self, request):
        serializer = FilingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        year = serializer.validated_data["evaluation_year"]
        existed = Application.objects.filter(
            enterprise_id=member_enterprise_id(request.user), evaluation_year=year
        ).exists()
        application = services.application_save_draft(
            actor=request.user, evaluation_year=year, data=serializer.declared_data()
        )
        return self._detail(application.pk, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="certification_filings_partial_update",
        summary="保存申报草稿",
        description="仅本企业用户；只有草稿或退回修改的申报可以修改（否则 409）。只需发送要修改的字段。",
        request=FilingDraftSerializer,
        responses={200: FilingDetailSerializer, 400: VALIDATION_ERROR, **DENIED, **NOT_FOUND, 409: CONFLICT},
        tags=["filings"],
    )
    def partial_update(self, request, pk=None):
        application = self.get_object()
        serializer = FilingDraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.application_save_draft(
            actor=request.user, evaluation_year=application.evaluation_year, data=serializer.declared_data()
        )
        return self._detail(application.pk)

    @_filing_action(
        "certification_filings_submit",
        "提交申报",
        description="仅本企业用户，草稿状态。自评不符合条件时 409，并给出 reasons 和 gap；通过时冻结快照。",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, services.application_submit)

    @_filing_action(
        "certification_filings_resubmit", "重新提交", CommentSerializer, description="仅本企业用户，退回修改状态。"
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self._transition(request, services.application_resubmit, CommentSerializer)

    @_filing_action(
        "certification_filings_withdraw", "撤回申报", CommentSerializer, description="仅本企业用户，作出决定之前。"
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition(request, services.application_withdraw, CommentSerializer)

    @_filing_action(
        "certification_filings_return",
        "退回修改",
        ReturnSerializer,
        description="区县（本区县）或市级管理人员，审核中的申报。总体意见与逐项意见至少一项。",
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_filing(self, request, pk=None):
        return self._transition(request, services.application_return, ReturnSerializer)

    @_filing_action(
        "certification_filings_require_on_site_check",
        "安排现场核查",
        CommentSerializer,
        description="区县（本区县）或市级管理人员，已提交的申报。",
    )
    @action(detail=True, methods=["post"], url_path="require-on-site-check", url_name="require-on-site-check")
    def require_on_site_check(self, request, pk=None):
        return self._transition(request, services.application_require_on_site_check, CommentSerializer)

    @_filing_action(
        "certification_filings_record_on_site_check",
        "登记现场核查结果",
        OnSiteCheckSerializer,
        description="区县（本区县）或市级管理人员，现场核查中的申报。",
    )
    @action(detail=True, methods=["post"], url_path="record-on-site-check", url_name="record-on-site-check")
    def record_on_site_check(self, request, pk=None):
        return self._transition(request, services.application_record_on_site_check, OnSiteCheckSerializer)

    @_filing_action(
        "certification_filings_recommend",
        "推荐",
        CommentSerializer,
        description="区县（本区县）或市级管理人员，审核中的申报；须现场核查的申报须先登记通过的核查结果。",
    )
    @action(detail=True, methods=["post"])
    def recommend(self, request, pk=None):
        return self._transition(request, services.application_recommend, CommentSerializer)

    @_filing_action(
        "certification_filings_reject",
        "不予通过",
        RejectSerializer,
        description="区县审核（审核中或退回修改）由本区县或市级管理人员；市级审核（已推荐）仅市级管理人员。",
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._transition(request, services.application_reject, RejectSerializer)


class NoticeBatchPermission(permissions.BasePermission):
    """Any signed-in user reads published batches; only city officials create them and register."""

    message = _("只有市级管理人员可以执行此操作。")

    def has_permission(self, request, view):
        if view.action in {"create", "register_due"}:
            return is_city_official(request.user)
        return True


@extend_schema_view(
    list=extend_schema(
        operation_id="certification_notice_batches_list",
        summary="公示批次列表",
        description="登录用户可见已发布的批次；市级管理人员可见全部。",
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
    permission_classes = [permissions.IsAuthenticated, NoticeBatchPermission]
    parser_classes = [JSONParser]
    pagination_class = NewestFirstCursorPagination
    filter_backends = []

    def get_queryset(self):
        queryset = NoticeBatch.objects.all()
        if not is_city_official(self.request.user):
            queryset = queryset.filter(published=True)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("applications", queryset=Application.objects.select_related("enterprise").order_by("id"))
            )
        return queryset

    def get_serializer_class(self):
        return NoticeBatchSerializer if self.action == "list" else NoticeBatchDetailSerializer

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
        batch = notice_services.notice_batch_create(actor=request.user, **serializer.validated_data)
        batch = (
            self.get_queryset()
            .filter(pk=batch.pk)
            .prefetch_related(
                Prefetch("applications", queryset=Application.objects.select_related("enterprise").order_by("id"))
            )
        )
        return Response(NoticeBatchDetailSerializer(batch.get()).data, status=status.HTTP_201_CREATED)

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
        created = notice_services.notice_batch_register_due(today=timezone.localdate(), actor=request.user)
        registrations = Registration.objects.filter(number__in=[r.number for r in created]).select_related("enterprise")
        return Response(RegisterDueResultSerializer({"count": len(created), "registrations": registrations}).data)


def registrations_visible_to(user):
    """Registrations of the filings the user may see (scoping by certification.selectors)."""
    return Registration.objects.filter(application__in=applications_visible_to(user).values("pk")).select_related(
        "enterprise"
    )


@extend_schema_view(
    list=extend_schema(
        operation_id="certification_registrations_list",
        summary="入库登记列表",
        description="企业用户：本企业的；区县管理人员：本区县企业的；市级管理人员：全部。部门用户和无角色用户 403。",
        responses={200: RegistrationSerializer(many=True), **LIST_ERRORS},
        tags=["registrations"],
    ),
    retrieve=extend_schema(
        operation_id="certification_registrations_retrieve",
        summary="入库登记详情",
        responses={200: RegistrationSerializer, **DENIED, **NOT_FOUND},
        tags=["registrations"],
    ),
)
class RegistrationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegistrationSerializer
    queryset = Registration.objects.none()  # the model, for the schema; get_queryset() scopes
    permission_classes = [permissions.IsAuthenticated, HasFilingScope]
    filterset_class = RegistrationFilter
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        return registrations_visible_to(self.request.user)
