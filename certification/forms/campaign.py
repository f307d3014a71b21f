"""The campaign form of city officials: dates of one evaluation year, cut-offs as a list of dates."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from certification.models import EvaluationCampaign
from certification.services.campaign import CAMPAIGN_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CutoffsField(forms.CharField):
    """Dates written "2026-07-30, 2026-08-30"; stored as a list of ISO dates."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(day) for day in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        days = []
        for part in text.replace("，", ",").split(","):
            if part.strip():
                try:
                    days.append(dt.date.fromisoformat(part.strip()).isoformat())
                except ValueError as exc:
                    raise forms.ValidationError(_("日期格式应为 YYYY-MM-DD，多个日期以逗号分隔。")) from exc
        return sorted(set(days))


class CampaignForm(forms.ModelForm):
    batch_cutoffs = CutoffsField(label=_("批次截止日期"), required=False, max_length=500)

    class Meta:
        model = EvaluationCampaign
        fields = CAMPAIGN_FIELDS
        widgets = dict.fromkeys(
            (
                "filing_opens",
                "filing_closes",
                "notices_end_by",
                "spot_checks_due",
                "summary_due",
                "registration_valid_until",
            ),
            DATE_INPUT,
        )
