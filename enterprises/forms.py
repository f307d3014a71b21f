"""HTML forms of the enterprises app."""

import codecs

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from smeportal.uploads import UploadValidator, check_upload

from .registry.reading import check_registry_file

CSV_SNIFF_BYTES = 64 * 1024


def _looks_like_csv(upload) -> bool:
    upload.seek(0)
    head = upload.read(CSV_SNIFF_BYTES)
    upload.seek(0)
    if not head or b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            # Incremental decoding: the sample may end in the middle of a multi-byte character.
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return not text.lstrip().startswith("<")  # HTML/XML pages saved as .csv
    return False


class RegistryImportForm(forms.Form):
    file = forms.FileField(
        label=_("登记数据文件"),
        help_text=_("市场监管部门导出的 .xlsx 或 .csv 文件，表头与模板一致。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if name.endswith(".xlsx"):
            check_upload(upload, kinds=frozenset({"xlsx"}))
            check_registry_file(upload, ".xlsx")  # rows, columns and inflated size, before any parser
        elif name.endswith(".csv"):
            if upload.size > settings.MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    _("文件过大（上限 %(limit)s）。") % {"limit": filesizeformat(settings.MAX_UPLOAD_BYTES)}
                )
            if not _looks_like_csv(upload):
                raise forms.ValidationError(_("文件内容不是可读的 CSV 文本（支持 UTF-8 或 GB18030 编码）。"))
            check_registry_file(upload, ".csv")
        else:
            raise forms.ValidationError(_("只支持 .xlsx 或 .csv 文件。"))
        return upload


class AuthorisationLetterForm(forms.Form):
    letter = forms.FileField(
        label=_("加盖公章的授权委托书"),
        validators=[UploadValidator()],
        help_text=_("PDF、JPG 或 PNG，由企业法定代表人签字并加盖企业公章，授权本账号代表企业办理。"),
    )


class ClaimDecisionForm(forms.Form):
    note = forms.CharField(label=_("意见"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
