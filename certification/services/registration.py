"""Registration (入库) after the public notice, its numbers and expiry. A registration is revoked only
through the procedure with notice and defence (:mod:`certification.services.revocation`).

Decisions documented here:
- The registration number uses the code of the filing's *evaluating district*, frozen at
  submission (the enterprise's managing district then). A zone has no official code and uses the
  city's code, read from the reference data file (``settings.REFERENCE_DATA_FILE``, key ``city``).
- Serials run per (evaluation year, 6-digit code), whatever the flag; the number is written by
  :func:`certification.rules.registration.registration_number`.
- "Filed" for the flag is the first submission date; founded in the evaluation year (``B``) wins
  over the date flags."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_noop

from certification.guards import Moment, ban_refusals
from certification.models import (
    Application,
    Objection,
    Registration,
    RegistrationSequence,
)
from certification.rules.registration import registration_number
from certification.selectors.campaign import campaigns_for
from certification.states import FilingState
from certification.workflow import (
    ensure_city,
    move_many,
    notify_after_commit,
    transition_context,
)
from enterprises.models import District
from smeportal.display import Message
from smeportal.history import record_saved


@lru_cache(maxsize=4)
def _city_code(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        code = str(json.load(handle)["city"]["code"])
    if len(code) != 6 or not (code.isascii() and code.isdigit()):  # "²" is a digit to isdigit()
        raise ValueError(f"the city code in {path} is not a 6-digit administrative code: {code!r}")
    return code


def agency_code(district: District) -> str:
    """The 6-digit code in the registration number: the district's own, or the city's for a zone."""
    if district.is_zone:
        return _city_code(str(settings.REFERENCE_DATA_FILE))
    return district.code


def registration_flag(application: Application) -> str:
    """``B`` founded in the evaluation year; else ``0`` filed before 1 June, ``A`` on or after it."""
    if application.enterprise.established_on.year == application.evaluation_year:
        return "B"
    return "0" if application.submitted_on < dt.date(application.evaluation_year, 6, 1) else "A"


def _allocate_serials(evaluation_year: int, code: str, count: int) -> int:
    """Reserve ``count`` consecutive serials; returns the first. The sequence row is locked."""
    RegistrationSequence.objects.get_or_create(evaluation_year=evaluation_year, district_code=code)
    sequence = RegistrationSequence.objects.select_for_update().get(evaluation_year=evaluation_year, district_code=code)
    first = sequence.last_serial + 1
    sequence.last_serial += count
    sequence.save(update_fields=["last_serial"])
    return first


@transaction.atomic
def notice_batch_register_due(*, today: dt.date, actor=None, batch_id: int | None = None) -> list[Registration]:
    """Register the filings whose notice window ended before ``today`` and that no objection holds: of one
    batch (``batch_id``, the button on a batch's page) or of every batch (the nightly job).

    Filings of a year whose registrations are no longer made (after the campaign's validity end), and
    those of an enterprise banned from filing for their year (revoked meanwhile, RULES.md §3), stay under
    notice: the workflow table refuses their registration. Safe to run twice: registered filings
    leave the under-notice state, so a second run finds nothing. ``actor`` is None for the scheduled
    task; a person must be a city official.
    """
    if actor is not None:
        ensure_city(actor)
    held = Objection.objects.filter(
        application=OuterRef("pk"), status__in=[Objection.Status.OPEN, Objection.Status.UPHELD]
    )
    due = (
        Application.objects.select_for_update(of=("self",))
        .select_related("enterprise", "evaluating_district", "notice_batch")
        .filter(state=FilingState.UNDER_NOTICE, notice_batch__published=True, notice_batch__end_date__lt=today)
        .exclude(Exists(held))
        .order_by("submitted_on", "id")
    )
    if batch_id is not None:
        due = due.filter(notice_batch_id=batch_id)
    applications = list(due)
    campaigns = campaigns_for({application.evaluation_year for application in applications})
    bans = ban_refusals(applications)
    # Left out rather than refused: one banned enterprise holds up neither its batch nor the nightly job
    # (the batch's page says why it is not registered).
    applications = [
        a for a in applications if today <= campaigns[a.evaluation_year].registration_valid_until and a.pk not in bans
    ]
    if not applications:
        return []
    groups: dict[tuple[int, str], list[Application]] = defaultdict(list)
    for application in applications:
        district = application.evaluating_district or application.enterprise.managing_district
        groups[(application.evaluation_year, agency_code(district))].append(application)
    registrations = []
    for (year, code), members in sorted(groups.items()):
        serial = _allocate_serials(year, code, len(members))
        valid_until = campaigns[year].registration_valid_until
        for offset, application in enumerate(members):
            registrations.append(
                Registration(
                    application=application,
                    enterprise_id=application.enterprise_id,
                    evaluation_year=year,
                    number=registration_number(
                        evaluation_year=year, code=code, flag=registration_flag(application), serial=serial + offset
                    ),
                    valid_from=today,
                    valid_until=valid_until,
                    created_by=actor,
                )
            )
    with transition_context("register", actor):
        Registration.objects.bulk_create(registrations)
        record_saved(registrations)
    numbers = {registration.application_id: registration.number for registration in registrations}
    moment = Moment(today, campaigns=campaigns, bans=bans)
    move_many(applications, "register", actor, moment=moment, comment=lambda application: numbers[application.pk])
    for registration in registrations:
        notify_after_commit(
            registration.application_id,
            Message(
                gettext_noop("您的企业已入库登记，编号{number}，有效期至{until}。"),
                number=registration.number,
                until=registration.valid_until,
            ),
        )
    return registrations


@transaction.atomic
def registration_expire_due(*, today: dt.date) -> int:
    """Move registered filings whose validity ended before ``today`` to expired; safe to run twice."""
    applications = list(
        Application.objects.select_for_update(of=("self",)).filter(
            state=FilingState.REGISTERED, registration__valid_until__lt=today, registration__revoked_at__isnull=True
        )
    )
    move_many(applications, "expire", None, today=today)
    return len(applications)
