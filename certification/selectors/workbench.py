"""What each role finds on its workbench (工作台) from the certification domain: one function per role.

Each function reads a fixed number of rows whatever the size of the registry (counts, the head of a
list, the campaign, the calendar overrides read once), scoped by the same selectors as the pages the
workbench links to, so a card never counts what its list would not show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from certification.models import (
    Application,
    ApplicationEvent,
    NoticeBatch,
    Objection,
    Registration,
    Revocation,
    SpotCheck,
)
from certification.rules import review
from certification.rules.rulesets import Evaluation
from certification.rules.workdays import CalendarOverrides, working_days_left
from certification.selectors.calendar import calendar_overrides_since
from certification.selectors.campaign import (
    Deadline,
    campaign_deadlines,
    campaign_for,
    filing_campaign,
    filing_deadline,
)
from certification.selectors.filing import applications_visible_to
from certification.selectors.registration import latest_registration
from certification.selectors.review import Waiting, review_queue, waiting_for_review
from certification.selectors.revocation import revocations_visible_to
from certification.selectors.spot_check import spot_checks_visible_to
from certification.services.filing_items import score_preview
from certification.states import EDITABLE, MEANINGS, FilingState

HEAD = 5  # rows of a list shown on a card; the card links to the whole list


def _deadline(label: str, day: dt.date, today: dt.date, overrides: CalendarOverrides) -> Deadline:
    return Deadline(label=label, day=day, working_days_left=working_days_left(today, day, overrides))


# --- The enterprise ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """The one thing the enterprise should do now: a link, or a form button when ``post``."""

    label: str
    url: str
    post: bool = False


@dataclass(frozen=True)
class EnterpriseWorkbench:
    year: int
    window_open: bool
    application: Application | None
    evaluation: Evaluation | None = None
    missing: list[str] = field(default_factory=list)
    next_step: NextStep | None = None
    deadline: Deadline | None = None
    return_comment: str = ""
    field_comments: list[tuple[str, str]] = field(default_factory=list)
    registration: Registration | None = None
    revocation: Revocation | None = None

    @property
    def meaning(self) -> str:
        return str(MEANINGS[self.application.state]) if self.application else ""


def _label(name: str) -> str:
    """A declared field's label; a comment stored under another name (older data) is shown as "other"."""
    try:
        return str(Application._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return _("其他")


def _next_step(application: Application | None, window_open: bool, revocation: Revocation | None) -> NextStep | None:
    if revocation is not None and revocation.state == Revocation.State.NOTICED:
        return NextStep(_("提交书面申辩"), reverse("certification:revocation_defend", args=[revocation.pk]))
    if application is None or application.state == FilingState.WITHDRAWN:
        return NextStep(_("开始填报"), reverse("certification:filing_start"), post=True) if window_open else None
    state, pk = application.state, application.pk
    if state == FilingState.DRAFT:
        if application.missing_fields():
            return NextStep(_("继续填报"), reverse("certification:filing_step", args=[pk, "basic"]))
        return NextStep(_("核对并提交"), reverse("certification:filing_step", args=[pk, "review"]))
    if state == FilingState.RETURNED:
        return NextStep(_("按退回意见修改"), reverse("certification:filing_step", args=[pk, "review"]))
    if state == FilingState.REGISTERED and hasattr(application, "registration"):
        proof = reverse("certification:registration_proof", args=[application.registration.pk])
        return NextStep(_("入库登记证明"), proof)
    return NextStep(_("查看申报"), reverse("certification:filing_detail", args=[pk]))


def enterprise_workbench(user, enterprise_id: int, today: dt.date) -> EnterpriseWorkbench:
    """The enterprise's filing of the campaign it files under, its live score and next step, the
    campaign's next deadline, the return comments, its latest registration and an open revocation."""
    campaign = filing_campaign(today)
    window_open = campaign.dates.filing_open_on(today)
    own = applications_visible_to(user).filter(enterprise_id=enterprise_id)
    application = own.filter(evaluation_year=campaign.year).select_related("notice_batch", "registration").first()
    registration = latest_registration(user, enterprise_id)
    revocation = (
        revocations_visible_to(user)
        .filter(registration__enterprise_id=enterprise_id, state__in=Revocation.OPEN_STATES)
        .order_by("defence_deadline")
        .first()
    )
    deadline = None
    if revocation is not None and revocation.state == Revocation.State.NOTICED:
        deadline = _deadline(_("申辩截止"), revocation.defence_deadline, today, calendar_overrides_since(today))
    elif application is not None and application.state == FilingState.UNDER_NOTICE and application.notice_batch:
        deadline = _deadline(_("公示截止"), application.notice_batch.end_date, today, calendar_overrides_since(today))
    elif application is None or application.state in (*EDITABLE, FilingState.WITHDRAWN):
        deadline = filing_deadline(campaign, today)
    comment, comments = "", []
    if application is not None and application.state == FilingState.RETURNED:
        event = (
            ApplicationEvent.objects.filter(application=application, to_state=FilingState.RETURNED)
            .order_by("-created_at", "-id")
            .first()
        )
        if event is not None:
            comment = event.comment
            comments = [(_label(name), text) for name, text in (event.field_comments or {}).items()]
    return EnterpriseWorkbench(
        year=campaign.year,
        window_open=window_open,
        application=application,
        evaluation=score_preview(application, on=today) if application else None,
        missing=[_label(name) for name in application.missing_fields()] if application else [],
        next_step=_next_step(application, window_open, revocation),
        deadline=deadline,
        return_comment=comment,
        field_comments=comments,
        registration=registration,
        revocation=revocation,
    )


# --- The district official ----------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingFiling:
    application: Application
    waiting: Waiting


@dataclass(frozen=True)
class DistrictWorkbench:
    waiting_count: int
    overdue_count: int
    waiting: list[WaitingFiling]
    under_notice: int
    notice_deadline: Deadline | None
    spot_checks_open: int
    spot_check_deadline: Deadline | None
    revocations_open: int
    review_working_days: int = review.REVIEW_WORKING_DAYS


def district_workbench(user, district_id: int, today: dt.date) -> DistrictWorkbench:
    """The district's review queue (oldest first, days waiting, overdue), its filings under notice,
    its spot checks to record and its registrations in a revocation procedure."""
    filings = applications_visible_to(user).filter(managing_district_id=district_id)
    queue = review_queue(user, {"district": district_id})
    head = list(queue[:HEAD])
    overrides = calendar_overrides_since(today, since=head[0].waiting_since if head else None)
    cutoff = review.latest_overdue_submission(today, overrides)
    counts = queue.order_by().aggregate(waiting=Count("pk"), overdue=Count("pk", filter=Q(waiting_since__lte=cutoff)))
    notices = filings.filter(state=FilingState.UNDER_NOTICE).aggregate(
        count=Count("pk"), ends=Min("notice_batch__end_date", filter=Q(notice_batch__end_date__gte=today))
    )
    checks = (
        spot_checks_visible_to(user)
        .filter(district_id=district_id, state=SpotCheck.State.ASSIGNED)
        .aggregate(count=Count("pk"), year=Min("draw__year"))
    )
    spot_check_deadline = None
    if checks["count"]:
        due = campaign_for(checks["year"]).dates.spot_checks_due
        spot_check_deadline = _deadline(_("抽查完成期限"), due, today, overrides) if due else None
    revocations = revocations_visible_to(user).filter(
        registration__enterprise__managing_district_id=district_id, state__in=Revocation.OPEN_STATES
    )
    return DistrictWorkbench(
        waiting_count=counts["waiting"],
        overdue_count=counts["overdue"],
        waiting=[WaitingFiling(application, waiting_for_review(application, today, overrides)) for application in head],
        under_notice=notices["count"],
        notice_deadline=_deadline(_("公示截止"), notices["ends"], today, overrides) if notices["ends"] else None,
        spot_checks_open=checks["count"],
        spot_check_deadline=spot_check_deadline,
        revocations_open=revocations.count(),
    )


# --- The city official --------------------------------------------------------------------------


@dataclass(frozen=True)
class EndingBatch:
    batch_id: int
    title: str
    filings: int
    deadline: Deadline


@dataclass(frozen=True)
class CityWorkbench:
    year: int
    recommended_unbatched: int
    batches_ending: list[EndingBatch]
    objections_open: int
    objections: list[Objection]
    revocations_awaiting: int
    deadlines: list[Deadline]


def city_workbench(user, today: dt.date) -> CityWorkbench:
    """Recommended filings not yet in a notice batch, batches still running (soonest end first),
    open objections, revocations awaiting the city's decision, the campaign's dates ahead."""
    campaign = filing_campaign(today)
    overrides = calendar_overrides_since(today)
    recommended = applications_visible_to(user).filter(state=FilingState.RECOMMENDED, notice_batch__isnull=True)
    batches = (
        NoticeBatch.objects.filter(end_date__gte=today)
        .annotate(filings=Count("applications"))
        .order_by("end_date", "pk")[:HEAD]
    )
    objections = Objection.objects.filter(
        status=Objection.Status.OPEN, application__in=applications_visible_to(user).values("pk")
    ).select_related("application__enterprise", "batch")
    # A revocation waits for the finding once defended, or once its defence deadline has passed.
    awaiting = revocations_visible_to(user).filter(
        Q(state=Revocation.State.DEFENDED) | Q(state=Revocation.State.NOTICED, defence_deadline__lt=today)
    )
    open_objections = list(objections.order_by("created_at", "pk")[:HEAD])
    return CityWorkbench(
        year=campaign.year,
        recommended_unbatched=recommended.count(),
        batches_ending=[
            EndingBatch(
                batch.pk, batch.title, batch.filings, _deadline(_("公示截止"), batch.end_date, today, overrides)
            )
            for batch in batches
        ],
        objections_open=objections.count() if len(open_objections) == HEAD else len(open_objections),
        objections=open_objections,
        revocations_awaiting=awaiting.count(),
        deadlines=campaign_deadlines(campaign, today),
    )
