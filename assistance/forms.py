"""Forms of the assistance pages: agreements, service visits, feedback, filters and the Excel upload."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.creditcode import is_valid_credit_code, normalize_credit_code
from enterprises.models import District, IndustryCluster
from smeportal.spreadsheets import check_xlsx
from smeportal.uploads import UploadValidator

from .models import AssistanceAgreement, Measure, ServiceRecord
from .selectors import enterprise_by_name_or_code
from .services import record_date_errors

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
XLSX_ONLY = UploadValidator(kinds={"xlsx"})


class EnterpriseField(forms.CharField):
    """A credit code (any case, spaces allowed) or an enterprise's exact name."""

    def clean(self, value):
        value = super().clean(value)
        code = normalize_credit_code(value)
        if len(code) == 18 and not is_valid_credit_code(code) and code.isalnum() and code.isascii():
            raise ValidationError(_("统一社会信用代码校验位错误，请核对。"), code="bad_credit_code")
        enterprise = enterprise_by_name_or_code(value)
        if enterprise is None:
            raise ValidationError(
                _("未找到该企业，请输入准确的企业名称或统一社会信用代码。"), code="enterprise_not_found"
            )
        return enterprise


class AgreementForm(forms.Form):
    enterprise = EnterpriseField(
        label=_("企业"),
        max_length=200,
        help_text=_("输入统一社会信用代码或企业全称。"),
        # htmx suggests enterprises as the user types (the response holds the #enterprise-options datalist).
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "list": "enterprise-options",
                "hx-get": reverse_lazy("assistance:enterprise_search"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#enterprise-suggestions",
            }
        ),
    )
    year = forms.IntegerField(label=_("协议年度"), min_value=2000, max_value=2100)
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE_INPUT)
    measures = forms.MultipleChoiceField(
        label=_("帮扶措施"), choices=Measure.choices, widget=forms.CheckboxSelectMultiple
    )
    goals = forms.CharField(label=_("帮扶目标"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    responsible_officer = forms.CharField(label=_("责任人"), max_length=50)
    status = forms.ChoiceField(label=_("状态"), choices=AssistanceAgreement.Status.choices)
    document = forms.FileField(label=_("协议文本（PDF/JPG/PNG）"), required=False, validators=[UploadValidator()])

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        if editing:
            del self.fields["enterprise"]
            del self.fields["year"]


class ServiceRecordForm(forms.ModelForm):
    """A service contact under ``agreement``: its dates are checked as the services check them
    (:func:`services.record_date_errors`: not after today, not before the agreement was signed), and the date
    picker offers no day before the signing."""

    def __init__(self, *args, agreement: AssistanceAgreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        signed_on = agreement.signed_on.isoformat()
        self.fields["date"].widget.attrs["min"] = signed_on
        hint = _("协议签订于%(signed_on)s，服务日期不能早于这一天。")
        self.fields["date"].help_text = hint % {"signed_on": signed_on}

    def clean(self):
        data = super().clean()
        errors = record_date_errors(data.get("date"), data.get("resolved_on"), signed_on=self.agreement.signed_on)
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        return data

    class Meta:
        model = ServiceRecord
        fields = ["date", "kind", "issues_raised", "resolution", "resolved_on"]
        widgets = {
            "date": DATE_INPUT,
            "resolved_on": DATE_INPUT,
            "issues_raised": forms.Textarea(attrs={"rows": 3}),
            "resolution": forms.Textarea(attrs={"rows": 3}),
        }


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label=_("我的评价"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AgreementListFilterForm(forms.Form):
    """The agreement list's filters; :meth:`filters` gives the selector's keyword arguments."""

    q = forms.CharField(label=_("企业名称"), max_length=100, required=False)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    counts_as_new = forms.NullBooleanField(
        label=_("新企业"),
        required=False,
        widget=forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))]),
    )
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *AssistanceAgreement.Status.choices], required=False
    )

    def filters(self) -> dict:
        """The valid filters (none when any is invalid: the page says which, and lists everything)."""
        return self.cleaned_data if self.is_valid() else {}


class WithoutAssistanceFilterForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    district = forms.ModelChoiceField(
        label=_("管理区县/功能区"), queryset=District.objects.all(), required=False, empty_label=_("全部")
    )
    cluster = forms.ModelChoiceField(
        label=_("产业集群"), queryset=IndustryCluster.objects.all(), required=False, empty_label=_("全部")
    )
    industry_section = forms.CharField(label=_("行业门类"), max_length=1, required=False)


class AgreementImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"), validators=[XLSX_ONLY])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_xlsx(upload, max_rows=settings.AGREEMENT_IMPORT_MAX_ROWS)  # rows, columns, inflated size
        return upload
