"""The public self-evaluation calculator with its live score (htmx)."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework import serializers

from certification.evaluation_input import DIRECT_PATH_CHOICES, EvaluationInputSerializer, self_evaluate

NUMBER_SECTIONS = [
    ("staff", ["total_staff", "tech_staff"]),
    ("finance", ["sales_revenue", "total_costs", "rd_expense", "total_assets"]),
    ("ip", ["class1_ip", "class2_ip"]),
]


CHECKBOX_FIELDS = ["resident_enterprise", "audited_tax_collection", "restricted_industry", "compliance_violation"]


# The (一)–(四) answers where "yes" is the passing answer; the other two pass when unticked.
CHECKED_BY_DEFAULT = {"resident_enterprise", "audited_tax_collection"}


def _flatten(errors) -> list[str]:
    """Messages of one field; list fields report a dict of item index → messages."""
    if isinstance(errors, dict):
        return [message for item in errors.values() for message in _flatten(item)]
    if isinstance(errors, (list, tuple)):
        return [message for item in errors for message in _flatten(item)]
    return [str(errors)]


def _number_field(name, declared, data, errors):
    field = declared[name]
    is_int = isinstance(field, serializers.IntegerField)
    return {
        "name": name,
        "label": field.label,
        "help_text": field.help_text,
        "value": data.get(name, "") if data is not None else "",
        "errors": errors.get(name, []),
        "step": "1" if is_int else "0.01",
        "inputmode": "numeric" if is_int else "decimal",
    }


def _form_context(data=None, errors=None):
    """Field descriptions for the template; ``data`` is the posted QueryDict (None on first load)."""
    errors = errors or {}
    declared = EvaluationInputSerializer().fields
    year = declared["evaluation_year"]
    posted_paths = data.getlist("direct_paths") if data is not None else []
    return {
        "year_field": {
            "name": "evaluation_year",
            "label": year.label,
            "value": data.get("evaluation_year", "") if data is not None else timezone.localdate().year,
            "errors": errors.get("evaluation_year", []),
            "min": year.min_value,
            "max": year.max_value,
        },
        "number_sections": [
            (section, [_number_field(name, declared, data, errors) for name in names])
            for section, names in NUMBER_SECTIONS
        ],
        "checkboxes": [
            {
                "name": name,
                "label": declared[name].label,
                "checked": (name in data) if data is not None else name in CHECKED_BY_DEFAULT,
                "errors": errors.get(name, []),
            }
            for name in CHECKBOX_FIELDS
        ],
        "direct_paths": [
            {"value": value, "label": label, "checked": value in posted_paths} for value, label in DIRECT_PATH_CHOICES
        ],
        "direct_path_errors": errors.get("direct_paths", []),
    }


def _payload(post) -> dict:
    """The form as the API's JSON would be: an unticked checkbox is absent from a form post, so it
    is sent as false (not left to the field default), and the direct paths are a list."""
    payload = {name: post.get(name) for name in EvaluationInputSerializer().fields if name in post}
    payload.update({name: name in post for name in CHECKBOX_FIELDS})
    payload["direct_paths"] = post.getlist("direct_paths")
    return payload


def _result_context(post):
    serializer, evaluation = self_evaluate(_payload(post))
    labels = {name: field.label for name, field in serializer.fields.items()}
    errors = {name: _flatten(messages) for name, messages in serializer.errors.items()} if evaluation is None else {}
    error_list = [(labels.get(name, ""), messages) for name, messages in errors.items()]
    return {"evaluation": evaluation, "errors": errors, "error_list": error_list, "submitted": True}


@require_http_methods(["GET", "POST"])
def calculator(request):
    """The calculator page; a plain (no-JavaScript) submit renders the result on the page."""
    if request.method == "POST":
        result = _result_context(request.POST)
        context = {**_form_context(request.POST, result["errors"]), **result}
    else:
        context = {**_form_context(), "submitted": False}
    return render(request, "certification/calculator.html", context)


@require_POST
def calculator_result(request):
    """The htmx partial: the score and reasons for the posted figures."""
    return render(request, "certification/_calculator_result.html", _result_context(request.POST))
