"""Forms of the revocation procedure: the list filter, the notice, the defence and the finding."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.models import Registration
from certification.services.revocation import RevocationState
from enterprises.search import validate_query_length
from smeportal.uploads import UploadValidator


class RevocationFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("企业名称、信用代码或登记编号"),
        required=False,
        max_length=100,
        validators=[validate_query_length],
    )
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("全部")), ("open", _("进行中")), *RevocationState.choices]


class NoticeForm(forms.Form):
    grounds = forms.ChoiceField(label=gettext_lazy("撤销事由"), choices=Registration.Grounds.choices)
    reason = forms.CharField(
        label=gettext_lazy("告知的事实和理由"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("将通知企业，并告知其申辩期限。"),
    )


class DefenceForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("书面申辩"), widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(
        label=gettext_lazy("证明材料"),
        required=False,
        validators=[UploadValidator()],
        help_text=gettext_lazy("PDF、JPG或PNG，不超过10 MB。"),
    )


class DecisionForm(forms.Form):
    revoke = forms.TypedChoiceField(
        label=gettext_lazy("决定"),
        choices=[("1", gettext_lazy("撤销入库登记并公告")), ("0", gettext_lazy("不予撤销"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    finding = forms.CharField(label=gettext_lazy("认定意见"), widget=forms.Textarea(attrs={"rows": 4}))
