"""The enterprise list's filters (django-filter), shared by the list page and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from smeportal.models import SecurityEvent

from .models import District, Enterprise, IndustryCluster
from .search import validate_query_length
from .selectors import search_enterprises

ANY = _("全部")


def yes_no_filter(label):
    choices = [("", ANY), ("true", _("是")), ("false", _("否"))]
    return django_filters.BooleanFilter(label=label, widget=forms.Select(choices=choices))


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("名称或信用代码"),
        method="filter_search",
        validators=[validate_query_length],
        help_text=_("名称或信用代码，至少2个字符（信用代码中的空格和连字符不计）"),
    )
    managing_district = django_filters.ModelChoiceFilter(
        label=_("管理区县/功能区"), queryset=District.objects.all(), empty_label=ANY
    )
    cluster = django_filters.ModelChoiceFilter(
        label=_("产业集群"), queryset=IndustryCluster.objects.all(), empty_label=ANY
    )
    industry_section = django_filters.CharFilter(label=_("行业门类"), lookup_expr="iexact")
    origin = django_filters.ChoiceFilter(label=_("来源"), choices=Enterprise.Origin.choices, empty_label=ANY)
    status = django_filters.ChoiceFilter(label=_("登记状态"), choices=Enterprise.Status.choices, empty_label=ANY)
    in_cultivation_pool = yes_no_filter(_("入选培育库"))
    confirmed = yes_no_filter(_("已确认"))

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
        return search_enterprises(queryset, value)


class SecurityEventFilter(django_filters.FilterSet):
    """The security audit log's search: account, kind, a date range (local dates, both included)."""

    user = django_filters.CharFilter(label=_("用户名"), field_name="username", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("事件"), choices=SecurityEvent.Kind.choices, empty_label=ANY)
    date_from = django_filters.DateFilter(
        label=_("起始日期"), field_name="at", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"), field_name="at", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = SecurityEvent
        fields = ["user", "kind", "date_from", "date_to"]
