"""Query-string filters of the assistance API (django-filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from smeportal.api import ID_MAX, IntegerFilter

from .models import AssistanceAgreement, ServiceRecord


# Whole, bounded numbers: a huge or fractional id answered 500 (OverflowError; found by schemathesis).
def _id_filter(field_name, label):
    return IntegerFilter(field_name=field_name, label=label, min_value=1, max_value=ID_MAX)


def _year_filter(field_name="year"):
    return IntegerFilter(field_name=field_name, label=_("年度"), min_value=1900, max_value=9999)


class AgreementFilter(django_filters.FilterSet):
    year = _year_filter()
    enterprise = _id_filter("enterprise_id", _("企业 ID"))
    credit_code = django_filters.CharFilter(field_name="enterprise__credit_code", label=_("统一社会信用代码"))
    district = _id_filter("managing_district_id", _("管理区县/功能区 ID"))
    counts_as_new = django_filters.BooleanFilter(label=_("计入新企业"))
    status = django_filters.ChoiceFilter(choices=AssistanceAgreement.Status.choices, label=_("状态"))

    class Meta:
        model = AssistanceAgreement
        fields = ["year", "enterprise", "credit_code", "district", "counts_as_new", "status"]


class ServiceRecordFilter(django_filters.FilterSet):
    year = _year_filter("agreement__year")
    agreement = _id_filter("agreement_id", _("帮扶协议 ID"))
    enterprise = _id_filter("agreement__enterprise_id", _("企业 ID"))
    district = _id_filter("agreement__managing_district_id", _("管理区县/功能区 ID"))
    counts_as_new = django_filters.BooleanFilter(field_name="agreement__counts_as_new", label=_("计入新企业"))
    status = django_filters.ChoiceFilter(
        field_name="agreement__status", choices=AssistanceAgreement.Status.choices, label=_("协议状态")
    )
    kind = django_filters.ChoiceFilter(choices=ServiceRecord.Kind.choices, label=_("方式"))

    class Meta:
        model = ServiceRecord
        fields = ["year", "agreement", "enterprise", "district", "counts_as_new", "status", "kind"]
