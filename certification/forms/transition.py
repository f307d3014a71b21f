"""The comments the enterprise may give the transitions of its filing on the pages (the API's are its
serializers'). Their limit is the services' rule (:func:`certification.workflow.checked_comment`), shared
with the API and the admin: the browser is only told it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from certification.workflow import COMMENT_MAX


def _comment(label) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": 2, "maxlength": COMMENT_MAX})
    )


class WithdrawalForm(forms.Form):
    comment = _comment(_("撤回说明（选填）"))


class ResubmissionForm(forms.Form):
    comment = _comment(_("修改说明"))
