"""Serializers of the assistance API (agreements and service records, read-only)."""

from rest_framework import serializers

from .models import AssistanceAgreement, ServiceRecord


class AgreementSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enterprise_credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    district = serializers.CharField(source="enterprise.managing_district.name", read_only=True)
    measures = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = AssistanceAgreement
        fields = [
            "id",
            "department",
            "enterprise",
            "enterprise_credit_code",
            "enterprise_name",
            "district",
            "year",
            "signed_on",
            "measures",
            "goals",
            "responsible_officer",
            "status",
            "counts_as_new",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ServiceRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "agreement",
            "date",
            "kind",
            "issues_raised",
            "resolution",
            "resolved_on",
            "enterprise_feedback",
            "feedback_at",
        ]
        read_only_fields = fields
