"""The filing's workflow (RULES.md §3): the transition table and the one guarded move.

:data:`TRANSITIONS` says, for every transition, the states it may start from, the state it leads to,
who may take it and the guards it re-checks when it happens. Every transition of a filing, single
(:func:`move`) or in bulk (:func:`move_many`), goes through :func:`allow` (scope and role, state,
guards) and :func:`record` (the new state and one :class:`ApplicationEvent` per filing, written the
same way for both). Services lock the rows (:func:`lock_filing`), validate their input, call these and
send notifications after commit (:func:`notify_after_commit`).

Who may act:
- ``ENTERPRISE``: a user of the filing's enterprise;
- ``REVIEWER``: an official of the enterprise's managing district, or a city official;
- ``CITY``: a city official;
- ``SYSTEM``: a scheduled job (no user).
A filing outside the actor's scope raises ``Http404`` (its existence does not leak); inside the
scope but a role that may not act, ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification import guards
from certification.errors import TransitionError
from certification.models import Application, ApplicationEvent
from certification.notifications import notify_enterprise
from certification.selectors.filing import filing_visible_to
from certification.states import (
    EDITABLE,
    HOLDING_REGISTRATION,
    UNDECIDED,
    WAITING_FOR_REVIEW,
    FilingState,
)
from enterprises.scoping import enterprise_scope
from smeportal.display import Message
from smeportal.history import history_context, record_saved

ENTERPRISE = "enterprise"
REVIEWER = "reviewer"
CITY = "city"
SYSTEM = "system"
NEW = ""  # the "state" of a filing that does not exist yet


Guard = Callable[[Application, guards.Moment], None]


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    refusal: str  # shown when the filing is in none of the sources
    guards: tuple[Guard, ...] = field(default=())


def _transitions(*items: Transition) -> dict[str, Transition]:
    return {item.name: item for item in items}


S = FilingState
TRANSITIONS: dict[str, Transition] = _transitions(
    Transition(
        "open",
        (NEW, S.WITHDRAWN),
        S.DRAFT,
        frozenset({ENTERPRISE}),
        gettext_lazy("该年度的申报已存在。"),
        guards=(guards.not_banned, guards.filing_window_open),
    ),
    Transition(
        "submit",
        (S.DRAFT,),
        S.SUBMITTED,
        frozenset({ENTERPRISE}),
        gettext_lazy("只有草稿状态的申报可以提交。"),
        guards=(
            guards.not_banned,
            guards.filing_window_open,
            guards.enterprise_confirmed,
            guards.figures_complete,
            guards.declaration_matches_registry,
            guards.self_evaluation_passes,
            guards.direct_path_evidence_valid,
        ),
    ),
    Transition(
        "resubmit",
        (S.RETURNED,),
        S.SUBMITTED,
        frozenset({ENTERPRISE}),
        gettext_lazy("只有退回修改的申报可以重新提交。"),
        guards=(
            guards.not_banned,
            guards.filing_window_open,
            guards.enterprise_confirmed,
            guards.figures_complete,
            guards.declaration_matches_registry,
            guards.self_evaluation_passes,
            guards.direct_path_evidence_valid,
        ),
    ),
    Transition("withdraw", UNDECIDED, S.WITHDRAWN, frozenset({ENTERPRISE}), gettext_lazy("已作出决定的申报不能撤回。")),
    Transition(
        "return", WAITING_FOR_REVIEW, S.RETURNED, frozenset({REVIEWER}), gettext_lazy("只有审核中的申报可以退回修改。")
    ),
    Transition(
        "require_on_site_check",
        (S.SUBMITTED,),
        S.ON_SITE_CHECK,
        frozenset({REVIEWER}),
        gettext_lazy("只有已提交的申报可以安排现场核查。"),
    ),
    Transition(
        "record_on_site_check",
        (S.ON_SITE_CHECK,),
        S.ON_SITE_CHECK,
        frozenset({REVIEWER}),
        gettext_lazy("只有现场核查中的申报可以登记核查结果。"),
    ),
    Transition(
        "recommend",
        WAITING_FOR_REVIEW,
        S.RECOMMENDED,
        frozenset({REVIEWER}),
        gettext_lazy("只有审核中的申报可以推荐。"),
        guards=(guards.not_banned, guards.declaration_matches_registry, guards.on_site_check_passed_when_required),
    ),
    Transition(
        "reject",
        (*WAITING_FOR_REVIEW, S.RETURNED),
        S.REJECTED,
        frozenset({REVIEWER}),
        gettext_lazy("该申报当前状态不能作出不予通过的决定。"),
    ),
    Transition(
        "reject_recommended",
        (S.RECOMMENDED,),
        S.REJECTED,
        frozenset({CITY}),
        gettext_lazy("该申报当前状态不能作出不予通过的决定。"),
    ),
    Transition(
        "publish", (S.RECOMMENDED,), S.UNDER_NOTICE, frozenset({CITY}), gettext_lazy("只有已推荐的申报可以公示。")
    ),
    Transition(
        "uphold_objection", (S.UNDER_NOTICE,), S.REJECTED, frozenset({CITY}), gettext_lazy("该申报已不在公示中。")
    ),
    # A revocation bars the enterprise's filings of the barred years that are still on the way to a
    # registration: they end with the revocation instead of waiting for one the guards refuse.
    Transition(
        "bar",
        (*WAITING_FOR_REVIEW, S.RETURNED, S.RECOMMENDED, S.UNDER_NOTICE),
        S.REJECTED,
        frozenset({CITY}),
        gettext_lazy("该申报当前状态不能因撤销入库登记而终止。"),
    ),
    Transition(
        "register",
        (S.UNDER_NOTICE,),
        S.REGISTERED,
        frozenset({CITY, SYSTEM}),
        gettext_lazy("该申报已不在公示中。"),
        guards=(guards.not_banned, guards.notice_over, guards.registration_window_open),
    ),
    Transition("expire", (S.REGISTERED,), S.EXPIRED, frozenset({SYSTEM}), gettext_lazy("该入库登记已不在有效期内。")),
    Transition("revoke", HOLDING_REGISTRATION, S.REVOKED, frozenset({CITY}), gettext_lazy("该入库登记已被撤销。")),
)
del S


# The reason each transition gives in the change history of the rows it writes.
TRANSITION_REASONS = {
    "open": gettext_lazy("新建申报"),
    "submit": gettext_lazy("提交申报"),
    "resubmit": gettext_lazy("重新提交申报"),
    "withdraw": gettext_lazy("撤回申报"),
    "return": gettext_lazy("退回修改"),
    "require_on_site_check": gettext_lazy("安排现场核查"),
    "record_on_site_check": gettext_lazy("登记现场核查结果"),
    "recommend": gettext_lazy("审核推荐"),
    "reject": gettext_lazy("不予通过"),
    "reject_recommended": gettext_lazy("市级不予通过"),
    "publish": gettext_lazy("发布公示"),
    "uphold_objection": gettext_lazy("异议成立"),
    "bar": gettext_lazy("撤销入库登记后不予通过"),
    "register": gettext_lazy("入库登记"),
    "expire": gettext_lazy("入库登记到期"),
    "revoke": gettext_lazy("撤销入库登记"),
}


def transition_context(name: str, actor):
    """The history context of transition ``name``: its reason, and ``actor`` (None: the system)."""
    return history_context(actor=actor if getattr(actor, "pk", None) else None, reason=TRANSITION_REASONS[name])


# --- Who may act --------------------------------------------------------------------------------


def roles_of(actor, application: Application) -> frozenset[str]:
    """The workflow roles ``actor`` holds on ``application`` (empty outside its scope)."""
    if actor is None:
        return frozenset({SYSTEM})
    scope = enterprise_scope(actor)
    if not filing_visible_to(scope, application):
        return frozenset()
    if scope.everything:
        return frozenset({REVIEWER, CITY})
    if scope.district_id is not None:
        return frozenset({REVIEWER})
    return frozenset({ENTERPRISE})


def ensure_role(actor, application: Application, roles: Iterable[str]) -> None:
    """Http404 outside the actor's scope; PermissionDenied inside it without one of ``roles``."""
    held = roles_of(actor, application)
    if not held:
        raise Http404
    if not held & frozenset(roles):
        raise PermissionDenied(_("您无权执行此操作。"))


def ensure_city(actor) -> None:
    """For actions on no single filing (a notice batch, an objection, the calendar): city officials only."""
    if not enterprise_scope(actor).everything:
        raise PermissionDenied(_("只有市级管理人员可以执行此操作。"))


def ensure_editable(application: Application, actor) -> None:
    """The enterprise's own users change a filing's figures and items while it is a draft or returned."""
    ensure_role(actor, application, (ENTERPRISE,))
    if application.state not in EDITABLE:
        raise TransitionError(_("只有草稿或退回修改的申报可以修改。"))


def available(application: Application, actor) -> set[str]:
    """The transitions ``actor`` could start from the filing's state (guards not checked): for buttons."""
    held = roles_of(actor, application)
    return {t.name for t in TRANSITIONS.values() if application.state in t.sources and t.roles & held}


# --- The guarded move ---------------------------------------------------------------------------


def allow(
    application: Application,
    name: str,
    actor,
    *,
    today: dt.date | None = None,
    moment: guards.Moment | None = None,
) -> Transition:
    """Check that ``actor`` may take transition ``name`` on ``application`` now: scope and role, then
    the state, then the transition's guards. Raises; returns the transition."""
    transition = TRANSITIONS[name]
    ensure_role(actor, application, transition.roles)
    if application.state not in transition.sources:
        raise TransitionError(str(transition.refusal))
    moment = moment or guards.Moment(today or timezone.localdate())
    for guard in transition.guards:
        guard(application, moment)
    return transition


# The day of a filing's latest submission (the review queue waits from it, selectors.review) and of its
# latest recommendation (the notice lists' order, selectors.notice), stored by the transition itself.
DAY_STAMPED = {FilingState.SUBMITTED: "last_submitted_on", FilingState.RECOMMENDED: "recommended_on"}


def record(
    applications: Sequence[Application],
    name: str,
    actor,
    *,
    comment: str | Callable[[Application], str] = "",
    field_comments: Mapping[str, str] | None = None,
    update_fields: Iterable[str] = (),
) -> list[ApplicationEvent]:
    """Write transition ``name`` for filings that :func:`allow` let through: the target state, who and
    when, the other ``update_fields`` the caller set, and one event each (one bulk write for many).
    ``comment`` may be a function of the filing when each event says something of its own."""
    transition = TRANSITIONS[name]
    user = actor if getattr(actor, "pk", None) else None
    now = timezone.now()
    events = []
    for application in applications:
        if application.state not in transition.sources:
            raise TransitionError(str(transition.refusal))
        events.append(
            ApplicationEvent(
                application=application,
                actor=user,
                from_state=application.state,
                to_state=transition.target,
                comment=comment(application) if callable(comment) else comment,
                field_comments=dict(field_comments or {}),
            )
        )
        application.state = transition.target
        application.updated_by = user
        application.updated_at = now
    fields = ["state", "updated_at", "updated_by", *update_fields]
    if stamped := DAY_STAMPED.get(transition.target):
        for application in applications:
            setattr(application, stamped, timezone.localdate(now))
        fields.append(stamped)
    with transition_context(name, user):
        if len(applications) == 1:
            (application,) = applications
            if application.pk is None:  # a filing opened by this very transition
                application.save()
            else:
                application.save(update_fields=fields)
            return [ApplicationEvent.objects.create(**_event_fields(events[0]))]
        Application.objects.bulk_update(applications, fields)
        record_saved(applications, fields)
    return ApplicationEvent.objects.bulk_create(events)


def _event_fields(event: ApplicationEvent) -> dict:
    return {
        "application": event.application,
        "actor": event.actor,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "comment": event.comment,
        "field_comments": event.field_comments,
    }


def move(
    application: Application,
    name: str,
    actor,
    *,
    today: dt.date | None = None,
    comment: str = "",
    field_comments: Mapping[str, str] | None = None,
    update_fields: Iterable[str] = (),
) -> ApplicationEvent:
    """:func:`allow` then :func:`record`, for one filing."""
    allow(application, name, actor, today=today)
    (event,) = record(
        [application], name, actor, comment=comment, field_comments=field_comments, update_fields=update_fields
    )
    return event


def move_many(
    applications: Sequence[Application],
    name: str,
    actor,
    *,
    today: dt.date | None = None,
    moment: guards.Moment | None = None,
    comment: str | Callable[[Application], str] = "",
    update_fields: Iterable[str] = (),
) -> list[ApplicationEvent]:
    """:func:`allow` for every filing, then one :func:`record` for all (the bulk transitions)."""
    moment = moment or guards.Moment(today or timezone.localdate())
    for application in applications:
        allow(application, name, actor, moment=moment)
    return record(applications, name, actor, comment=comment, update_fields=update_fields)


# --- Helpers of the services --------------------------------------------------------------------


def lock_filing(application_id: int) -> Application:
    """The filing, locked for the rest of the transaction, with its enterprise; Http404 when missing."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Http404
    return application


# The longest comment a person gives a transition: the timeline is append-only, and every reviewer's page
# and the API's events carry it from then on.
COMMENT_MAX = 2000


def checked_comment(comment: str, field: str = "comment") -> str:
    """``comment`` as a person typed it for a transition (the form's ``field``); ValidationError on ``field``
    above :data:`COMMENT_MAX`. Asked by each service that takes typed text, so the pages, the API and any
    other caller share the limit (the forms and serializers also say it, under their own fields)."""
    if len(comment) > COMMENT_MAX:
        raise ValidationError({field: [_("意见不能超过{limit}个字符。").format(limit=COMMENT_MAX)]})
    return comment


def notify_after_commit(application_id: int, message: Message) -> None:
    """Tell the filing's enterprise, once the transaction has committed (nothing for a rollback)."""
    transaction.on_commit(partial(notify_enterprise, application_id, message))


def today_or(today: dt.date | None) -> dt.date:
    """The services take an explicit date for tests and jobs; people act today (portal time zone)."""
    return today or timezone.localdate()
