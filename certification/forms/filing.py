"""Forms of the online filing, one per step; each gives the service the data it saves (``service_data``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from certification import registry_facts, rules
from certification.evaluation_input import DIRECT_PATH_CHOICES
from certification.models import (
    EVIDENCE_FIELDS,
    FINANCE_COST_FIELDS,
    FINANCE_REVENUE_FIELDS,
    QUARTER_KEYS,
    Application,
    ApplicationAttachment,
    EvaluationCampaign,
    IntellectualProperty,
    RDProject,
)
from certification.rules import evidence
from smeportal.uploads import UploadValidator

STEPS = ["basic", "staff", "finance", "rd", "ip", "direct", "declarations", "attachments", "review"]


STEP_LABELS = {
    "basic": _("基本信息"),
    "staff": _("人员情况"),
    "finance": _("财务数据"),
    "rd": _("研发投入"),
    "ip": _("知识产权"),
    "direct": _("直接确认条件"),
    "declarations": _("承诺事项"),
    "attachments": _("附件材料"),
    "review": _("核对提交"),
}


QUARTER_LABELS = {
    "total_start": _("职工期初人数"),
    "total_end": _("职工期末人数"),
    "tech_start": _("科技人员期初人数"),
    "tech_end": _("科技人员期末人数"),
}


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StepForm(forms.ModelForm):
    """A step of the filing bound to the saved draft; unknown extras are never passed to the service."""

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}


class BasicForm(StepForm):
    """The enterprise's basic data is shown from its record (read-only); this step saves nothing."""

    class Meta:
        model = Application
        fields: list[str] = []


class StaffForm(StepForm):
    class Meta:
        model = Application
        fields = ["total_staff", "tech_staff"]
        help_texts = {
            "total_staff": _("上一年度季度平均数；填写了四个季度的期初、期末人数时自动计算。"),
            "tech_staff": _("上一年度季度平均数；填写了四个季度的期初、期末人数时自动计算。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quarters = self.instance.staff_quarters or []
        for index in range(4):
            saved = quarters[index] if index < len(quarters) and isinstance(quarters[index], dict) else {}
            for key in QUARTER_KEYS:
                self.fields[f"q{index + 1}_{key}"] = forms.DecimalField(
                    label=_("第%(quarter)s季度%(what)s") % {"quarter": index + 1, "what": QUARTER_LABELS[key]},
                    required=False,
                    min_value=0,
                    max_digits=9,
                    decimal_places=0,
                    initial=saved.get(key),
                )

    def quarter_names(self) -> list[str]:
        return [f"q{index + 1}_{key}" for index in range(4) for key in QUARTER_KEYS]

    def clean(self):
        cleaned = super().clean()
        values = [cleaned.get(name) for name in self.quarter_names()]
        if all(value is None for value in values):
            cleaned["staff_quarters"] = []
            return cleaned
        if any(value is None for value in values):
            if not any(name in self.errors for name in self.quarter_names()):
                raise forms.ValidationError(_("请完整填写四个季度的期初、期末人数，或全部留空后直接填写年平均数。"))
            return cleaned
        quarters = [{key: str(cleaned[f"q{index + 1}_{key}"]) for key in QUARTER_KEYS} for index in range(4)]
        cleaned["staff_quarters"] = quarters
        for prefix, target in (("total", "total_staff"), ("tech", "tech_staff")):
            pairs = [(Decimal(q[f"{prefix}_start"]), Decimal(q[f"{prefix}_end"])) for q in quarters]
            cleaned[target] = rules.annual_average_staff(pairs).quantize(rules.CENT, rounding=ROUND_HALF_UP)
        return cleaned

    def service_data(self) -> dict:
        data = super().service_data()
        if "staff_quarters" in self.cleaned_data:
            data["staff_quarters"] = self.cleaned_data["staff_quarters"]
        return data


class FinanceForm(StepForm):
    class Meta:
        model = Application
        fields = [*FINANCE_REVENUE_FIELDS, "sales_revenue", *FINANCE_COST_FIELDS, "total_costs", "total_assets"]
        help_texts = {
            "sales_revenue": _("= 主营业务收入 + 其他业务收入；填写了收入明细时自动计算。"),
            "total_costs": _(
                "= 主营业务成本 + 其他业务成本 + 税金及附加 + 销售费用 + 管理费用 + 财务费用；填写了明细时自动计算。"
            ),
            "total_assets": _("上一年度末资产总额。"),
        }

    def clean(self):
        cleaned = super().clean()
        revenue = [cleaned.get(name) for name in FINANCE_REVENUE_FIELDS]
        if any(value is not None for value in revenue):
            cleaned["sales_revenue"] = rules.sales_revenue(*(v or 0 for v in revenue)).quantize(rules.CENT)
        costs = [cleaned.get(name) for name in FINANCE_COST_FIELDS]
        if any(value is not None for value in costs):
            cleaned["total_costs"] = rules.total_costs(*(v or 0 for v in costs)).quantize(rules.CENT)
        return cleaned


class RDForm(StepForm):
    class Meta:
        model = Application
        fields = ["rd_expense"]
        help_texts = {"rd_expense": _("上一年度研究开发费用总额（万元）。")}


class IPCountForm(StepForm):
    """The counts are entered directly only while no IP items are listed; with items they are counted."""

    class Meta:
        model = Application
        fields = ["class1_ip", "class2_ip"]

    def __init__(self, *args, has_items: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if has_items:
            for field in self.fields.values():
                field.disabled = True
                field.help_text = _("按下方所列知识产权自动统计。")


class DirectForm(StepForm):
    direct_paths = forms.MultipleChoiceField(
        label=_("直接确认条件（第八条，可多选）"),
        choices=DIRECT_PATH_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Application
        fields = ["direct_paths", *EVIDENCE_FIELDS]
        widgets = {"high_tech_certificate_valid_until": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = self.instance.evaluation_year
        start = evidence.window_start(year, EvaluationCampaign.for_year(year).award_window_years)
        self.fields["award_year"].help_text = _("须为{start}至{end}年间获得。").format(start=start, end=year)
        self.fields["standard_year"].help_text = _("须为{start}至{end}年间发布；编号带年份的，须与之一致。").format(
            start=start, end=year
        )
        self.fields["institution_year"].help_text = _("不晚于{year}年。").format(year=year)

    def clean_direct_paths(self):
        return sorted(set(self.cleaned_data.get("direct_paths") or []))


class DeclarationsForm(StepForm):
    """Each flag the register can establish shows what the register says; one it establishes is ticked
    and read-only (:mod:`certification.rules.registry`), so the form never sends it back unticked."""

    class Meta:
        model = Application
        fields = ["resident_enterprise", "audited_tax_collection", "restricted_industry", "compliance_violation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        facts = registry_facts.facts_of(self.instance.enterprise)
        for name in registry_facts.REGISTRY_FLAGS:
            field = self.fields[name]
            field.help_text = _("企业登记信息：{fact}。").format(fact=registry_facts.fact_text(facts, name))
            if name in facts.established():
                field.disabled = True
                self.initial[name] = True
                field.help_text = _("企业登记信息：{fact}。此项依据登记信息确定，不能修改。").format(
                    fact=registry_facts.fact_text(facts, name)
                )


class ReviewForm(StepForm):
    class Meta:
        model = Application
        fields: list[str] = []


STEP_FORMS: dict[str, type[StepForm]] = {
    "basic": BasicForm,
    "staff": StaffForm,
    "finance": FinanceForm,
    "rd": RDForm,
    "ip": IPCountForm,
    "direct": DirectForm,
    "declarations": DeclarationsForm,
    "attachments": ReviewForm,
    "review": ReviewForm,
}


class IPItemForm(forms.ModelForm):
    class Meta:
        model = IntellectualProperty
        fields = [
            "kind",
            "number",
            "title",
            "granted_on",
            "in_force",
            "held_by_enterprise",
            "related_to_main_products",
            "disputed",
        ]
        widgets = {"granted_on": DATE_INPUT}


class RDProjectForm(forms.ModelForm):
    class Meta:
        model = RDProject
        fields = ["name", "started_on", "ended_on", "budget", "expense_last_year"]
        widgets = {"started_on": DATE_INPUT, "ended_on": DATE_INPUT}


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类型"), choices=ApplicationAttachment.Kind.choices)
    file = forms.FileField(
        label=_("文件"),
        validators=[UploadValidator()],
        help_text=_("PDF、JPG 或 PNG，每个不超过 10 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
