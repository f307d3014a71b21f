"""Forms for enterprise accounts. They validate; enterprises.services writes."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import BaseUserCreationForm
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .creditcode import CREDIT_CODE_PATTERN, normalize_credit_code
from .creditcode import is_valid_credit_code as has_valid_check_character
from .models import District, Enterprise
from .oidc import PROVIDER_USERNAME_PREFIX

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9\- ]{5,18}[0-9]$", _("请输入有效的电话号码（手机或座机，可含区号和短横线）。")
)


def clean_credit_code_value(raw: str) -> str:
    """Normalise a typed credit code and explain in Chinese what is wrong with a bad one."""
    code = normalize_credit_code(raw)
    if not re.fullmatch(CREDIT_CODE_PATTERN, code):
        raise forms.ValidationError(
            _("统一社会信用代码应为18位，由数字和大写字母组成（不含 I、O、S、V、Z）。"), code="credit_code_shape"
        )
    if not has_valid_check_character(code):
        raise forms.ValidationError(
            _("统一社会信用代码校验位不正确，请核对最后一位（校验码）是否输入有误。"), code="credit_code_check"
        )
    return code


class EnterpriseClaimForm(forms.Form):
    """The enterprise (by credit code) and the contact of a claim to act for it: part of self-registration,
    and the claim page's form for a signed-in account without one (an account of the identity provider)."""

    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        help_text=_("18位，见营业执照。可含空格或短横线，大小写均可。"),
    )
    company_name = forms.CharField(label=_("企业名称"), max_length=200)
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, validators=[phone_validator])
    managing_district = forms.ModelChoiceField(
        label=_("所属区县/功能区"),
        queryset=District.objects.all(),
        required=False,
        help_text=_("仅当登记数据中没有该信用代码时需要填写，由该区县确认贵企业。"),
    )
    established_on = forms.DateField(
        label=_("成立日期"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d"),
        help_text=_("仅当登记数据中没有该信用代码时需要填写。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_enterprise: Enterprise | None = None
        self.fields["established_on"].widget.input_type = "date"
        self.fields["managing_district"].widget.attrs["class"] = "form-select"

    def clean_credit_code(self):
        return clean_credit_code_value(self.cleaned_data["credit_code"])

    def clean_established_on(self):
        value = self.cleaned_data.get("established_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("成立日期不能晚于今天。"), code="future")
        return value

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("credit_code")
        if code:
            self.existing_enterprise = Enterprise.objects.filter(credit_code=code).first()
            if self.existing_enterprise is None:
                message = _("登记数据中没有该信用代码的企业，请填写此项，由所属区县确认。")
                for field in ("managing_district", "established_on"):
                    if not cleaned.get(field) and field not in self.errors:
                        self.add_error(field, forms.ValidationError(message, code="required_for_new"))
        return cleaned

    def claim_arguments(self) -> dict:
        """The cleaned claim as the keyword arguments of :func:`enterprises.services.accounts.enterprise_claim`."""
        data = self.cleaned_data
        district = data.get("managing_district")
        return {
            "credit_code": data["credit_code"],
            "company_name": data["company_name"],
            "contact_name": data["contact_name"],
            "contact_phone": data["contact_phone"],
            "managing_district_id": district.pk if district else None,
            "established_on": data.get("established_on"),
        }


class EnterpriseRegistrationForm(EnterpriseClaimForm, BaseUserCreationForm):
    """Self-registration of an enterprise user: account, company (by credit code) and contact."""

    email = forms.EmailField(label=_("电子邮箱"), help_text=_("用于找回密码和接收通知。"))

    field_order = [
        "username",
        "password1",
        "password2",
        "email",
        "credit_code",
        "company_name",
        "contact_name",
        "contact_phone",
        "managing_district",
        "established_on",
    ]

    class Meta(BaseUserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_username(self):
        username = self.cleaned_data.get("username")
        # Reserved for the identity provider's accounts: a name that looks like one is nobody's to choose.
        if username and username.casefold().startswith(PROVIDER_USERNAME_PREFIX):
            raise forms.ValidationError(
                _("以“%(prefix)s”开头的用户名保留给统一身份认证账号，请换一个。"),
                code="reserved",
                params={"prefix": PROVIDER_USERNAME_PREFIX},
            )
        if username and self._meta.model.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("该用户名已被注册，请换一个。"), code="unique")
        return username
