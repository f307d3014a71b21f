"""Forms of the officials' review: the list filter and each review action."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.models import DECLARED_FIELDS, Application
from certification.models.filing_fields import DECLARED_COUNT_FIELDS, DECLARED_NUMBER_FIELDS
from certification.selectors.review import ALL, WAITING
from certification.states import FilingState
from certification.workflow import COMMENT_MAX
from enterprises.models import District
from smeportal.display import number

# The declared figures in 万元 (the others are headcounts and counts of items).
MONEY_FIELDS = ("sales_revenue", "total_costs", "rd_expense", "total_assets")

# Declared items an official may comment on one by one when returning a filing.
COMMENTABLE_FIELDS = tuple(
    name
    for name in (
        "total_staff",
        "tech_staff",
        "sales_revenue",
        "total_costs",
        "rd_expense",
        "total_assets",
        "class1_ip",
        "class2_ip",
        "direct_paths",
    )
    if name in DECLARED_FIELDS  # the service accepts comments on declared items only
)


def field_label(name: str) -> str:
    return str(Application._meta.get_field(name).verbose_name)


def declared_text(name: str, value):
    """A declared figure as people write it (the label carries the unit): a headcount ``28``, not
    ``28.00``; money ``1,500.00``; a count ``3``. Anything else comes back unchanged."""
    if value is None:
        return None
    if name in MONEY_FIELDS:
        return number(value, 2)
    if name in DECLARED_NUMBER_FIELDS or name in DECLARED_COUNT_FIELDS:
        return number(value)
    return value


class ReviewFilterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("评价年度"), required=False, min_value=2000, max_value=2100)
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    district = forms.ModelChoiceField(
        label=gettext_lazy("区县/功能区"), required=False, queryset=District.objects.none()
    )

    def __init__(self, *args, city: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # The default is the official's work: the filings waiting for a review.
        self.fields["state"].choices = [(WAITING, _("待审核（默认）")), (ALL, _("全部"))] + [
            (value, label) for value, label in FilingState.choices if value != FilingState.DRAFT
        ]
        if city:
            self.fields["district"].queryset = District.objects.all()
        else:
            del self.fields["district"]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("总体意见"), required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in COMMENTABLE_FIELDS:
            self.fields[f"field_{name}"] = forms.CharField(label=field_label(name), required=False, max_length=500)

    def field_comments(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[f"field_{name}"].strip()
            for name in COMMENTABLE_FIELDS
            if self.cleaned_data.get(f"field_{name}", "").strip()
        }


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("意见"), required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class OnSiteRecordForm(forms.Form):
    checked_on = forms.DateField(
        label=gettext_lazy("核查日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    passed = forms.TypedChoiceField(
        label=gettext_lazy("核查结论"),
        choices=[("1", gettext_lazy("通过")), ("0", gettext_lazy("不通过"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("核查记录"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("不予通过理由"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
