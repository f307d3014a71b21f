"""The Excel upload of agreements: validate every row first (Celery task), preview, then commit."""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import itertools
import logging
import tempfile
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Enterprise
from smeportal.history import history_context, reason_text, record_saved
from smeportal.spreadsheets import GAVE_UP

from . import excel, newness, rules
from .models import AgreementImport, AssistanceAgreement, QuotaPolicy
from .selectors import can_manage_department

logger = logging.getLogger(__name__)

# What the pages show of an upload: the first valid rows as a preview, and the first rejected rows (every
# rejected row is in the report and in the counts by reason), so a page's cost does not grow with the file.
# A hundred of each: at 1,000 rejected rows the upload's page took 98 ms to draw, and a phone shows the
# first rows anyway.
VALID_PREVIEW_ROWS = 100
REJECTED_ROWS_KEPT = 100


def _lookups(department_id: int, codes: set[str], years: set[int]) -> excel.Lookups:
    enterprises = {
        row[0]: row[1:]
        for row in Enterprise.objects.filter(credit_code__in=codes).values_list(
            "credit_code", "pk", "status", "established_on", "introduced_on", "origin", "confirmed"
        )
    }
    existing = set(
        AssistanceAgreement.objects.filter(department_id=department_id, year__in=years, archived=False).values_list(
            "enterprise_id", "year"
        )
    )
    closed = set(QuotaPolicy.objects.filter(year__in=years, closed=True).values_list("year", flat=True))
    return excel.Lookups(enterprises=enterprises, existing=existing, closed_years=closed)


def _window_years() -> callable:
    windows = dict(QuotaPolicy.objects.values_list("year", "new_window_years"))
    default = QuotaPolicy._meta.get_field("new_window_years").default
    return lambda year: windows.get(year, default)


def _write_report(rejected: Iterable[dict]) -> str:
    """Write the rejected rows' report to storage (streamed through a temporary file); its name, or "" when
    there is no rejected row."""
    rejected = iter(rejected)
    first = next(rejected, None)
    if first is None:
        return ""
    with tempfile.TemporaryFile() as buffer:
        excel.write_rejected_report(itertools.chain([first], rejected), buffer)
        buffer.seek(0)
        field = AgreementImport._meta.get_field("rejected_report")
        return default_storage.save(field.generate_filename(None, "rejected.xlsx"), File(buffer))


def agreement_import_validate(*, import_id: int) -> None:
    """Read and check every row of an upload; store valid and rejected rows for the preview. Safe to rerun."""
    record = AgreementImport.objects.get(pk=import_id)
    if record.status in {AgreementImport.Status.PREVIEW, AgreementImport.Status.COMMITTED}:
        return
    if not AgreementImport.start_attempt(import_id, gave_up=GAVE_UP):
        return
    AgreementImport.report(
        import_id, status=AgreementImport.Status.VALIDATING, progress=5, error="", started_at=timezone.now()
    )
    if record.rejected_report:  # a validation that ran before (a redelivered task) wrote one
        record.rejected_report.delete(save=False)
    try:
        with record.file.open("rb") as handle:
            rows = list(excel.read_rows(handle, max_rows=settings.AGREEMENT_IMPORT_MAX_ROWS))
        total = len(rows) or 1
        AgreementImport.report(import_id, progress=30, total_rows=len(rows))
        codes = set(excel.normalized_codes(rows)[0])
        years = {rules.parse_year(excel.cell_text(row.get(excel.COL_YEAR))) for _n, row in rows} - {None}
        result = excel.validate_rows(
            rows,
            _lookups(record.department_id, codes, years),
            window_years_for=_window_years(),
            today=timezone.localdate(),
            progress=lambda done: AgreementImport.report(import_id, progress=30 + int(65 * done / total)),
        )
    except excel.AgreementFileError as exc:
        AgreementImport.report(
            import_id, status=AgreementImport.Status.FAILED, progress=100, error=str(exc), finished_at=timezone.now()
        )
        return
    except Exception:
        logger.exception("agreement import %s failed", import_id)
        AgreementImport.report(
            import_id,
            status=AgreementImport.Status.FAILED,
            progress=100,
            error=_("校验时发生内部错误，数据未写入。请联系管理员。"),
            finished_at=timezone.now(),
        )
        return
    AgreementImport.report(
        import_id,
        status=AgreementImport.Status.PREVIEW,
        progress=100,
        total_rows=result.total,
        valid_rows=result.valid,
        valid_count=len(result.valid),
        valid_preview=result.valid[:VALID_PREVIEW_ROWS],
        rejected_rows=result.rejected[:REJECTED_ROWS_KEPT],
        rejected_count=len(result.rejected),
        rejected_by_reason=dict(result.rejected_by_reason),
        rejected_report=_write_report(result.rejected),
        finished_at=timezone.now(),
    )


def _late_reasons(row: dict, lookups: excel.Lookups, enterprises: dict[int, tuple]) -> list[str]:
    """The codes of what stops a previewed row now: its enterprise is gone, no longer operating or not confirmed
    (the upload's own reasons, :func:`rules.enterprise_problem`), or the agreement was entered meanwhile or its
    year closed (``late``)."""
    found = enterprises.get(row["enterprise_id"])
    problem = rules.enterprise_problem(found[1] if found else None, confirmed=found is not None and found[2])
    codes = [problem] if problem else []
    if (row["enterprise_id"], row["year"]) in lookups.existing or row["year"] in lookups.closed_years:
        codes.append("late")
    return codes


def _late_reject(row: dict, codes: list[str]) -> dict:
    """A previewed row rejected at commit, as the validation stores a rejected row (the values in the
    template's columns)."""
    values = [row["credit_code"], "", str(row["year"]), row["signed_on"], "、".join(row["measures"]), row["goals"],
              row["responsible_officer"], row["status"]]  # fmt: skip
    return {"row": row["row"], "values": values, "reasons": [excel.stored_reason(excel.REASONS[c]) for c in codes]}


def _counts_as_new(dates: list, year: int, window_years_for) -> bool:
    established_on, introduced_on, origin = dates
    return newness.is_new_enterprise(
        established_on=established_on,
        introduced_on=introduced_on,
        origin=origin,
        agreement_year=year,
        window_years=window_years_for(year),
    )


@transaction.atomic
def agreement_import_commit(*, actor, import_id: int) -> AgreementImport:
    """Write the previewed valid rows in one transaction (bulk). Rows whose enterprise stopped operating or is
    not confirmed, that became duplicates or fall in a year closed since the preview move to the rejected rows
    (and the report). Committing twice writes nothing more."""
    record = AgreementImport.objects.select_for_update().get(pk=import_id)
    if not can_manage_department(actor, record.department_id):
        raise AgreementImport.DoesNotExist
    if record.status != AgreementImport.Status.PREVIEW:
        return record
    rows = record.valid_rows
    years = {row["year"] for row in rows}
    lookups = _lookups(record.department_id, set(), years)
    # Read now, not at the preview: an enterprise may have moved, stopped operating or had its dates corrected,
    # and the year's "new" window may have changed, since.
    enterprises = {
        pk: (district_id, status, confirmed, dates)
        for pk, district_id, status, confirmed, *dates in Enterprise.objects.filter(
            pk__in={row["enterprise_id"] for row in rows}
        ).values_list("pk", "managing_district_id", "status", "confirmed", "established_on", "introduced_on", "origin")
    }
    window_years_for = _window_years()
    to_create, late_rejects, late_by_reason = [], [], Counter()
    for row in rows:
        if codes := _late_reasons(row, lookups, enterprises):
            late_rejects.append(_late_reject(row, codes))
            late_by_reason.update(codes)
            continue
        to_create.append(
            AssistanceAgreement(
                department_id=record.department_id,
                enterprise_id=row["enterprise_id"],
                managing_district_id=enterprises[row["enterprise_id"]][0],
                year=row["year"],
                signed_on=dt.date.fromisoformat(row["signed_on"]),
                measures=row["measures"],
                goals=row["goals"],
                responsible_officer=row["responsible_officer"],
                status=row["status"],
                counts_as_new=_counts_as_new(enterprises[row["enterprise_id"]][3], row["year"], window_years_for),
                created_by=actor,
                updated_by=actor,
            )
        )
    reason = reason_text(gettext_lazy("帮扶协议导入 #%(id)s（%(file)s）"), id=record.pk, file=record.original_name)
    with history_context(actor=actor, reason=reason):
        record_saved(AssistanceAgreement.objects.bulk_create(to_create, batch_size=1000))
    record.created_count = len(to_create)
    fields = ["created_count", "status", "finished_at", "updated_at"]
    if late_rejects:
        _add_late_rejects(record, late_rejects, late_by_reason)
        fields += ["rejected_rows", "rejected_count", "rejected_by_reason", "rejected_report"]
    record.status = AgreementImport.Status.COMMITTED
    record.finished_at = timezone.now()
    record.save(update_fields=fields)
    return record


def _add_late_rejects(record: AgreementImport, late: list[dict], late_by_reason: Counter) -> None:
    """Merge rows rejected at commit into the kept rows, the counts and the report (read back and written again)."""
    record.rejected_rows = sorted(record.rejected_rows + late, key=lambda item: item["row"])[:REJECTED_ROWS_KEPT]
    record.rejected_count += len(late)
    record.rejected_by_reason = dict(Counter(record.rejected_by_reason) + late_by_reason)
    earlier = record.rejected_report.name
    with contextlib.ExitStack() as stack:
        before = excel.read_rejected_report(stack.enter_context(default_storage.open(earlier))) if earlier else ()
        record.rejected_report = _write_report(heapq.merge(before, late, key=lambda item: item["row"]))
    if earlier:
        default_storage.delete(earlier)


def agreement_import_start(*, actor, department_id: int, upload) -> AgreementImport:
    """Store the upload and queue its validation once the row is committed."""
    from functools import partial

    from .tasks import agreement_import_run

    if not can_manage_department(actor, department_id):
        raise PermissionDenied
    with transaction.atomic():
        record = AgreementImport.objects.create(
            department_id=department_id, file=upload, original_name=upload.name[:255], requested_by=actor
        )
        transaction.on_commit(partial(agreement_import_run.delay, record.pk))
    return record
