"""In-portal notifications: written in one bulk insert, read on /notifications/ and counted in the navbar."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from .display import Message, source_text
from .models import Notification


def notify_users(user_ids: Iterable[int], message: str | Message, link: str = "") -> int:
    """One notification per distinct user; returns how many were created. The text is stored in the source
    language and, for a :class:`~smeportal.display.Message`, with its msgid and parameters, so that each
    reader reads it in their own language (``Notification.text``)."""
    ids = sorted(set(user_ids))
    text = source_text(message)
    data = message.as_data() if isinstance(message, Message) else None
    Notification.objects.bulk_create(
        Notification(user_id=user_id, message=text, message_data=data, link=link) for user_id in ids
    )
    return len(ids)


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
