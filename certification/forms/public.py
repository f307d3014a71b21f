"""The public's objection form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from smeportal.uploads import UploadValidator


class ObjectionForm(forms.Form):
    real_name = forms.CharField(label=gettext_lazy("真实姓名"), max_length=50)
    contact = forms.CharField(label=gettext_lazy("联系方式"), max_length=100)
    statement = forms.CharField(
        label=gettext_lazy("异议内容"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("请写明异议的事实和理由。"),
    )
    evidence = forms.FileField(
        label=gettext_lazy("证明材料"),
        validators=[UploadValidator()],
        help_text=gettext_lazy("PDF、JPG或PNG，不超过10 MB。"),
    )
