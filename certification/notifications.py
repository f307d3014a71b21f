"""Notifications to an enterprise about its filing: a plain e-mail (console backend by default) and an
in-portal message for each of the enterprise's users.

Called through ``transaction.on_commit`` by the services, so nothing goes out for a rolled-back
transition.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_noop

from enterprises.notifications import tell, verified_members
from smeportal.display import Message

from .models import Application


def filing_link(application: Application) -> str:
    """The enterprise's page of the filing, when the filing pages exist; else no link."""
    for kwargs in ({"pk": application.pk}, {"year": application.evaluation_year}):
        try:
            return reverse("certification:filing_detail", kwargs=kwargs)
        except NoReverseMatch:
            continue
    return ""


def notify_enterprise(application_id: int, message: Message) -> int:
    """E-mail every user of the filing's enterprise and leave each an in-portal message.

    Returns the number of e-mails sent.
    """
    application = Application.objects.select_related("enterprise").filter(pk=application_id).first()
    if application is None:
        return 0
    subject = Message(
        gettext_noop("【科技型中小企业评价】{enterprise} {year}年度申报"),
        enterprise=application.enterprise.name,
        year=application.evaluation_year,
    )
    return tell(verified_members(application.enterprise_id), subject, message, filing_link(application))
