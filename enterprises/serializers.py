"""Serializers of the enterprise registry API (read-only)."""

from rest_framework import serializers

from .models import Enterprise


class EnterpriseSerializer(serializers.ModelSerializer):
    managing_district = serializers.SlugRelatedField(slug_field="name", read_only=True)
    cluster = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "credit_code",
            "entity_kind",
            "name",
            "legal_representative",
            "established_on",
            "registered_capital",
            "enterprise_type",
            "industry_section",
            "industry_code",
            "industry_name",
            "cluster",
            "managing_district",
            "origin",
            "introduced_on",
            "founder_category",
            "military_civilian",
            "status",
            "on_abnormal_list",
            "seriously_dishonest",
            "in_cultivation_pool",
            "confirmed",
        ]
        read_only_fields = fields
