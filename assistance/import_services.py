"""The Excel upload of agreements: validate every row first (Celery task), preview, then commit."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from smeportal.spreadsheets import GAVE_UP

from . import excel
from .models import AgreementImport, AssistanceAgreement, QuotaPolicy
from .selectors import can_manage_department

logger = logging.getLogger(__name__)


def _lookups(department_id: int, codes: set[str], years: set[int]) -> excel.Lookups:
    enterprises = {
        row[0]: row[1:]
        for row in Enterprise.objects.filter(credit_code__in=codes).values_list(
            "credit_code", "pk", "status", "established_on", "introduced_on", "origin"
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
    try:
        with record.file.open("rb") as handle:
            rows = list(excel.read_rows(handle, max_rows=settings.AGREEMENT_IMPORT_MAX_ROWS))
        total = len(rows) or 1
        AgreementImport.report(import_id, progress=30, total_rows=len(rows))
        codes = set(excel.normalized_codes(rows)[0])
        years = {int(y) for y in (excel.cell_text(row.get(excel.COL_YEAR)) for _n, row in rows) if y.isdigit()}
        result = excel.validate_rows(
            rows,
            _lookups(record.department_id, codes, years),
            window_years_for=_window_years(),
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
        rejected_rows=result.rejected,
        finished_at=timezone.now(),
    )


@transaction.atomic
def agreement_import_commit(*, actor, import_id: int) -> AgreementImport:
    """Write the previewed valid rows in one transaction (bulk). Rows that became duplicates or fall in a
    year closed since the preview move to the rejected rows. Committing twice writes nothing more."""
    record = AgreementImport.objects.select_for_update().get(pk=import_id)
    if not can_manage_department(actor, record.department_id):
        raise AgreementImport.DoesNotExist
    if record.status != AgreementImport.Status.PREVIEW:
        return record
    rows = record.valid_rows
    years = {row["year"] for row in rows}
    lookups = _lookups(record.department_id, set(), years)
    to_create, late_rejects = [], []
    for row in rows:
        if (row["enterprise_id"], row["year"]) in lookups.existing or row["year"] in lookups.closed_years:
            late_rejects.append(
                {"row": row["row"], "values": [row["credit_code"], "", str(row["year"]), row["signed_on"],
                                               "、".join(row["measures"]), row["goals"], row["responsible_officer"],
                                               row["status"]],
                 "reasons": [_("确认导入前已有相同的帮扶协议或年度已关闭")]}
            )  # fmt: skip
            continue
        to_create.append(
            AssistanceAgreement(
                department_id=record.department_id,
                enterprise_id=row["enterprise_id"],
                year=row["year"],
                signed_on=dt.date.fromisoformat(row["signed_on"]),
                measures=row["measures"],
                goals=row["goals"],
                responsible_officer=row["responsible_officer"],
                status=row["status"],
                counts_as_new=row["counts_as_new"],
                created_by=actor,
                updated_by=actor,
            )
        )
    AssistanceAgreement.objects.bulk_create(to_create, batch_size=1000)
    record.created_count = len(to_create)
    record.rejected_rows = sorted(record.rejected_rows + late_rejects, key=lambda item: item["row"])
    record.status = AgreementImport.Status.COMMITTED
    record.finished_at = timezone.now()
    record.save(update_fields=["created_count", "rejected_rows", "status", "finished_at", "updated_at"])
    return record


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
