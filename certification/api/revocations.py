"""Read-only API of the revocation procedures (撤销), scoped like the pages.

City officials see every procedure, district officials their district's, enterprise users their own
enterprise's; department users and users without a role are refused (403). The writes stay on the
pages (certification/revocation_views.py), which call certification/revocation_services.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from certification.models import Registration, Revocation
from certification.selectors.revocation import revocations_visible_to
from enterprises.api import HasEnterpriseScope
from smeportal.api import DENIED, LIST_ERRORS, NOT_FOUND, NewestFirstCursorPagination

STATE_FILTERS = ("open", *Revocation.State.values)


class RevocationSerializer(serializers.ModelSerializer):
    grounds = serializers.ChoiceField(choices=Registration.Grounds.choices, read_only=True, help_text=_("撤销事由"))
    registration_number = serializers.CharField(source="registration.number", read_only=True)
    enterprise = serializers.IntegerField(source="registration.enterprise_id", read_only=True)
    enterprise_name = serializers.CharField(source="registration.enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="registration.enterprise.credit_code", read_only=True)
    has_defence_attachment = serializers.SerializerMethodField(help_text=_("申辩是否附有证明材料"))

    class Meta:
        model = Revocation
        fields = [
            "id",
            "registration",
            "registration_number",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "grounds",
            "reason",
            "state",
            "noticed_at",
            "defence_deadline",
            "defence",
            "defence_submitted_at",
            "has_defence_attachment",
            "finding",
            "decided_at",
            "announced_at",
        ]
        read_only_fields = fields

    def get_has_defence_attachment(self, obj: Revocation) -> bool:
        return bool(obj.defence_attachment)


@extend_schema_view(
    list=extend_schema(
        operation_id="certification_revocations_list",
        summary="撤销程序列表",
        description="市级管理人员：全部；区县管理人员：本区县企业的；企业用户：本企业的。部门用户和无角色用户 403。",
        parameters=[
            OpenApiParameter(
                "state", str, enum=list(STATE_FILTERS), description="状态；open 为进行中（已告知或已申辩）"
            )
        ],
        responses={200: RevocationSerializer(many=True), **LIST_ERRORS},
        tags=["revocations"],
    ),
    retrieve=extend_schema(
        operation_id="certification_revocations_retrieve",
        summary="撤销程序详情",
        responses={200: RevocationSerializer, **DENIED, **NOT_FOUND},
        tags=["revocations"],
    ),
)
class RevocationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RevocationSerializer
    queryset = Revocation.objects.none()  # the model, for the schema; get_queryset() scopes
    permission_classes = [permissions.IsAuthenticated, HasEnterpriseScope]
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        qs = revocations_visible_to(self.request.user)
        if self.action == "list":
            state = self.request.query_params.get("state", "")
            if state == "open":
                qs = qs.filter(state__in=Revocation.OPEN_STATES)
            elif state in Revocation.State.values:
                qs = qs.filter(state=state)
            elif state:
                raise serializers.ValidationError({"state": [_("状态不正确。")]})
        return qs
