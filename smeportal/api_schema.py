"""What the OpenAPI schema states beyond drf-spectacular's defaults, so that it says what the API accepts.

A request the schema calls valid is not refused for its form (400): the schema fuzzing of
tests/api/test_schema_fuzz.py sends such requests as four personas and fails on any refusal.

- A required text field that DRF trims and refuses when blank has ``minLength: 1`` and the pattern
  ``\\S`` (ENFORCE_NON_BLANK_FIELDS gives only the length; "  " is refused as well).
- Query filters carry their form field's limits: ``minimum``/``maximum`` of numbers (ids from 1,
  years in range), ``maxLength`` of text, and no query value is longer than the portal accepts at all
  (:data:`smeportal.badinput.MAX_QUERY_VALUE_LENGTH`).
- No text anywhere may contain NUL (U+0000), and JSON bodies are at most
  :data:`smeportal.badinput.MAX_JSON_DEPTH` levels deep: said once, in the schema's description.
Rules across fields (``tech_staff`` ≤ ``total_staff``) and rules of the data (an existing district's
id, the open evaluation year) are in the fields' descriptions.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from .badinput import MAX_QUERY_VALUE_LENGTH

NOT_BLANK = r"\S"


class PortalAutoSchema(AutoSchema):
    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if type(field) is serializers.CharField and meta.get("minLength") == 1 and field.trim_whitespace:
            meta["pattern"] = NOT_BLANK
        return meta


class FilterLimitsExtension(DjangoFilterExtension):
    """django-filter's parameters with the limits their form fields enforce."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        limits = {
            "minimum": filter_field.extra.get("min_value"),
            "maximum": filter_field.extra.get("max_value"),
            # A validator may state the minimum length it enforces (enterprises.search.validate_query_length).
            "minLength": max(
                [getattr(validator, "min_length", 0) for validator in filter_field.extra.get("validators", [])],
                default=0,
            )
            or None,
            "maxLength": filter_field.extra.get("max_length"),
        }
        for parameter in parameters:
            schema = parameter["schema"]
            schema.update({key: value for key, value in limits.items() if value is not None})
            # drf-spectacular reads a NumberFilter as any number; a whole-number field refuses "1.5".
            if issubclass(filter_field.field_class, forms.IntegerField):
                schema["type"] = "integer"
                schema.pop("format", None)
            if isinstance(filter_field, django_filters.ModelChoiceFilter):
                parameter["description"] = _("{label}（须为现有记录的 ID，否则答复 400）").format(
                    label=parameter.get("description") or filter_field.label
                )
        return parameters


def limit_query_strings(result, generator, request, public):
    """Postprocessing hook: every text query parameter within the length the portal accepts."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if parameter.get("in") == "query" and schema.get("type") == "string":
                    schema["maxLength"] = min(schema.get("maxLength", MAX_QUERY_VALUE_LENGTH), MAX_QUERY_VALUE_LENGTH)
    return result
