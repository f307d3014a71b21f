"""Registrations in the API, scoped like the filings."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, viewsets

from certification.api.filters import RegistrationFilter
from certification.api.serializers import RegistrationSerializer
from certification.models import Registration
from certification.selectors.registration import registrations_visible_to
from enterprises.api import HasEnterpriseScope
from smeportal.api import DENIED, LIST_ERRORS, NOT_FOUND, NewestFirstCursorPagination


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
    permission_classes = [permissions.IsAuthenticated, HasEnterpriseScope]
    filterset_class = RegistrationFilter
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        return registrations_visible_to(self.request.user)
