"""The notice batches the filings go through and the registrations that follow an ended notice.

Per year one ended batch whose filings are registered; for the current year also the open batch whose
third working day is today. Registrations are numbered as the services number them, with serials per
(year, agency code) continuing the stored ``RegistrationSequence``.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from certification.models import Application, NoticeBatch, Registration, RegistrationSequence
from certification.rules.notice import notice_end
from certification.rules.registration import registration_number
from certification.rules.workdays import is_working_day, nth_working_day
from certification.selectors.calendar import calendar_overrides_for
from certification.selectors.notice import public_notice_order
from certification.services.registration import registration_flag

from .context import ActivityContext, SeedContext, at, insert_rows
from .data import FILING_OPENS

S = Application.State


def _working_days_back(day: dt.date, count: int, overrides) -> dt.date:
    """The working day ``count`` working days before ``day`` (``day`` itself counting when working)."""
    counted = 0
    while True:
        if is_working_day(day, overrides):
            counted += 1
            if counted == count:
                return day
        day -= dt.timedelta(days=1)


def seed_notice_batches(ctx: SeedContext, years: tuple[int, int], counts: dict[str, int]):
    """Per year one ended batch (its filings are registered); for the current year also an open one.

    Found by title, so a rerun (even on another day) reuses the stored batches and their dates.
    """
    previous, current = years
    overrides = calendar_overrides_for([previous, current, current + 1])
    plans = {}
    start = nth_working_day(dt.date(previous, 10, 15), 1, overrides)
    plans[(previous, "registered")] = (_("{year}年度科技型中小企业评价入库公示（第一批）").format(year=previous), start)
    opening = dt.date(current, *FILING_OPENS)
    span = max((ctx.today - opening).days, 0)
    start = nth_working_day(opening + dt.timedelta(days=int(span * 0.55)), 1, overrides)
    if notice_end(start, overrides) < ctx.today:
        plans[(current, "registered")] = (
            _("{year}年度科技型中小企业评价入库公示（第一批）").format(year=current),
            start,
        )
    start = _working_days_back(ctx.today, 3, overrides)  # today is the third working day of the window
    plans[(current, "notice")] = (_("{year}年度科技型中小企业评价入库公示（第二批）").format(year=current), start)
    titles = [title for title, _start in plans.values()]
    existing = {batch.title: batch for batch in NoticeBatch.objects.filter(title__in=titles)}
    missing = [
        NoticeBatch(
            title=title,
            start_date=start,
            end_date=notice_end(start, overrides),
            published=True,
            created_at=at(start, 9),
            updated_at=at(start, 9),
        )
        for title, start in plans.values()
        if title not in existing
    ]
    if missing:
        NoticeBatch.objects.bulk_create(missing)
        existing = {batch.title: batch for batch in NoticeBatch.objects.filter(title__in=titles)}
    counts["notice_batches"] += len(missing)
    batches = {key: existing[title] for key, (title, _start) in plans.items()}
    return {year: batches.get((year, "registered")) for year in years}, batches[(current, "notice")]


def number_notice_batches(act: ActivityContext) -> None:
    """Each batch's filings numbered in their public order, as publishing a batch numbers them: the seed
    puts filings in batches chunk by chunk, so a batch's order is known only when all are in."""
    batches = [batch for batch in (*act.registered_batch.values(), act.notice_batch) if batch is not None]
    for batch in batches:
        filings = Application.objects.filter(notice_batch=batch)
        order = public_notice_order(filings.values_list("pk", flat=True))
        filings.update(notice_position=None)  # a rerun adds filings: the batch is numbered from one again
        numbered = [Application(pk=pk, notice_position=n) for n, pk in enumerate(order, start=1)]
        Application.objects.bulk_update(numbered, ["notice_position"], batch_size=2000)


def registration_sequences(years: tuple[int, int]) -> dict[tuple[int, str], int]:
    """The last serial used per (year, agency code), as stored."""
    return {
        (row.evaluation_year, row.district_code): row.last_serial
        for row in RegistrationSequence.objects.filter(evaluation_year__in=years)
    }


def number_registrations(
    act: ActivityContext, plans: list[dict], saved: dict[tuple[int, int], int]
) -> tuple[list[Registration], set[tuple[int, str]]]:
    """Unsaved registrations of the registered (or since expired) filings among ``plans``, and the
    (year, agency code) counters they moved in ``act.sequences``.

    Serials follow the order of submission, as they would have been given out.
    """
    registered = sorted(
        (p for p in plans if p["state"] in (S.REGISTERED, S.EXPIRED)),
        key=lambda p: (p["application"].evaluation_year, p["dates"]["submitted_on"], p["index"]),
    )
    registrations, touched = [], set()
    for plan in registered:
        application = plan["application"]
        year = application.evaluation_year
        code = act.agency[application.evaluating_district.pk]
        serial = act.sequences.get((year, code), 0) + 1
        act.sequences[(year, code)] = serial
        touched.add((year, code))
        number = registration_number(
            evaluation_year=year, code=code, flag=registration_flag(application), serial=serial
        )
        valid_until = plan["dates"]["valid_until"]
        registrations.append(
            Registration(
                application_id=saved[(application.enterprise_id, year)],
                enterprise_id=application.enterprise_id,
                evaluation_year=year,
                number=number,
                valid_from=min(plan["dates"]["registered_on"], valid_until),
                valid_until=valid_until,
                created_at=at(plan["dates"]["registered_on"], 2),
                updated_at=at(plan["dates"]["registered_on"], 2),
            )
        )
    return registrations, touched


def save_registrations(act: ActivityContext, registrations: list[Registration], touched: set[tuple[int, str]]) -> None:
    """Insert the registrations and store the serial counters they moved."""
    insert_rows(Registration, registrations)
    if touched:
        RegistrationSequence.objects.bulk_create(
            [
                RegistrationSequence(evaluation_year=year, district_code=code, last_serial=act.sequences[(year, code)])
                for year, code in sorted(touched)
            ],
            update_conflicts=True,
            unique_fields=["evaluation_year", "district_code"],
            update_fields=["last_serial"],
        )
