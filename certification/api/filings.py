"""Filings and their workflow transitions in the API."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from certification.api.filters import FilingFilter
from certification.api.serializers import (
    CONFLICT,
    CommentSerializer,
    ConflictSerializer,
    FilingCreateSerializer,
    FilingDetailSerializer,
    FilingDraftSerializer,
    FilingListSerializer,
    OnSiteCheckSerializer,
    RejectSerializer,
    ReturnSerializer,
)
from certification.models import Application, ApplicationEvent
from certification.selectors.filing import applications_visible_to, filing_history
from certification.services.filing import (
    application_resubmit,
    application_save_draft,
    application_submit,
    application_withdraw,
)
from certification.services.review import (
    application_recommend,
    application_record_on_site_check,
    application_reject,
    application_require_on_site_check,
    application_return,
)
from certification.workflow import TRANSITIONS, roles_of
from enterprises.api import HasEnterpriseScope
from enterprises.roles import member_enterprise_id
from enterprises.scoping import enterprise_scope
from smeportal.api import (
    DENIED,
    HISTORY_DESCRIPTION,
    LIST_ERRORS,
    NOT_FOUND,
    VALIDATION_ERROR,
    HistoryEntrySerializer,
    HistoryPagination,
    NewestFirstCursorPagination,
    ServiceErrorsMixin,
    history_response,
    path_id,
)
from smeportal.badinput import StrictJSONParser

# The viewset's actions and the workflow transitions they take ("partial_update" edits the figures).
ACTION_TRANSITIONS = {
    "partial_update": "open",
    "submit": "submit",
    "resubmit": "resubmit",
    "withdraw": "withdraw",
    "return_filing": "return",
    "require_on_site_check": "require_on_site_check",
    "record_on_site_check": "record_on_site_check",
    "recommend": "recommend",
    "reject": "reject",
}


class FilingRolePermission(permissions.BasePermission):
    """Who may take which action on a filing already in scope; checked before the request body.

    The services check again (they are the authority); this only makes a refused role answer 403
    rather than 400 for a body it was never allowed to send.
    """

    message = _("您无权执行此操作。")

    def has_permission(self, request, view):
        if view.action == "create":
            return enterprise_scope(request.user).is_enterprise_user
        return True

    def has_object_permission(self, request, view, obj):
        name = ACTION_TRANSITIONS.get(view.action)
        if name is None:
            return True
        if name == "reject" and obj.state == Application.State.RECOMMENDED:
            name = "reject_recommended"
        return bool(roles_of(request.user, obj) & TRANSITIONS[name].roles)


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
    conflict_serializer_class = ConflictSerializer
    permission_classes = [permissions.IsAuthenticated, HasEnterpriseScope, FilingRolePermission]
    parser_classes = [StrictJSONParser]
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
        application = application_save_draft(actor=request.user, evaluation_year=year, data=serializer.declared_data())
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
        application_save_draft(
            actor=request.user,
            evaluation_year=application.evaluation_year,
            data=serializer.declared_data(),
            reopen=False,  # a withdrawn filing is reopened by create (POST with the year), never here
        )
        return self._detail(application.pk)

    @extend_schema(
        operation_id="certification_filings_history",
        summary="申报变更记录",
        description=HISTORY_DESCRIPTION
        + "含每次流转、修改，以及知识产权（ip_items[ID].字段）、研发项目（rd_projects[ID].字段）、"
        "申报材料（attachments[ID].字段）、入库登记（registration[ID].字段）和撤销程序（revocations[ID].字段）。"
        "范围与申报相同：企业用户看本企业的申报，管理人员看范围内已提交的申报。",
        responses={200: HistoryEntrySerializer(many=True), **DENIED, **NOT_FOUND},
        tags=["filings"],
    )
    @action(detail=True, methods=["get"], pagination_class=HistoryPagination, filterset_class=None)
    def history(self, request, pk=None):
        return history_response(self, filing_history(request.user, path_id(pk)))

    @_filing_action(
        "certification_filings_submit",
        "提交申报",
        description="仅本企业用户，草稿状态。自评不符合条件时 409，并给出 reasons 和 gap；通过时冻结快照。",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, application_submit)

    @_filing_action(
        "certification_filings_resubmit", "重新提交", CommentSerializer, description="仅本企业用户，退回修改状态。"
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self._transition(request, application_resubmit, CommentSerializer)

    @_filing_action(
        "certification_filings_withdraw", "撤回申报", CommentSerializer, description="仅本企业用户，作出决定之前。"
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition(request, application_withdraw, CommentSerializer)

    @_filing_action(
        "certification_filings_return",
        "退回修改",
        ReturnSerializer,
        description="区县（本区县）或市级管理人员，审核中的申报。总体意见与逐项意见至少一项。",
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_filing(self, request, pk=None):
        return self._transition(request, application_return, ReturnSerializer)

    @_filing_action(
        "certification_filings_require_on_site_check",
        "安排现场核查",
        CommentSerializer,
        description="区县（本区县）或市级管理人员，已提交的申报。",
    )
    @action(detail=True, methods=["post"], url_path="require-on-site-check", url_name="require-on-site-check")
    def require_on_site_check(self, request, pk=None):
        return self._transition(request, application_require_on_site_check, CommentSerializer)

    @_filing_action(
        "certification_filings_record_on_site_check",
        "登记现场核查结果",
        OnSiteCheckSerializer,
        description="区县（本区县）或市级管理人员，现场核查中的申报。",
    )
    @action(detail=True, methods=["post"], url_path="record-on-site-check", url_name="record-on-site-check")
    def record_on_site_check(self, request, pk=None):
        return self._transition(request, application_record_on_site_check, OnSiteCheckSerializer)

    @_filing_action(
        "certification_filings_recommend",
        "推荐",
        CommentSerializer,
        description="区县（本区县）或市级管理人员，审核中的申报；须现场核查的申报须先登记通过的核查结果。",
    )
    @action(detail=True, methods=["post"])
    def recommend(self, request, pk=None):
        return self._transition(request, application_recommend, CommentSerializer)

    @_filing_action(
        "certification_filings_reject",
        "不予通过",
        RejectSerializer,
        description="区县审核（审核中或退回修改）由本区县或市级管理人员；市级审核（已推荐）仅市级管理人员。",
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._transition(request, application_reject, RejectSerializer)
