"""Forms of the notice batches, the objection decisions and the calendar overrides."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy

from certification.models import Application, CalendarOverride
from certification.states import FilingState


class RecommendedChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.enterprise.name}（{obj.evaluation_year}）"


class BatchForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("公示标题"), max_length=200)
    start_date = forms.DateField(
        label=gettext_lazy("公示开始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    applications = RecommendedChoiceField(
        label=gettext_lazy("公示的申报"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = (
            Application.objects.filter(state=FilingState.RECOMMENDED)
            .select_related("enterprise__managing_district")
            .order_by("enterprise__managing_district__sort_order", "submitted_on", "id")
        )
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
    reason = forms.CharField(label=gettext_lazy("删除理由"), max_length=200)
