"""Forms of the spot checks: the list's filter, the city's draw, a district's result."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.models import SpotCheck
from certification.rules.spot_check import MIN_SHARE, SEED_LIMIT
from certification.selectors.spot_check import DEFAULT_SORT
from certification.services.spot_check import YEARS
from enterprises.models import District
from smeportal.uploads import UploadValidator

SORT_CHOICES = [
    ("district", gettext_lazy("按区县")),
    ("number", gettext_lazy("按登记编号")),
    ("enterprise", gettext_lazy("按企业名称")),
    ("state", gettext_lazy("按状态")),
    ("checked", gettext_lazy("按核查时间")),
]


class SpotCheckFilterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("评价年度"), required=False, min_value=YEARS[0], max_value=YEARS[-1])
    district = forms.ModelChoiceField(
        label=gettext_lazy("区县/功能区"), queryset=District.objects.all(), required=False
    )
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("排序"), required=False, choices=SORT_CHOICES, initial=DEFAULT_SORT)

    def __init__(self, *args, city: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("全部")), *SpotCheck.State.choices]
        if not city:  # a district sees only its own checks
            del self.fields["district"]


class DrawForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=YEARS[0], max_value=YEARS[-1])
    share = forms.DecimalField(
        label=gettext_lazy("抽查比例"),
        min_value=MIN_SHARE,
        max_value=1,
        max_digits=4,
        decimal_places=3,
        error_messages={"min_value": gettext_lazy("抽查比例不能低于%(limit_value)s。")},
        help_text=gettext_lazy("小数，例如0.05表示5%；按入库企业数向上取整，至少抽取1家。"),
    )
    seed = forms.IntegerField(
        label=gettext_lazy("随机种子（可选）"),
        required=False,
        min_value=0,
        max_value=SEED_LIMIT - 1,
        help_text=gettext_lazy("留空则随机生成；同一种子对同一名单总是抽中相同的企业。"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "draw_%s")  # its own ids: the list's filter form above has a year too
        super().__init__(*args, **kwargs)


class ResultForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=gettext_lazy("核查结果"),
        choices=[("1", gettext_lazy("核查通过")), ("0", gettext_lazy("核查未通过"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    failure_grounds = forms.ChoiceField(
        label=gettext_lazy("未通过的事由"),
        required=False,
        help_text=gettext_lazy("核查未通过时必选：将据此启动撤销程序并告知企业。"),
    )
    note = forms.CharField(label=gettext_lazy("核查意见"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.FileField(
        label=gettext_lazy("核查材料"),
        validators=[UploadValidator()],
        help_text=gettext_lazy("PDF、JPG或PNG，不超过10 MB。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["failure_grounds"].choices = [("", "—"), *SpotCheck.FAILURE_GROUND_CHOICES]
