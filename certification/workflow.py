"""The filing's workflow: the errors it raises, who may act, and the one guarded move."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from certification import rules
from certification.models import (
    Application,
    ApplicationEvent,
)
from certification.notifications import notify_enterprise
from enterprises.roles import is_city_official, member_enterprise_id, official_district_id


class TransitionError(Exception):
    """A transition the filing's current state (or the calendar) does not allow; the message is for users."""

    def __init__(self, message: str, *, reasons: Iterable[rules.Reason] = (), gap: Iterable[rules.Gap] = ()):
        super().__init__(message)
        self.message = message
        self.reasons = list(reasons)
        self.gap = list(gap)


def _in_scope(actor, application: Application) -> bool:
    if is_city_official(actor):
        return True
    district_id = official_district_id(actor)
    if district_id is not None and district_id == application.enterprise.managing_district_id:
        return True
    enterprise_id = member_enterprise_id(actor)
    return enterprise_id is not None and enterprise_id == application.enterprise_id


def _deny(actor, application: Application):
    if _in_scope(actor, application):
        raise PermissionDenied(_("您无权执行此操作。"))
    raise Http404


def _require_enterprise_user(actor, application: Application) -> None:
    enterprise_id = member_enterprise_id(actor)
    if enterprise_id is None or enterprise_id != application.enterprise_id:
        _deny(actor, application)


def _require_district_reviewer(actor, application: Application) -> None:
    """A district official of the enterprise's managing district, or a city official."""
    if is_city_official(actor):
        return
    district_id = official_district_id(actor)
    if district_id is None or district_id != application.enterprise.managing_district_id:
        _deny(actor, application)


def _require_city(actor, application: Application | None = None) -> None:
    if is_city_official(actor):
        return
    if application is None:
        raise PermissionDenied(_("只有市级管理人员可以执行此操作。"))
    _deny(actor, application)


def _lock(application_id: int) -> Application:
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Http404
    return application


def _move(
    application: Application,
    actor,
    to_state: str,
    *,
    comment: str = "",
    field_comments: Mapping[str, str] | None = None,
    update_fields: Iterable[str] = (),
) -> ApplicationEvent:
    previous = application.state
    application.state = to_state
    application.updated_by = actor if getattr(actor, "pk", None) else None
    application.save(update_fields=["state", "updated_at", "updated_by", *update_fields])
    return ApplicationEvent.objects.create(
        application=application,
        actor=application.updated_by,
        from_state=previous,
        to_state=to_state,
        comment=comment,
        field_comments=dict(field_comments or {}),
    )


def _notify(application_id: int, message: str) -> None:
    transaction.on_commit(partial(notify_enterprise, application_id, str(message)))


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
