"""The assistance API: agreements and service records in the caller's scope, read-only."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, viewsets

from enterprises.roles import is_official, member_enterprise_id
from smeportal.api import DETAIL_ERRORS, LIST_ERRORS, NewestFirstCursorPagination

from .filters import AgreementFilter, ServiceRecordFilter
from .roles import member_department_id
from .selectors import agreements_visible_to, service_records_visible_to
from .serializers import AgreementSerializer, ServiceRecordSerializer

SCOPE_NOTE = (
    "Scoped to the caller: city officials see all; department users their department's; district officials "
    "those with enterprises of their district; enterprise users those involving their enterprise. "
    "Outside the scope answers 404; users without any scope get 403."
)


# The refusals the views really answer (found by schemathesis: they were missing from the schema).


class HasAssistanceScope(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return is_official(user) or member_department_id(user) is not None or member_enterprise_id(user) is not None


@extend_schema_view(
    list=extend_schema(
        summary="List assistance agreements",
        description=SCOPE_NOTE,
        responses={200: AgreementSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One assistance agreement",
        description=SCOPE_NOTE,
        responses={200: AgreementSerializer, **DETAIL_ERRORS},
    ),
)
class AgreementViewSet(viewsets.ReadOnlyModelViewSet):
    """Assistance agreements (帮扶协议) in the caller's scope; archived agreements are left out."""

    serializer_class = AgreementSerializer
    permission_classes = [permissions.IsAuthenticated, HasAssistanceScope]
    filterset_class = AgreementFilter
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        return agreements_visible_to(self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="List service records",
        description=SCOPE_NOTE,
        responses={200: ServiceRecordSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One service record",
        description=SCOPE_NOTE,
        responses={200: ServiceRecordSerializer, **DETAIL_ERRORS},
    ),
)
class ServiceRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Service records (visits, meetings, calls) under the agreements in the caller's scope."""

    serializer_class = ServiceRecordSerializer
    permission_classes = [permissions.IsAuthenticated, HasAssistanceScope]
    filterset_class = ServiceRecordFilter
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        return service_records_visible_to(self.request.user)
