"""Spot checks (抽查) in the API: a read-only list, scoped like the pages (the city all, a district its
own checks, anyone else none)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets

from certification.evaluation_input import MAX_EVALUATION_YEAR, MIN_EVALUATION_YEAR
from certification.models import SpotCheck
from certification.selectors.spot_check import spot_checks_visible_to
from enterprises.api import HasEnterpriseScope
from smeportal.api import ID_MAX, LIST_ERRORS, IntegerFilter, NewestFirstCursorPagination


class SpotCheckFilter(django_filters.FilterSet):
    year = IntegerFilter(
        label=_("评价年度"), field_name="draw__year", min_value=MIN_EVALUATION_YEAR, max_value=MAX_EVALUATION_YEAR
    )
    state = django_filters.ChoiceFilter(label=_("状态"), choices=SpotCheck.State.choices)
    district = IntegerFilter(label=_("负责区县/功能区 ID"), field_name="district_id", min_value=1, max_value=ID_MAX)

    class Meta:
        model = SpotCheck
        fields = ["year", "state", "district"]


class SpotCheckSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="draw.year", read_only=True)
    registration_number = serializers.CharField(source="registration.number", read_only=True)
    enterprise = serializers.IntegerField(source="registration.enterprise_id", read_only=True)
    enterprise_name = serializers.CharField(source="registration.enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="registration.enterprise.credit_code", read_only=True)
    district_code = serializers.CharField(source="district.code", read_only=True)
    failure_grounds = serializers.ChoiceField(
        choices=SpotCheck.FAILURE_GROUND_CHOICES,
        allow_blank=True,
        read_only=True,
        help_text=_("未通过的事由；未核查或通过为空字符串"),
    )

    class Meta:
        model = SpotCheck
        fields = [
            "id",
            "year",
            "registration",
            "registration_number",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "district",
            "district_code",
            "state",
            "failure_grounds",
            "result_note",
            "checked_at",
            "revocation",
        ]


@extend_schema_view(
    list=extend_schema(
        operation_id="certification_spot_checks_list",
        summary="抽查列表",
        description="市级管理人员：全部；区县管理人员：分派给本区县的；企业用户：空列表。部门用户和无角色用户 403。",
        responses={200: SpotCheckSerializer(many=True), **LIST_ERRORS},
        tags=["spot-checks"],
    ),
)
class SpotCheckViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = SpotCheckSerializer
    queryset = SpotCheck.objects.none()  # the model, for the schema; get_queryset() scopes
    permission_classes = [permissions.IsAuthenticated, HasEnterpriseScope]
    filterset_class = SpotCheckFilter
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        return spot_checks_visible_to(self.request.user)
