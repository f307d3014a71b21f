"""Reads of the assistance app, including the role scoping (deny by default)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from enterprises.creditcode import is_valid_credit_code, normalize_credit_code
from enterprises.models import Enterprise
from enterprises.roles import is_city_official
from enterprises.scoping import enterprise_scope
from enterprises.search import first_matches, is_too_short, name_or_code_condition
from smeportal.aggregates import count_of
from smeportal.listing import Sorting

from . import newness
from .models import AssistanceAgreement, Department, DepartmentTarget, QuotaPolicy, ServiceRecord
from .roles import member_department_id


def new_enterprise_q(*, year: int, window_years: int = 1, prefix: str = "") -> Q:
    """The database form of ``newness.is_new_enterprise`` for enterprises (prefix "" ) or a relation to one."""
    first, last = newness.window(year, window_years)
    established = Q(**{f"{prefix}established_on__year__gte": first, f"{prefix}established_on__year__lte": last})
    introduced = Q(
        **{
            f"{prefix}origin": newness.INTRODUCED,
            f"{prefix}introduced_on__year__gte": first,
            f"{prefix}introduced_on__year__lte": last,
        }
    )
    return established | introduced


def can_manage_department(user, department_id: int) -> bool:
    """Department users manage their own department; city officials every department."""
    return is_city_official(user) or (department_id is not None and member_department_id(user) == department_id)


def departments_visible_to(user) -> QuerySet[Department]:
    if is_city_official(user):
        return Department.objects.all()
    if (department_id := member_department_id(user)) is not None:
        return Department.objects.filter(pk=department_id)
    return Department.objects.none()


def agreements_visible_to(user, *, include_archived: bool = False) -> QuerySet[AssistanceAgreement]:
    """City officials: all; department users: their department's; enterprise users: their enterprise's;
    district officials: those with enterprises of their district; everyone else: none."""
    qs = AssistanceAgreement.objects.select_related("department", "enterprise", "enterprise__managing_district")
    if not include_archived:
        qs = qs.filter(archived=False)
    scope = enterprise_scope(user)
    if scope.is_official:
        return qs.filter(scope.q("enterprise", district="managing_district"))
    if (department_id := member_department_id(user)) is not None:
        return qs.filter(department_id=department_id)
    # An enterprise pending the district's confirmation sees no agreements yet.
    return qs.filter(scope.q("enterprise"), enterprise__confirmed=True)


def with_record_counts(agreements: QuerySet[AssistanceAgreement]) -> QuerySet[AssistanceAgreement]:
    """The agreements, each with ``record_count``: its service records, counted per agreement shown."""
    return agreements.annotate(record_count=count_of(ServiceRecord.objects.filter(agreement=OuterRef("pk"))))


# The agreement list: this year's first, the latest signed first within a year.
AGREEMENT_SORTING = Sorting(
    keys={
        "enterprise": ("enterprise__name", "id"),
        "department": ("department__sort_order", "department__code", "id"),
        "year": ("year", "signed_on", "id"),
        "signed": ("signed_on", "id"),
    },
    default="-year",
)


def agreements_listed(
    user,
    *,
    q: str = "",
    year: int | None = None,
    counts_as_new: bool | None = None,
    status: str = "",
    sort: str | None = None,
) -> QuerySet[AssistanceAgreement]:
    """The agreements the user sees, with their record counts, filtered and ordered as the list asks
    (``sort``: a key of :data:`AGREEMENT_SORTING`)."""
    qs = with_record_counts(agreements_visible_to(user))
    if q:
        qs = qs.filter(enterprise__name__substring=q)
    if year is not None:
        qs = qs.filter(year=year)
    if counts_as_new is not None:
        qs = qs.filter(counts_as_new=counts_as_new)
    if status:
        qs = qs.filter(status=status)
    return AGREEMENT_SORTING.order_by(qs, sort)


def service_records_visible_to(user) -> QuerySet[ServiceRecord]:
    visible = agreements_visible_to(user).values("pk")
    return ServiceRecord.objects.select_related(
        "agreement", "agreement__department", "agreement__enterprise", "agreement__enterprise__managing_district"
    ).filter(agreement__in=visible)


def enterprise_by_name_or_code(text: str) -> Enterprise | None:
    """The enterprise with this credit code (normalised, check character valid) or exactly this name.

    A name names the one confirmed enterprise of that name before any enterprise still awaiting its district's
    confirmation: anyone can self-register a company under a real one's name, and such a stranger must neither
    be chosen for the real one nor make its name ambiguous. An unconfirmed enterprise is still found (by its
    code, or a name only it has), so that signing with it is refused with the reason."""
    text = (text or "").strip()
    if not text:
        return None
    code = normalize_credit_code(text)
    if len(code) == 18 and is_valid_credit_code(code):
        found = Enterprise.objects.filter(credit_code=code).first()
        if found is not None:
            return found
    matches = list(Enterprise.objects.filter(name=text).order_by("-confirmed", "pk")[:2])
    if len(matches) == 1 or (len(matches) == 2 and matches[0].confirmed and not matches[1].confirmed):
        return matches[0]
    return None


def enterprise_suggestions(text: str, *, limit: int = 10) -> list[Enterprise]:
    """The enterprises an agreement can be signed with whose name or code matches: operating, and confirmed
    (a self-registered enterprise awaiting its district's confirmation is not offered)."""
    text = (text or "").strip()
    if not text or is_too_short(text):
        return []
    matching = Enterprise.objects.filter(
        name_or_code_condition("", text), status=Enterprise.Status.OPERATING, confirmed=True
    )
    return list(first_matches(matching, limit).select_related("managing_district"))


@dataclass(frozen=True)
class NewShare:
    """Agreements of a year and how many of them are with new enterprises, against the 20% target."""

    agreements: int
    new: int
    target: Decimal

    @property
    def share(self) -> Decimal | None:
        return newness.share_of(self.new, self.agreements) if self.agreements else None

    @property
    def share_percent(self) -> str:
        return "—" if self.share is None else f"{newness.percent(self.share, 1)}%"

    @property
    def target_percent(self) -> str:
        # The target as set, without trailing zeros: 20%, 12.5% (not rounded to 12% or 13%).
        return f"{(Decimal(self.target) * 100).normalize():f}%"

    @property
    def required_new(self) -> int:
        return newness.required_new(self.agreements, self.target)

    @property
    def short_by(self) -> int:
        return newness.short_by(agreements=self.agreements, new=self.new, target=self.target)

    @property
    def share_met(self) -> bool:
        return self.agreements > 0 and self.short_by == 0


@dataclass(frozen=True)
class Progress(NewShare):
    department: Department
    year: int
    task: int | None

    @property
    def task_remaining(self) -> int | None:
        return None if self.task is None else max(0, self.task - self.agreements)

    @property
    def task_percent(self) -> int | None:
        if not self.task:
            return None
        # Toward zero like the shares: 199 of a task of 200 is 99%, not done.
        return min(100, int(newness.percent(newness.share_of(self.agreements, self.task), 0)))


def _progress_queryset(year: int) -> QuerySet[Department]:
    this_year = Q(agreements__year=year, agreements__archived=False)
    return Department.objects.annotate(
        agreement_count=Count("agreements", filter=this_year),
        new_count=Count("agreements", filter=this_year & Q(agreements__counts_as_new=True)),
        task=Subquery(
            DepartmentTarget.objects.filter(department=OuterRef("pk"), year=year).values("enterprises_to_assist")[:1],
            output_field=IntegerField(),
        ),
        new_target=Coalesce(
            Subquery(QuotaPolicy.objects.filter(year=year).values("new_enterprise_target")[:1]),
            Value(QuotaPolicy._meta.get_field("new_enterprise_target").default),
        ),
    )


def _progress(department: Department, year: int) -> Progress:
    return Progress(
        department=department,
        year=year,
        agreements=department.agreement_count,
        new=department.new_count,
        task=department.task,
        target=Decimal(department.new_target),
    )


def department_progress(department: Department, year: int) -> Progress:
    """Agreements, new-enterprise agreements, the task and the share target of one department: one query."""
    annotated = _progress_queryset(year).get(pk=department.pk)
    return _progress(annotated, year)


def departments_progress(year: int, departments: QuerySet[Department] | None = None) -> list[Progress]:
    """The progress of every department (the city overview): one query."""
    qs = _progress_queryset(year)
    if departments is not None:
        qs = qs.filter(pk__in=departments.values("pk"))
    return [_progress(department, year) for department in qs.order_by("sort_order", "code")]


# The list of new enterprises nobody assists: the newest first, as the workbench shows its head.
WITHOUT_ASSISTANCE_SORTING = Sorting(
    keys={
        "established": ("established_on", "id"),
        "name": ("name", "id"),
        "district": ("managing_district__sort_order", "managing_district__code", "id"),
    },
    default="-established",
)


def new_enterprises_without_assistance(
    year: int,
    *,
    district_id: int | None = None,
    cluster_id: int | None = None,
    industry_section: str = "",
    sort: str | None = None,
) -> QuerySet[Enterprise]:
    """Operating, confirmed enterprises new in the year's window that have no (unarchived) agreement this year,
    ordered by ``sort`` (a key of :data:`WITHOUT_ASSISTANCE_SORTING`, the newest first by default). Each is
    offered for an agreement, so a self-registered enterprise its district has not confirmed is left out."""
    policy = QuotaPolicy.for_year(year)
    has_agreement = AssistanceAgreement.objects.filter(enterprise=OuterRef("pk"), year=year, archived=False)
    qs = (
        Enterprise.objects.filter(new_enterprise_q(year=year, window_years=policy.new_window_years))
        .filter(status=Enterprise.Status.OPERATING, confirmed=True)
        .filter(~Exists(has_agreement))
        .select_related("managing_district", "cluster")
    )
    if district_id:
        qs = qs.filter(managing_district_id=district_id)
    if cluster_id:
        qs = qs.filter(cluster_id=cluster_id)
    if industry_section:
        qs = qs.filter(industry_section__iexact=industry_section)
    return WITHOUT_ASSISTANCE_SORTING.order_by(qs, sort)


def open_issues(department: Department, year: int) -> QuerySet[ServiceRecord]:
    """Service records of the department's agreements of the year with issues raised and not yet resolved."""
    return (
        ServiceRecord.objects.filter(
            agreement__department=department, agreement__year=year, agreement__archived=False, resolved_on__isnull=True
        )
        .exclude(issues_raised="")
        .select_related("agreement", "agreement__enterprise")
        .order_by("date", "id")
    )


def agreements_with_records(qs: QuerySet[AssistanceAgreement]) -> QuerySet[AssistanceAgreement]:
    return qs.prefetch_related(Prefetch("service_records", queryset=ServiceRecord.objects.order_by("-date", "-id")))


# --- Workbenches --------------------------------------------------------------------------------

WORKBENCH_HEAD = 5


@dataclass(frozen=True)
class DepartmentWorkbench:
    progress: Progress
    without_assistance: list[Enterprise]


def department_workbench(department_id: int, year: int) -> DepartmentWorkbench:
    """The department's progress against its task and the 20% share, and the newest new enterprises
    nobody assists yet, each a candidate for the next agreement (three queries)."""
    return DepartmentWorkbench(
        progress=department_progress(Department(pk=department_id), year),
        without_assistance=list(new_enterprises_without_assistance(year)[:WORKBENCH_HEAD]),
    )


def assistance_share_of(user, year: int) -> NewShare:
    """The year's agreements with the enterprises the user sees (a district official: the district's)
    and their share with new enterprises (two queries)."""
    counts = (
        agreements_visible_to(user)
        .filter(year=year)
        .aggregate(agreements=Count("pk"), new=Count("pk", filter=Q(counts_as_new=True)))
    )
    return NewShare(
        agreements=counts["agreements"], new=counts["new"], target=QuotaPolicy.for_year(year).new_enterprise_target
    )
