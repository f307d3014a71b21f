"""Query-string filters of the certification API (django-filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from certification.evaluation_input import MAX_EVALUATION_YEAR, MIN_EVALUATION_YEAR
from certification.models import Application, Registration
from enterprises.creditcode import normalize_credit_code
from smeportal.api import ID_MAX, IntegerFilter


def _year_filter():
    return IntegerFilter(label=_("评价年度"), min_value=MIN_EVALUATION_YEAR, max_value=MAX_EVALUATION_YEAR)


class FilingFilter(django_filters.FilterSet):
    evaluation_year = _year_filter()
    state = django_filters.ChoiceFilter(label=_("状态"), choices=Application.State.choices)
    district = IntegerFilter(
        label=_("管理区县/功能区 ID"), field_name="managing_district_id", min_value=1, max_value=ID_MAX
    )
    enterprise = IntegerFilter(label=_("企业 ID"), field_name="enterprise_id", min_value=1, max_value=ID_MAX)

    class Meta:
        model = Application
        fields = ["evaluation_year", "state", "district", "enterprise"]


class RegistrationFilter(django_filters.FilterSet):
    evaluation_year = _year_filter()
    number = django_filters.CharFilter(label=_("入库登记编号"), max_length=24)
    credit_code = django_filters.CharFilter(label=_("统一社会信用代码"), method="filter_credit_code", max_length=40)

    class Meta:
        model = Registration
        fields = ["evaluation_year", "number", "credit_code"]

    def filter_credit_code(self, queryset, name, value):
        code = normalize_credit_code(value)
        return queryset.filter(enterprise__credit_code=code) if code else queryset
