"""Excel pages of a department: template download, upload → preview → commit, rejected rows, export."""

from __future__ import annotations

import io
import tempfile

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smeportal.excel import XLSX_CONTENT_TYPE
from smeportal.listing import CappedRows
from smeportal.security import record_export
from smeportal.uploads import stored_file_download

from . import excel
from .forms import AgreementImportForm, AgreementListFilterForm
from .import_services import agreement_import_commit, agreement_import_start
from .models import AgreementImport
from .permissions import department_required
from .roles import member_department_id
from .selectors import agreements_listed


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@department_required
@require_GET
def import_template(request):
    buffer = io.BytesIO()
    excel.write_template(buffer)
    return _xlsx(buffer.getvalue(), "assistance-agreements-template.xlsx")


def _own_import(request, pk: int) -> AgreementImport:
    # The valid rows (up to the row limit) are read by the commit alone, which loads the upload itself.
    return get_object_or_404(
        AgreementImport.objects.select_related("requested_by").defer("valid_rows"),
        pk=pk,
        department_id=member_department_id(request.user),
    )


@department_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    department_id = member_department_id(request.user)
    form = AgreementImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        record = agreement_import_start(actor=request.user, department_id=department_id, upload=upload)
        return redirect(record)
    recent = AgreementImport.objects.filter(department_id=department_id).only(
        "pk", "original_name", "status", "created_at"
    )[:10]
    return render(request, "assistance/import.html", {"form": form, "imports": recent})


@department_required
@require_GET
def import_detail(request, pk: int):
    record = _own_import(request, pk)
    by_reason = sorted(record.rejected_by_reason.items(), key=lambda item: (-item[1], item[0]))
    context = {
        "record": record,
        "valid_count": record.valid_count,
        "rejected_count": record.rejected_count,
        "valid_preview": record.valid_preview,
        "rejected_preview": [
            {**item, "reasons": [excel.shown_reason(reason) for reason in item["reasons"]]}
            for item in record.rejected_rows
        ],
        "reasons": [(code, excel.REASONS.get(code, code), number) for code, number in by_reason],
        "headers": excel.HEADERS,
    }
    partial = request.headers.get("HX-Request")
    template = "assistance/_import_status.html" if partial else "assistance/import_detail.html"
    return render(request, template, context)


@require_POST
@department_required
def import_commit(request, pk: int):
    record = _own_import(request, pk)
    if record.status != AgreementImport.Status.PREVIEW:
        messages.warning(request, _("该文件不在待确认状态，未重复导入。"))
        return redirect(record)
    record = agreement_import_commit(actor=request.user, import_id=record.pk)
    messages.success(request, _("已导入 %(count)s 条帮扶协议。") % {"count": record.created_count})
    return redirect(record)


@department_required
@require_GET
def import_rejected(request, pk: int):
    record = _own_import(request, pk)
    filename = f"assistance-import-{record.pk}-rejected.xlsx"
    if record.rejected_report:  # written once, when the upload was validated
        response = stored_file_download(record.rejected_report, filename)
    else:
        # No rows rejected, or an upload validated before the reports were written (it kept every rejected row).
        buffer = io.BytesIO()
        excel.write_rejected_report(record.rejected_rows, buffer)
        response = _xlsx(buffer.getvalue(), filename)
    record_export(request, what="assistance_import_rejected", rows=record.rejected_count, filters={"import": record.pk})
    return response


@department_required
@require_GET
def export(request):
    """The department's agreements as the list selects and orders them (at most ``LIST_EXPORT_MAX_ROWS``), as .xlsx
    written row by row (the columns of the import template, so the file can be corrected and uploaded again)."""
    filters = AgreementListFilterForm(request.GET or None).filters()
    qs = agreements_listed(request.user, **filters, sort=request.GET.get("sort"))
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    rows = CappedRows(qs.iterator(chunk_size=2000))
    excel.write_export(rows, target)
    target.seek(0)
    record_export(request, what="assistance_agreements", rows=rows.count)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return FileResponse(
        target, as_attachment=True, filename=f"assistance-agreements-{stamp}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
