"""Telling the people of an enterprise or a district: an in-portal message each and an e-mail.

Only verified members of an enterprise are told anything about it; a claim waiting for verification
hears only about its own claim.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail

from smeportal.display import Message, source_text
from smeportal.notifications import notify_users

from .models import EnterpriseMembership, OfficialMembership


def verified_members(enterprise_id: int) -> list[tuple[int, str]]:
    """(user id, e-mail) of the enterprise's verified accounts."""
    return list(
        EnterpriseMembership.objects.filter(
            enterprise_id=enterprise_id, status=EnterpriseMembership.Status.VERIFIED
        ).values_list("user_id", "user__email")
    )


def district_officials(district_id: int) -> list[tuple[int, str]]:
    """(user id, e-mail) of the officials of one district or zone."""
    return list(OfficialMembership.objects.filter(district_id=district_id).values_list("user_id", "user__email"))


def city_officials() -> list[tuple[int, str]]:
    """(user id, e-mail) of the city's officials (no district)."""
    return list(OfficialMembership.objects.filter(district__isnull=True).values_list("user_id", "user__email"))


def tell(people: Iterable[tuple[int, str]], subject: str | Message, message: str | Message, link: str = "") -> int:
    """One in-portal message (in each reader's language) and one e-mail (in Chinese) per person; returns the
    number of e-mails sent."""
    people = list(people)
    notify_users(
        [user_id for user_id, _email in people], Message("{subject} {message}", subject=subject, message=message), link
    )
    recipients = sorted({email for _user_id, email in people if email})
    if not recipients:
        return 0
    return send_mail(
        source_text(subject), source_text(message), settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True
    )
