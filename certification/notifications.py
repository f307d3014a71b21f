"""Notifications to an enterprise about its filing: a plain e-mail (console backend by default).

Called through ``transaction.on_commit`` by the services, so nothing goes out for a rolled-back
transition. The in-portal message list is left to a later change.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from enterprises.models import EnterpriseMembership

from .models import Application


def notify_enterprise(application_id: int, message: str) -> int:
    """E-mail every user of the filing's enterprise; returns the number of messages sent."""
    application = Application.objects.select_related("enterprise").filter(pk=application_id).first()
    if application is None:
        return 0
    recipients = sorted(
        {
            email
            for email in EnterpriseMembership.objects.filter(enterprise_id=application.enterprise_id).values_list(
                "user__email", flat=True
            )
            if email
        }
    )
    if not recipients:
        return 0
    subject = _("【科技型中小企业评价】{enterprise} {year}年度申报").format(
        enterprise=application.enterprise.name, year=application.evaluation_year
    )
    return send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)
