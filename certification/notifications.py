"""Notifications about a filing: to the enterprise, a plain e-mail (console backend by default) and an
in-portal message for each of its users; to the managing district's officials, when it is submitted or
resubmitted for their review.

The enterprise is told through ``transaction.on_commit`` by the services, so nothing goes out for a
rolled-back transition. The district's in-portal messages are written inside the transition's
transaction (they stand or fall with it) and only their e-mails wait for the commit.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_noop

from enterprises.notifications import district_officials, tell, verified_members
from smeportal.display import Message, source_text
from smeportal.notifications import notify_users

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
    return tell(verified_members(application.enterprise_id), _subject(application), message, filing_link(application))


def _subject(application: Application) -> Message:
    return Message(
        gettext_noop("【科技型中小企业评价】{enterprise} {year}年度申报"),
        enterprise=application.enterprise.name,
        year=application.evaluation_year,
    )


def notify_district_of_submission(application: Application, *, resubmitted: bool) -> int:
    """Tell the officials of the filing's managing district that it waits for their review: an in-portal
    message each now (in the caller's transaction), an e-mail each once it commits. Returns how many
    officials were told."""
    officials = district_officials(application.enterprise.managing_district_id)
    template = (
        gettext_noop("{enterprise}已按审核意见修改并重新提交{year}年度申报，请审核。")
        if resubmitted
        else gettext_noop("{enterprise}已提交{year}年度申报，请审核。")
    )
    message = Message(template, enterprise=application.enterprise.name, year=application.evaluation_year)
    subject = _subject(application)
    notify_users(
        [user_id for user_id, _email in officials],
        Message("{subject} {message}", subject=subject, message=message),
        review_link(application),
    )
    recipients = sorted({email for _user_id, email in officials if email})
    if recipients:
        # E-mails go out in Chinese, as the enterprise's do (enterprises.notifications.tell).
        send = partial(send_mail, source_text(subject), source_text(message), settings.DEFAULT_FROM_EMAIL, recipients)
        transaction.on_commit(partial(send, fail_silently=True))
    return len(officials)


def review_link(application: Application) -> str:
    return reverse("certification:review_detail", args=[application.pk])
