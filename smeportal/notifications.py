"""In-portal notifications: written in one bulk insert, read on /notifications/ and counted in the navbar."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification


def notify_users(user_ids: Iterable[int], message: str, link: str = "") -> int:
    """One notification per distinct user; returns how many were created."""
    ids = sorted(set(user_ids))
    Notification.objects.bulk_create(Notification(user_id=user_id, message=str(message), link=link) for user_id in ids)
    return len(ids)


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
