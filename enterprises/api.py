"""The enterprise registry API: enterprises in the caller's scope, read-only."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action

from smeportal.api import (
    DENIED,
    HISTORY_DESCRIPTION,
    NOT_FOUND,
    HistoryEntrySerializer,
    HistoryPagination,
    NewestFirstCursorPagination,
    history_response,
    path_id,
)

from .filters import EnterpriseFilter
from .models import Enterprise
from .scoping import enterprise_scope
from .selectors import enterprise_history, enterprises_visible_to
from .serializers import EnterpriseSerializer


@extend_schema_serializer(component_name="Enterprise")
class EnterpriseAPISerializer(EnterpriseSerializer):
    """The same fields; the schema admits their empty values (DRF drops allow_null and allow_blank
    from read-only model fields, so the generated schema refused a null cluster or a blank category)."""

    cluster = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    founder_category = serializers.ChoiceField(
        choices=Enterprise.FounderCategory.choices, allow_blank=True, read_only=True
    )


class HasEnterpriseScope(permissions.BasePermission):
    """Officials and enterprise users (whoever :func:`enterprise_scope` gives enterprises); everyone
    else is refused outright (deny by default)."""

    def has_permission(self, request, view):
        return not enterprise_scope(request.user).is_empty


@extend_schema_view(
    list=extend_schema(
        operation_id="enterprises_list",
        summary="企业列表",
        description="管理人员：本区县或全市；企业用户：本企业。按 ID 倒序，游标分页（不统计总数）。",
        responses={
            200: EnterpriseAPISerializer(many=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="筛选条件有误"),
            **DENIED,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="分页游标无效"),
        },
        tags=["enterprises"],
    ),
    retrieve=extend_schema(
        operation_id="enterprises_retrieve",
        summary="企业详情",
        responses={
            200: EnterpriseAPISerializer,
            **DENIED,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="不存在或不在您的范围内"),
        },
        tags=["enterprises"],
    ),
)
class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    """Enterprises in the caller's scope (officials: district or city; enterprise users: their own)."""

    serializer_class = EnterpriseAPISerializer
    permission_classes = [permissions.IsAuthenticated, HasEnterpriseScope]
    filterset_class = EnterpriseFilter
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        return enterprises_visible_to(self.request.user)

    @extend_schema(
        operation_id="enterprises_history",
        summary="企业变更记录",
        description=HISTORY_DESCRIPTION
        + "含登记库导入、管理后台修改（管理区县变更等）及该企业的帮扶协议和服务记录。仅管理人员；企业用户 403。",
        responses={200: HistoryEntrySerializer(many=True), **DENIED, **NOT_FOUND},
        tags=["enterprises"],
    )
    @action(detail=True, methods=["get"], pagination_class=HistoryPagination, filterset_class=None)
    def history(self, request, pk=None):
        return history_response(self, enterprise_history(request.user, path_id(pk)))
