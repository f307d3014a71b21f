"""The campaign's year-end summary (年度工作总结) for the city: figures to date, aggregated in the database.

:func:`year_report` counts the records themselves, one grouped query per section (the filings,
registrations, revocations and spot checks per district; the notice batches; the departments' agreements),
a fixed number of queries whatever the size of the registry, but counting a year's 100,000 filings takes
most of a second at a million enterprises. So, as the dashboards read the quota jobs' snapshots, the page
and its workbook read the report the nightly job stored (:func:`year_reports_store`, one
:class:`~dashboards.models.YearReportSnapshot` per year) and show the day and time it was computed; a year
that has none yet is computed and stored on its first view. What they read is a view model that the
printable page shows and :func:`dashboards.year_report_workbook.report_tables` turns into the workbook's sheets
(``dashboards.exports.write_xlsx``).

The year is the evaluation year: the filings, registrations and spot checks of that year, the revocations
of its registrations, the notice batches that held its filings and the departments' agreements of that
year. A district's figures are those of the enterprises it manages today; a spot check's, the district
it was assigned to at the draw.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance import newness
from assistance.models import AssistanceAgreement, QuotaPolicy
from certification.models import (
    Application,
    EvaluationCampaign,
    NoticeBatch,
    Objection,
    Registration,
    Revocation,
    SpotCheck,
    SpotCheckDraw,
)
from certification.states import FILED, RECOMMENDED_OR_LATER, FilingState
from enterprises.models import District
from quotas.department_share import department_figures

from .models import YearReportSnapshot
from .view_models import DepartmentRow, percent

SECTIONS = ("summary", "districts", "batches", "spot_checks", "departments")


@dataclass
class DistrictFigures:
    """One district's (or the city's total) figures of the year."""

    name: str
    code: str = ""
    filed: int = 0
    recommended: int = 0
    rejected: int = 0
    registered: int = 0
    valid: int = 0
    revoked: int = 0
    spot_checked: int = 0
    spot_passed: int = 0
    spot_failed: int = 0
    spot_waiting: int = 0
    agreements: int = 0
    new_agreements: int = 0

    NUMBERS = (
        "filed",
        "recommended",
        "rejected",
        "registered",
        "valid",
        "revoked",
        "spot_checked",
        "spot_passed",
        "spot_failed",
        "spot_waiting",
        "agreements",
        "new_agreements",
    )

    def add(self, other: DistrictFigures) -> None:
        for name in self.NUMBERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class BatchFigures:
    title: str
    start_date: dt.date
    end_date: dt.date
    filings: int
    registered: int
    objections: int
    upheld: int
    open_objections: int


@dataclass
class YearReport:
    year: int
    as_of: dt.date
    districts: list[DistrictFigures]
    city: DistrictFigures
    batches: list[BatchFigures]
    departments: list[DepartmentRow]
    revocations: dict[str, int]  # state → count
    spot_check_population: int  # the draw's, 0 before the year's draw
    new_target_percent: Decimal
    computed_at: dt.datetime | None = None  # when it was stored; None when counted for the caller
    years: list[int] = field(default_factory=list)

    @property
    def new_agreements(self) -> int:
        return sum(d.new_agreements for d in self.departments)

    @property
    def agreements(self) -> int:
        return sum(d.agreements for d in self.departments)

    @property
    def new_share_percent(self) -> Decimal:
        return percent(newness.share_of(self.new_agreements, self.agreements))

    def summary(self) -> list[tuple[str, object]]:
        """The headline figures, label and value, in the order the page and the workbook show them."""
        revocations = self.revocations
        return [
            (_("评价年度"), self.year),
            (_("数据截至"), self.as_of),
            (_("已申报企业数"), self.city.filed),
            (_("已推荐企业数"), self.city.recommended),
            (_("不予通过企业数"), self.city.rejected),
            (_("入库登记数"), self.city.registered),
            (_("有效期内入库登记数"), self.city.valid),
            (_("公示批次数"), len(self.batches)),
            (_("撤销程序：进行中"), revocations[Revocation.State.NOTICED] + revocations[Revocation.State.DEFENDED]),
            (_("撤销程序：已撤销"), revocations[Revocation.State.REVOKED]),
            (_("撤销程序：不予撤销"), revocations[Revocation.State.DISMISSED]),
            (_("抽查范围企业数"), self.spot_check_population),
            (_("抽中企业数"), self.city.spot_checked),
            (_("抽查：核查通过"), self.city.spot_passed),
            (_("抽查：核查未通过"), self.city.spot_failed),
            (_("抽查：待核查"), self.city.spot_waiting),
            (_("部门帮扶协议数"), self.agreements),
            (_("其中与新企业签订"), self.new_agreements),
            (_("新企业占比（%）"), self.new_share_percent),
            (_("新企业占比目标（%）"), self.new_target_percent),
        ]


def report_years(today: dt.date) -> list[int]:
    """The years a report can be made for, newest first: the campaigns' and this year (one query)."""
    years = set(EvaluationCampaign.objects.values_list("year", flat=True)) | {today.year}
    return sorted(years, reverse=True)


def _by_district(rows, key: str = "enterprise__managing_district") -> dict[int, dict]:
    return {row[key]: row for row in rows}


def year_report(year: int, as_of: dt.date) -> YearReport:
    """The report of ``year`` with the figures of ``as_of`` (the registrations valid that day). Nine queries."""
    districts = list(District.objects.order_by("sort_order", "code").values("pk", "code", "name"))
    filings = _by_district(
        Application.objects.filter(evaluation_year=year)
        .values("enterprise__managing_district")
        .order_by()
        .annotate(
            filed=Count("pk", filter=Q(state__in=FILED)),
            recommended=Count("pk", filter=Q(state__in=RECOMMENDED_OR_LATER)),
            rejected=Count("pk", filter=Q(state=FilingState.REJECTED)),
        )
    )
    registrations = _by_district(
        Registration.objects.filter(evaluation_year=year)
        .values("enterprise__managing_district")
        .order_by()
        .annotate(
            registered=Count("pk"),
            valid=Count("pk", filter=Q(revoked_at__isnull=True, valid_from__lte=as_of, valid_until__gte=as_of)),
            revoked=Count("pk", filter=Q(revoked_at__isnull=False)),
        )
    )
    checks: dict[int, dict[str, int]] = defaultdict(dict)
    for row in SpotCheck.objects.filter(draw__year=year).values("district", "state").order_by().annotate(n=Count("pk")):
        checks[row["district"]][row["state"]] = row["n"]
    agreements = _by_district(
        # Signed by as_of, as the departments' rows count them, so the two sections add up alike.
        AssistanceAgreement.objects.filter(year=year, archived=False, signed_on__lte=as_of)
        .values("enterprise__managing_district")
        .order_by()
        .annotate(agreements=Count("pk"), new_agreements=Count("pk", filter=Q(counts_as_new=True)))
    )
    rows = []
    for district in districts:
        pk = district["pk"]
        filing, registration, agreement = filings.get(pk, {}), registrations.get(pk, {}), agreements.get(pk, {})
        state = checks.get(pk, {})
        figures = DistrictFigures(
            name=district["name"],
            code=district["code"],
            filed=filing.get("filed", 0),
            recommended=filing.get("recommended", 0),
            rejected=filing.get("rejected", 0),
            registered=registration.get("registered", 0),
            valid=registration.get("valid", 0),
            revoked=registration.get("revoked", 0),
            spot_checked=sum(state.values()),
            spot_passed=state.get(SpotCheck.State.PASSED, 0),
            spot_failed=state.get(SpotCheck.State.FAILED, 0),
            spot_waiting=state.get(SpotCheck.State.ASSIGNED, 0),
            agreements=agreement.get("agreements", 0),
            new_agreements=agreement.get("new_agreements", 0),
        )
        rows.append(figures)
    revocations = dict.fromkeys(Revocation.State.values, 0)
    revocations.update(
        Revocation.objects.filter(registration__evaluation_year=year)
        .values_list("state")
        .order_by()
        .annotate(n=Count("pk"))
    )
    policy = QuotaPolicy.for_year(year)
    target = Decimal(policy.new_enterprise_target)
    draw = SpotCheckDraw.objects.filter(year=year).first()
    return YearReport(
        year=year,
        as_of=as_of,
        districts=rows,
        city=_city(rows),
        batches=_batches(year),
        departments=[_department(row, target, as_of) for row in department_figures(year, as_of)],
        revocations=revocations,
        spot_check_population=draw.population if draw else 0,
        new_target_percent=percent(target),
    )


def _city(districts: list[DistrictFigures]) -> DistrictFigures:
    city = DistrictFigures(name=_("全市"))
    for district in districts:
        city.add(district)
    return city


def _batches(year: int) -> list[BatchFigures]:
    """The notice batches that held filings of the year, in order, each with its filings, registrations and
    objections (two grouped queries: the objections are counted apart so the joins do not multiply)."""
    of_year = Q(applications__evaluation_year=year)
    batches = list(
        NoticeBatch.objects.filter(of_year)
        .annotate(
            filings=Count("applications", filter=of_year),
            registered=Count("applications__registration", filter=of_year),
        )
        .order_by("start_date", "pk")
    )
    objections: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Objection.objects.filter(batch__in=[b.pk for b in batches], application__evaluation_year=year)
        .values("batch", "status")
        .order_by()
        .annotate(n=Count("pk"))
    ):
        objections[row["batch"]][row["status"]] = row["n"]
    return [
        BatchFigures(
            title=batch.title,
            start_date=batch.start_date,
            end_date=batch.end_date,
            filings=batch.filings,
            registered=batch.registered,
            objections=sum(objections[batch.pk].values()),
            upheld=objections[batch.pk].get(Objection.Status.UPHELD, 0),
            open_objections=objections[batch.pk].get(Objection.Status.OPEN, 0),
        )
        for batch in batches
    ]


def _department(row: dict, target: Decimal, as_of: dt.date) -> DepartmentRow:
    """A department's figures counted today, in the dashboards' view model (so the same sheet writes them)."""
    agreements, new, assisted = row["agreement_count"], row["new_count"], row["assisted"]
    missing = newness.short_by(agreements=agreements, new=new, target=target)
    return DepartmentRow(
        name=row["name"],
        as_of=as_of,
        computed_at=timezone.now(),
        agreements=agreements,
        new_agreements=new,
        share_percent=percent(newness.share_of(new, agreements)),
        target_percent=percent(target),
        # As on the assistance pages and the quota job: a department without agreements has not met the share.
        met=agreements > 0 and missing == 0,
        short_by=missing,
        task=row["task"],
        assisted_enterprises=assisted,
        task_percent=percent(newness.share_of(assisted, row["task"])),
    )


# --- Stored reports ------------------------------------------------------------------------------


def year_report_store(year: int, as_of: dt.date) -> YearReport:
    """Count the report of ``year`` as of ``as_of`` and store it in place of the year's previous one."""
    now = timezone.now().replace(microsecond=0)  # as it reads back from JSON
    report = year_report(year, as_of)
    report = dataclasses.replace(
        report,
        computed_at=now,
        departments=[dataclasses.replace(department, computed_at=now) for department in report.departments],
    )
    figures = dataclasses.asdict(report)
    del figures["city"], figures["years"]  # the city's line is the districts' sum, its name translated on reading
    YearReportSnapshot.objects.update_or_create(
        year=year, defaults={"as_of": as_of, "computed_at": report.computed_at, "figures": figures}
    )
    return report


def year_reports_store(today: dt.date) -> list[int]:
    """The nightly job: store the report of every year the page offers, and of any other year stored at its
    first view (``?year=``), as of today; returns the years."""
    stored = YearReportSnapshot.objects.values_list("year", flat=True)
    years = sorted(set(report_years(today)) | set(stored), reverse=True)
    for year in years:
        year_report_store(year, today)
    return years


def stored_year_report(year: int, today: dt.date) -> YearReport:
    """The stored report of ``year`` (one query); a year without one is counted and stored now."""
    snapshot = YearReportSnapshot.objects.filter(year=year).first()
    if snapshot is None:
        return year_report_store(year, today)
    figures = snapshot.figures
    districts = [_load(DistrictFigures, row) for row in figures["districts"]]
    return _load(
        YearReport,
        {
            **figures,
            "districts": districts,
            "city": _city(districts),
            "batches": [_load(BatchFigures, row) for row in figures["batches"]],
            "departments": [_load(DepartmentRow, row) for row in figures["departments"]],
        },
    )


_PARSE = {dt.date: dt.date.fromisoformat, dt.datetime: dt.datetime.fromisoformat, Decimal: Decimal}


def _load(cls, values: dict):
    """A dataclass from its JSON (DjangoJSONEncoder's): dates, times and decimals parsed by their field's type."""
    parsers = {}
    for name, hint in typing.get_type_hints(cls).items():
        for kind in (hint, *typing.get_args(hint)):  # dt.datetime | None: its datetime
            if kind in _PARSE:
                parsers[name] = _PARSE[kind]
    parsed = {name: parsers[name](value) for name, value in values.items() if value is not None and name in parsers}
    return cls(**{**values, **parsed})
