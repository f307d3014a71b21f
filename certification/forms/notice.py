"""Forms of the notice batches, the objection decisions and the calendar overrides."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy

from certification.models import Application, CalendarOverride
from certification.services.notice import validate_notice_start
from certification.states import FilingState
from enterprises.models import District
from enterprises.search import validate_query_length


class BatchFilterForm(forms.Form):
    """The filters above the batch form's table of recommended filings (a GET form)."""

    q = forms.CharField(
        label=gettext_lazy("名称或信用代码"), required=False, max_length=200, validators=[validate_query_length]
    )
    district = forms.ModelChoiceField(
        label=gettext_lazy("区县/功能区"),
        queryset=District.objects.all(),
        required=False,
        empty_label=gettext_lazy("全部"),
    )
    year = forms.IntegerField(label=gettext_lazy("评价年度"), required=False, min_value=2000, max_value=2100)


class BatchForm(forms.Form):
    """Title, start and the chosen filings (or all the filters select); the page draws the choices as a table
    (one checkbox each)."""

    title = forms.CharField(label=gettext_lazy("公示标题"), max_length=200)
    start_date = forms.DateField(
        label=gettext_lazy("公示开始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    applications = forms.ModelMultipleChoiceField(
        label=gettext_lazy("公示的申报"),
        queryset=Application.objects.filter(state=FilingState.RECOMMENDED),
        required=False,
    )
    # The table shows one page: this takes every filing the filters select, on every page.
    all_filtered = forms.BooleanField(label=gettext_lazy("选择筛选出的全部申报（含其他页）"), required=False)

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        try:
            validate_notice_start(start)  # the service's rule: a start the calendar can count from
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return start

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_filtered") and not cleaned.get("applications") and "applications" not in self.errors:
            self.add_error("applications", gettext_lazy("请选择要公示的申报。"))
        return cleaned

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].widget.attrs.update(
            {
                "hx-get": reverse("certification:batch_end_date"),
                "hx-trigger": "change",
                "hx-target": "#end-date-preview",
            }
        )


class ObjectionDecisionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=gettext_lazy("处理结论"),
        choices=[("0", gettext_lazy("异议不成立")), ("1", gettext_lazy("异议成立"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=gettext_lazy("处理意见"), widget=forms.Textarea(attrs={"rows": 2}))


class CalendarOverrideForm(forms.Form):
    """Add an override; the service recomputes the deadlines it moves, so the reason is required."""

    date = forms.DateField(
        label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=CalendarOverride.Kind.choices)
    reason = forms.CharField(label=gettext_lazy("调整理由"), max_length=200)


class CalendarOverrideDeleteForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("删除理由"), max_length=200, error_messages={"required": gettext_lazy("请填写删除理由。")}
    )
