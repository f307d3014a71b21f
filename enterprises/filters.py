import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .creditcode import normalize_credit_code
from .models import District, Enterprise, IndustryCluster


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称或信用代码"), method="filter_search")
    managing_district = django_filters.ModelChoiceFilter(label=_("管理区县/功能区"), queryset=District.objects.all())
    cluster = django_filters.ModelChoiceFilter(label=_("产业集群"), queryset=IndustryCluster.objects.all())
    industry_section = django_filters.CharFilter(label=_("行业门类"), lookup_expr="iexact")
    origin = django_filters.ChoiceFilter(label=_("来源"), choices=Enterprise.Origin.choices)
    status = django_filters.ChoiceFilter(label=_("登记状态"), choices=Enterprise.Status.choices)
    in_cultivation_pool = django_filters.BooleanFilter(label=_("入选培育库"))
    confirmed = django_filters.BooleanFilter(label=_("已确认"))

    class Meta:
        model = Enterprise
        fields = [
            "q",
            "managing_district",
            "cluster",
            "industry_section",
            "origin",
            "status",
            "in_cultivation_pool",
            "confirmed",
        ]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        code = normalize_credit_code(value)
        if len(code) == 18:
            return queryset.filter(credit_code=code)
        return queryset.filter(Q(name__contains=value) | Q(credit_code__startswith=code))
