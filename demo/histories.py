"""The path each filing took through the workflow, what the review left on it, and its events.

A filing's state is drawn first (:mod:`demo.filings`); here the steps that lead to it are laid out as
the services write them, with the snapshot frozen at the last submission, the on-site check where the
rules call for one (``certification.rules.on_site``), and one ``ApplicationEvent`` per step.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from certification.evaluation import application_snapshot, evaluate_application
from certification.models import Application, ApplicationEvent
from certification.rules.on_site import on_site_grounds

from .context import ActivityContext, at
from .data import ON_SITE_NOTES_FAILED, ON_SITE_NOTES_PASSED, REJECT_REASONS, RETURN_COMMENTS

FilingPath = list[tuple[str, str]]  # (from_state, to_state) steps of a filing's history
S = Application.State


def needs_on_site_check(application: Application) -> bool:
    """RULES.md §3 as the review applies it (the demo seeds no revocations before a filing)."""
    return bool(
        on_site_grounds(
            total_staff=application.total_staff,
            tech_staff=application.tech_staff,
            first_time_applicant=application.first_time_applicant,
            revoked_recently=False,
        )
    )


def _path_for(state: str, *, on_site: bool, resubmitted: bool, on_site_failed: bool, submitted: bool) -> FilingPath:
    """The (from, to) steps that lead a filing to ``state``, as the services write them."""
    steps: FilingPath = [("", S.DRAFT)]
    if state == S.DRAFT:
        return steps
    if state == S.WITHDRAWN and not submitted:
        return [*steps, (S.DRAFT, S.WITHDRAWN)]
    steps.append((S.DRAFT, S.SUBMITTED))
    if state == S.SUBMITTED:
        return steps
    if state == S.RETURNED:
        return [*steps, (S.SUBMITTED, S.RETURNED)]
    if state == S.WITHDRAWN:
        return [*steps, (S.SUBMITTED, S.WITHDRAWN)]
    if resubmitted:
        steps += [(S.SUBMITTED, S.RETURNED), (S.RETURNED, S.SUBMITTED)]
    if state == S.ON_SITE_CHECK:
        return [*steps, (S.SUBMITTED, S.ON_SITE_CHECK)]
    if on_site or (state == S.REJECTED and on_site_failed):
        steps += [(S.SUBMITTED, S.ON_SITE_CHECK), (S.ON_SITE_CHECK, S.ON_SITE_CHECK)]
    last = steps[-1][1]
    if state == S.REJECTED:
        return [*steps, (last, S.REJECTED)]
    steps.append((last, S.RECOMMENDED))
    if state == S.RECOMMENDED:
        return steps
    steps.append((S.RECOMMENDED, S.UNDER_NOTICE))
    if state == S.UNDER_NOTICE:
        return steps
    steps.append((S.UNDER_NOTICE, S.REGISTERED))
    if state == S.EXPIRED:
        steps.append((S.REGISTERED, S.EXPIRED))
    return steps


def build_filing_rows(act: ActivityContext, plans: list[dict], user_id: int | None):
    """Fill states, dates, snapshots and the events (unsaved; events still need the filing ids)."""
    now = act.base.now
    for plan in plans:
        application: Application = plan["application"]
        state, dates = plan["state"], plan["dates"]
        enterprise = application.enterprise
        application.state = state
        application.created_at = at(dates["submitted_on"] - dt.timedelta(days=plan["created_before"]))
        application.created_at = max(application.created_at, at(act.opening(application.evaluation_year), 9))
        application.updated_at = now
        application.created_by_id = application.updated_by_id = user_id if plan["index"] == 0 else None
        on_site = False
        # A withdrawal clears what the submission fixed (certification.services.filing.application_withdraw).
        frozen = plan["submitted"] and state != S.WITHDRAWN
        if frozen:
            district = act.districts[enterprise.managing_district_id]
            application.submitted_on = dates["submitted_on"]
            application.first_time_applicant = plan["first_time"]
            application.evaluating_district = district
            on_site = needs_on_site_check(application)
        steps = _path_for(
            state,
            on_site=on_site,
            resubmitted=plan["resubmitted"],
            on_site_failed=plan["on_site_failed"],
            submitted=plan["submitted"],
        )
        if frozen:
            # Frozen at the last submission (a resubmission comes two review steps after the first).
            resubmitted = (S.RETURNED, S.SUBMITTED) in steps
            frozen_on = min(dates["submitted_on"] + dt.timedelta(days=8 if resubmitted else 0), dates["review_until"])
            evaluation = evaluate_application(application, on=frozen_on)
            application.snapshot = application_snapshot(
                application, evaluation=evaluation, district=district, today=frozen_on
            )
        if plan["submitted"] and ((S.ON_SITE_CHECK, S.ON_SITE_CHECK) in steps):
            passed = state != S.REJECTED
            notes = ON_SITE_NOTES_PASSED if passed else ON_SITE_NOTES_FAILED
            application.on_site_checked_on = min(dates["submitted_on"] + dt.timedelta(days=12), dates["review_until"])
            application.on_site_check_passed = passed
            application.on_site_check_note = notes[plan["comment"] % len(notes)]
        if state == S.REJECTED:
            application.decision_reason = REJECT_REASONS[plan["comment"] % len(REJECT_REASONS)]
        if dates["batch"] is not None:
            application.notice_batch = dates["batch"]
        plan["steps"] = steps


ENTERPRISE_STEPS = frozenset({S.DRAFT, S.SUBMITTED, S.WITHDRAWN})


def _actor(act: ActivityContext, plan: dict, to_state: str) -> int | None:
    """Who wrote the step: the enterprise's user, the district reviewer, the city; None for the scheduled jobs."""
    if to_state in ENTERPRISE_STEPS:
        return act.demo_user_id if plan["index"] == 0 else None
    if to_state == S.UNDER_NOTICE:
        return act.city_user_id
    if to_state in (S.REGISTERED, S.EXPIRED):
        return None
    return act.reviewer_ids.get(plan["application"].enterprise.managing_district_id)


def events_for(
    act: ActivityContext, plan: dict, application_id: int, registration_number: str | None
) -> list[ApplicationEvent]:
    application: Application = plan["application"]
    dates = plan["dates"]
    field, text = RETURN_COMMENTS[plan["comment"] % len(RETURN_COMMENTS)]
    day = application.created_at.date()
    events = []
    for number, (from_state, to_state) in enumerate(plan["steps"]):
        comment, field_comments = "", {}
        if to_state == S.SUBMITTED and from_state == S.DRAFT:
            day = dates["submitted_on"]
        elif to_state == S.UNDER_NOTICE:
            day, comment = dates["batch"].start_date, dates["batch"].title
        elif to_state == S.REGISTERED:
            day, comment = dates["registered_on"], registration_number or ""
        elif to_state == S.EXPIRED:
            day = dates["valid_until"] + dt.timedelta(days=1)
        elif number:
            day = min(day + dt.timedelta(days=4), dates["review_until"])
            if to_state == S.RETURNED:
                comment, field_comments = _("请按逐项意见修改后重新提交。"), {field: text}
            elif to_state == S.ON_SITE_CHECK and from_state == S.ON_SITE_CHECK:
                comment = application.on_site_check_note
            elif to_state == S.REJECTED:
                comment = application.decision_reason
        events.append(
            ApplicationEvent(
                application_id=application_id,
                actor_id=_actor(act, plan, to_state),
                from_state=from_state,
                to_state=to_state,
                comment=comment,
                field_comments=field_comments,
                created_at=at(day, 9 + number % 8),
            )
        )
    return events
