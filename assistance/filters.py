import django_filters
from django.utils.translation import gettext_lazy as _

from enterprises.models import District

from .models import AssistanceAgreement, ServiceRecord


class AgreementFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("年度"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("企业 ID"))
    credit_code = django_filters.CharFilter(field_name="enterprise__credit_code", label=_("统一社会信用代码"))
    district = django_filters.ModelChoiceFilter(
        field_name="enterprise__managing_district", queryset=District.objects.all(), label=_("管理区县/功能区")
    )
    counts_as_new = django_filters.BooleanFilter(label=_("计入新企业"))
    status = django_filters.ChoiceFilter(choices=AssistanceAgreement.Status.choices, label=_("状态"))

    class Meta:
        model = AssistanceAgreement
        fields = ["year", "enterprise", "credit_code", "district", "counts_as_new", "status"]


class ServiceRecordFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="agreement__year", label=_("年度"))
    agreement = django_filters.NumberFilter(field_name="agreement_id", label=_("帮扶协议 ID"))
    enterprise = django_filters.NumberFilter(field_name="agreement__enterprise_id", label=_("企业 ID"))
    district = django_filters.ModelChoiceFilter(
        field_name="agreement__enterprise__managing_district", queryset=District.objects.all(),
        label=_("管理区县/功能区"),
    )  # fmt: skip
    counts_as_new = django_filters.BooleanFilter(field_name="agreement__counts_as_new", label=_("计入新企业"))
    status = django_filters.ChoiceFilter(
        field_name="agreement__status", choices=AssistanceAgreement.Status.choices, label=_("协议状态")
    )
    kind = django_filters.ChoiceFilter(choices=ServiceRecord.Kind.choices, label=_("方式"))

    class Meta:
        model = ServiceRecord
        fields = ["year", "agreement", "enterprise", "district", "counts_as_new", "status", "kind"]
