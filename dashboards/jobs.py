"""The city's background jobs in one list (后台任务): registry imports, agreement imports, quota runs, spot-check
draws and the year-end report runs, each recorded by its own app, read here as one UNION query.

Every source gives the same columns, in the same order, its own status mapped onto the four states the page
filters by, and its duration when it has one. A page is one query whatever the number of jobs (one more row
than the page tells whether there is a next).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Case,
    CharField,
    DurationField,
    ExpressionWrapper,
    F,
    PositiveSmallIntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Trim
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assistance.models import AgreementImport
from certification.models import SpotCheckDraw
from enterprises.models import RegistryImport
from quotas.models import QuotaRun
from smeportal.models import BackgroundJob

from .models import YearReportRun

State = BackgroundJob.Status
KINDS = {
    "registry_import": _("登记数据导入"),
    "agreement_import": _("帮扶协议导入"),
    "quota_run": _("指标计算"),
    "spot_check_draw": _("抽查抽取"),
    "year_report_run": _("年度工作总结统计"),
}
# What each kind's own statuses are called (an agreement import waits for its department in "preview").
STATUS_LABELS = {
    "registry_import": dict(RegistryImport.Status.choices),
    "agreement_import": dict(AgreementImport.Status.choices),
    "quota_run": dict(QuotaRun.Status.choices),
    "spot_check_draw": {State.DONE.value: State.DONE.label},
    "year_report_run": dict(YearReportRun.Status.choices),
}
SORTS = {
    "created": ("-created", "kind", "-job_id"),
    "kind": ("kind", "-created", "-job_id"),
    "state": ("job_state", "-created", "-job_id"),
    "duration": (F("duration").desc(nulls_last=True), "-created", "-job_id"),
}
DEFAULT_SORT = "created"
# Named apart from the models' own fields (an annotation may not shadow one).
COLUMNS = (
    "kind", "job_id", "label", "job_status", "job_state", "job_progress", "requester", "created", "started",
    "finished", "job_error",
)  # fmt: skip


@dataclass(frozen=True)
class Job:
    kind: str
    job_id: int
    label: str
    status: str
    state: str
    progress: int
    requested_by: str
    created: datetime
    started: datetime | None
    finished: datetime | None
    error: str
    duration: timedelta | None

    @property
    def kind_label(self):
        return KINDS[self.kind]

    @property
    def status_label(self):
        return STATUS_LABELS[self.kind].get(self.status, self.status)

    @property
    def elapsed(self) -> str:
        """The duration as H:MM:SS, the same in every language; empty when the job has none (yet)."""
        if self.duration is None:
            return ""
        seconds = round(self.duration.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"

    @property
    def url(self) -> str | None:
        """The job's own page, where a city official may open it (an agreement import is its department's)."""
        if self.kind == "registry_import":
            return reverse("enterprises:import_detail", args=[self.job_id])
        if self.kind == "quota_run":
            return reverse("quotas:run", args=[self.job_id])
        if self.kind == "spot_check_draw":
            return f"{reverse('certification:spot_checks')}?year={self.label}"
        if self.kind == "year_report_run":
            return reverse("dashboards:year_report")
        return None


def _display_name(user: str):
    """As the portal shows a person (full name, else login name); empty for the nightly jobs and commands."""
    full = Trim(Concat(F(f"{user}__first_name"), Value(" "), F(f"{user}__last_name"), output_field=CharField()))
    return Coalesce(
        Case(When(**{f"{user}__first_name": "", f"{user}__last_name": ""}, then=F(f"{user}__username")), default=full),
        Value(""),
        output_field=CharField(),
    )


def _columns(kind, *, label, status, state, progress, user, created, started, finished, error) -> dict:
    duration = ExpressionWrapper(F(finished) - F(started), output_field=DurationField()) if started else None
    return {
        "kind": Value(kind, output_field=CharField()),
        "job_id": F("pk"),
        "label": Cast(label, CharField()),
        "job_status": status,
        "job_state": state,
        "job_progress": progress,
        "requester": _display_name(user),
        "created": F(created),
        "started": F(started) if started else F(created),
        "finished": F(finished),
        "job_error": Cast(error, TextField()),
        "duration": duration if duration is not None else Value(None, output_field=DurationField()),
    }


def _job_columns(kind: str, label, *, state=None) -> dict:
    return _columns(
        kind,
        label=label,
        status=F("status"),
        state=state if state is not None else F("status"),
        progress=F("progress"),
        user="requested_by",
        created="created_at",
        started="started_at",
        finished="finished_at",
        error=F("error"),
    )


def _sources() -> dict[str, QuerySet]:
    # An agreement import's validation is its background job: once in preview or committed, the job is done.
    agreement_state = Case(
        When(status=AgreementImport.Status.VALIDATING, then=Value(State.RUNNING.value)),
        When(
            Q(status=AgreementImport.Status.PREVIEW) | Q(status=AgreementImport.Status.COMMITTED),
            then=Value(State.DONE.value),
        ),
        default=F("status"),
        output_field=CharField(),
    )
    draw = _columns(
        "spot_check_draw",
        label=F("year"),
        status=Value(State.DONE.value, output_field=CharField()),
        state=Value(State.DONE.value, output_field=CharField()),
        progress=Value(100, output_field=PositiveSmallIntegerField()),
        user="drawn_by",
        created="drawn_at",
        started=None,  # a draw is done within its request: no duration worth a column
        finished="drawn_at",
        error=Value(""),
    )
    return {
        "registry_import": RegistryImport.objects.annotate(**_job_columns("registry_import", F("original_name"))),
        "agreement_import": AgreementImport.objects.annotate(
            **_job_columns(
                "agreement_import",
                Concat(F("department__name"), Value(" · "), F("original_name"), output_field=CharField()),
                state=agreement_state,
            )
        ),
        "quota_run": QuotaRun.objects.annotate(**_job_columns("quota_run", F("as_of"))),
        "spot_check_draw": SpotCheckDraw.objects.annotate(**draw),
        "year_report_run": YearReportRun.objects.annotate(**_job_columns("year_report_run", F("as_of"))),
    }


def background_jobs(*, kind: str = "", state: str = "", sort: str = DEFAULT_SORT) -> QuerySet:
    """The jobs of every kind (or of ``kind``), in ``state`` if given, sorted; rows as dicts (see :func:`job`)."""
    parts = [
        source.filter(job_state=state) if state else source
        for name, source in _sources().items()
        if not kind or name == kind
    ]
    parts = [part.order_by().values(*COLUMNS, "duration") for part in parts]
    jobs = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return jobs.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def job(row: dict) -> Job:
    return Job(
        kind=row["kind"],
        job_id=row["job_id"],
        label=row["label"],
        status=row["job_status"],
        state=row["job_state"],
        progress=row["job_progress"],
        requested_by=row["requester"],
        created=row["created"],
        started=row["started"],
        finished=row["finished"],
        error=row["job_error"],
        duration=row["duration"],
    )
