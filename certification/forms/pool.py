"""Forms of the cultivation pool pages: the list filters and the quick estimate.

The estimate form only coerces types for rendering; the service validates with the calculator's
serializer (one set of rules for the calculator, the API and the pool)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certification.evaluation_input import DIRECT_PATH_CHOICES, MAX_EVALUATION_YEAR, MIN_EVALUATION_YEAR
from certification.models import DECLARED_FIELDS, PoolEstimate
from certification.rules import closeness, industry
from enterprises.models import District
from enterprises.search import validate_query_length

ANY = _("全部")


YES_NO = [("", ANY), ("true", _("是")), ("false", _("否"))]


SOURCE_CHOICES = [
    ("", ANY),
    (closeness.SOURCE_FILING, _("申报数据")),
    (closeness.SOURCE_ESTIMATE, _("估算数据")),
    (closeness.SOURCE_NONE, _("暂无数据")),
]


def _yes_no(label):
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, required=False, coerce=lambda v: v == "true", empty_value=None
    )


class PoolFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或信用代码"), required=False, max_length=200, validators=[validate_query_length])
    district = forms.ModelChoiceField(
        label=_("管理区县/功能区"), queryset=District.objects.all(), required=False, empty_label=ANY
    )
    source = forms.ChoiceField(label=_("数据来源"), choices=SOURCE_CHOICES, required=False)
    eligible = _yes_no(_("符合条件"))
    restricted = _yes_no(_("限制类行业"))

    def __init__(self, *args, city: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not city:
            del self.fields["district"]


ESTIMATE_FIELDS = ["evaluation_year", *DECLARED_FIELDS]


class PoolEstimateForm(forms.Form):
    """The estimate's fields, named as the calculator's, so its live-score partial can be reused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = forms.fields_for_model(PoolEstimate, fields=ESTIMATE_FIELDS)
        fields["evaluation_year"] = forms.IntegerField(
            label=fields["evaluation_year"].label, min_value=MIN_EVALUATION_YEAR, max_value=MAX_EVALUATION_YEAR
        )
        fields["direct_paths"] = forms.MultipleChoiceField(
            label=_("直接确认条件（第八条，可多选）"),
            choices=DIRECT_PATH_CHOICES,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        for name in ("class1_ip", "class2_ip"):
            fields[name].min_value = 0
        self.fields.update({name: fields[name] for name in ESTIMATE_FIELDS})

    @staticmethod
    def initial_for(enterprise) -> dict:
        """The saved estimate, or defaults: this year and the restricted flag of the enterprise's industry."""
        estimate = getattr(enterprise, "pool_estimate", None)
        if estimate is not None:
            return {name: getattr(estimate, name) for name in ESTIMATE_FIELDS}
        return {
            "evaluation_year": timezone.localdate().year,
            "resident_enterprise": True,
            "audited_tax_collection": True,
            "restricted_industry": industry.is_restricted_industry(
                enterprise.industry_section, enterprise.industry_code
            ),
            "compliance_violation": False,
            "class1_ip": 0,
            "class2_ip": 0,
        }
