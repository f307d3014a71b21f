"""Spot checks (抽查, RULES.md §3): the year's draw and the districts' results.

Same conventions as :mod:`certification.workflow`: keyword-only functions, one transaction each, a
refusal a :class:`TransitionError`, bad input ``ValidationError``, a check outside the actor's scope
``Http404``, the wrong role ``PermissionDenied``.

Decisions documented here:
- A year without registrations to draw from is refused rather than recorded as an empty draw, which
  would close the year before its firms are registered.
- A year whose filings are still recommended or under notice is refused too, with their number: the
  draw is final, so a firm registered after it would never be in the population of "the year's
  registered enterprises" (RULES.md §3). The rule is the filings' state, not the campaign's
  ``notices_end_by``: a notice moved by a calendar override may still run after that date (the 10
  working days are the law, the date the plan), and the date may be the spot-check deadline itself
  (PROCEDURE_ORDER allows the same day), which a date rule would leave no day to draw on. The city
  clears the refusal by registering the ended notices or deciding the recommended filings. Filings
  that can never be registered do not count, or they would hold the draw for ever: those of an
  enterprise barred from the year (they stay under notice), and all of them once the year's
  registrations are no longer made (after the campaign's ``registration_valid_until``).
- One draw per evaluation year (the year is unique in the database too); it is never redrawn, so the
  sample the districts work on cannot be changed after the fact. ``actor=None`` is the management
  command (no user is recorded).
- The population is the year's registrations not revoked at the draw, without the high-tech-certificate
  direct confirmations (:func:`certification.selectors.spot_check.spot_check_population`); each drawn
  check goes to the district that manages the enterprise at the draw and stays there.
- A result is recorded once, by an official of the check's district or a city official, with a note and
  an evidence file. A failed check starts the revocation procedure through the same notice as the city's
  (:func:`certification.services.revocation.notice_locked`) with the grounds chosen (no longer meeting
  the conditions, or no answer to the check); when a procedure is already open on the registration the
  check is linked to it instead of starting a second one. A registration revoked since the draw
  cannot fail its check (the notice refuses: there is nothing left to revoke).
- Results after the campaign's spot-check deadline are still accepted (the page shows them as late):
  refusing them would leave the check open for ever.
- Locks are taken check → registration → filing; nothing else locks a check, so the revocation's own
  order (registration → revocation → filing) is kept."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from certification.errors import TransitionError
from certification.models import Registration, Revocation, SpotCheck, SpotCheckDraw
from certification.rules import spot_check as rules
from certification.selectors.campaign import campaign_for
from certification.selectors.spot_check import filings_awaiting_registration, spot_check_population
from certification.services.revocation import notice_locked
from certification.workflow import ensure_city, lock_filing
from enterprises.models import District
from enterprises.notifications import district_officials, tell
from enterprises.scoping import enterprise_scope
from smeportal.display import Message, source_text
from smeportal.history import history_context
from smeportal.uploads import check_upload

SEED_BITS = 32  # a generated seed short enough to read out and type again
YEARS = range(2000, 2101)  # the evaluation years the portal's forms accept


def parse_share(value) -> Decimal:
    """The share as a decimal from the rules' minimum (5%) to 1 with at most 3 places (the column), or
    ValidationError."""
    try:
        share = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        share = None
    if (
        share is None
        or not share.is_finite()
        or not rules.share_allowed(share)
        or share != share.quantize(Decimal("0.001"))
    ):
        raise ValidationError(
            {"share": [_("抽查比例须为{min}至1之间的小数，最多三位小数，例如0.05。").format(min=rules.MIN_SHARE)]}
        )
    return share


def _already_drawn(draw: SpotCheckDraw) -> TransitionError:
    return TransitionError(
        _("{year}年度的抽查已于{day}抽取（随机种子{seed}），每年只抽取一次。").format(
            year=draw.year, day=timezone.localtime(draw.drawn_at).date().isoformat(), seed=draw.seed
        )
    )


@transaction.atomic
def spot_check_draw(*, actor, year: int, share=None, seed: int | None = None) -> SpotCheckDraw:
    """Draw the year's spot checks (city officials, or the command with ``actor=None``), record the
    draw and tell each district which of its firms were drawn."""
    if actor is not None:
        ensure_city(actor)
    if year not in YEARS:
        raise ValidationError({"year": [_("评价年度须在{first}至{last}之间。").format(first=YEARS[0], last=YEARS[-1])]})
    existing = SpotCheckDraw.objects.filter(year=year).first()
    if existing is not None:
        raise _already_drawn(existing)
    campaign = campaign_for(year)
    if pending := filings_awaiting_registration(campaign, timezone.localdate()):
        raise TransitionError(
            _(
                "{year}年度还有{count}件申报处于已推荐或公示中，尚未入库登记。抽查须从本年度全部入库企业中抽取，"
                "请待这些申报入库登记或作出不予通过的决定后再抽取。"
            ).format(year=year, count=pending)
        )
    share = parse_share(campaign.spot_check_share if share in (None, "") else share)
    if seed is None:
        seed = secrets.randbits(SEED_BITS)
    elif not 0 <= seed < rules.SEED_LIMIT:
        raise ValidationError({"seed": [_("随机种子须为0至{limit}之间的整数。").format(limit=rules.SEED_LIMIT - 1)]})
    population = spot_check_population(year)
    if not population.ids:
        raise TransitionError(_("{year}年度还没有可抽查的入库企业，不能抽取。").format(year=year))
    drawn_ids = rules.draw(population.ids, share, seed)
    draw = SpotCheckDraw(
        year=year,
        share=share,
        seed=seed,
        population=len(population.ids),
        excluded=population.excluded,
        drawn=len(drawn_ids),
        drawn_by=actor,
        drawn_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            draw.save()
    except IntegrityError as exc:  # a second draw that ran at the same moment
        raise TransitionError(_("{year}年度的抽查已经抽取，每年只抽取一次。").format(year=year)) from exc
    districts = dict(
        Registration.objects.filter(pk__in=drawn_ids).values_list("pk", "enterprise__managing_district_id")
    )
    SpotCheck.objects.bulk_create(
        SpotCheck(draw=draw, registration_id=pk, district_id=districts[pk]) for pk in drawn_ids
    )
    transaction.on_commit(partial(notify_districts, year, Counter(districts.values())))
    return draw


def notify_districts(year: int, counts: dict[int, int]) -> None:
    """Tell each district's officials how many of its firms were drawn, with the link to the list."""
    link = reverse("certification:spot_checks") + f"?year={year}"
    names = dict(District.objects.filter(pk__in=counts).values_list("pk", "name"))
    due = campaign_for(year).spot_checks_due.isoformat()
    for district_id, count in sorted(counts.items()):
        tell(
            district_officials(district_id),
            Message(gettext_noop("【科技型中小企业评价】{year}年度抽查"), year=year),
            Message(
                gettext_noop("{district}有{count}家入库企业被抽中，请在抽查完成期限{due}前核查并登记结果。"),
                district=names.get(district_id, ""),
                count=count,
                due=due,
            ),
            link,
        )


def _lock_check(actor, check_id: int) -> SpotCheck:
    """The check, locked, when the actor is an official of its district or of the city; else 404."""
    scope = enterprise_scope(actor)
    check = SpotCheck.objects.select_for_update(of=("self",)).select_related("draw").filter(pk=check_id).first()
    if check is None or not (scope.everything or scope.district_id == check.district_id):
        raise Http404
    return check


@transaction.atomic
def spot_check_record(
    *,
    actor,
    check_id: int,
    passed: bool,
    note: str,
    evidence,
    failure_grounds: str = "",
    today: dt.date | None = None,
) -> SpotCheck:
    """Record a check's result with its evidence (the check's district or the city); a failure starts
    the revocation procedure on the registration."""
    check = _lock_check(actor, check_id)
    if not check.is_open:
        raise TransitionError(_("该抽查的结果已于{day}登记。").format(day=timezone.localtime(check.checked_at).date()))
    errors = {}
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("请填写核查意见。")]
    if evidence is None:
        errors["evidence"] = [_("请上传核查材料。")]
    else:
        try:
            check_upload(evidence)
        except ValidationError as problem:
            errors["evidence"] = problem.messages
    if not passed and failure_grounds not in SpotCheck.FAILURE_GROUNDS:
        errors["failure_grounds"] = [_("请选择未通过的事由。")]
    if errors:
        raise ValidationError(errors)
    if not passed:
        check.revocation = _revocation_for_failure(actor, check, failure_grounds, note, today)
    check.state = SpotCheck.State.PASSED if passed else SpotCheck.State.FAILED
    check.failure_grounds = "" if passed else failure_grounds
    check.result_note = note
    check.evidence_name = (getattr(evidence, "name", "") or "")[-200:]
    check.evidence = evidence
    check.checked_by = actor
    check.checked_at = timezone.now()
    check.save()
    return check


def _revocation_for_failure(actor, check: SpotCheck, grounds: str, note: str, today: dt.date | None) -> Revocation:
    registration = Registration.objects.select_for_update(of=("self",)).get(pk=check.registration_id)
    application = lock_filing(registration.application_id)
    current = registration.revocations.filter(state__in=Revocation.OPEN_STATES).first()
    if current is not None:
        return current
    # The enterprise reads the reason in the portal's language, whatever the official's.
    reason = source_text(Message(gettext_noop("{year}年度抽查未通过：{note}"), year=check.draw.year, note=note))
    with history_context(actor=actor, reason=gettext_lazy("抽查未通过，启动撤销程序")):
        return notice_locked(
            actor=actor,
            registration=registration,
            application=application,
            grounds=grounds,
            reason=reason,
            today=today,
        )
