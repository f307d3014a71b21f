"""Registry import pages for city officials: upload, progress and summary, error report download."""

from functools import partial

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from enterprises.permissions import city_official_required
from smeportal.security import record_export
from smeportal.uploads import stored_file_download

from .forms import RegistryImportForm
from .models import RegistryImport
from .registry.columns import REASONS, reason_messages
from .tasks import registry_import_run

RECENT_IMPORTS = 20


@city_official_required
@require_http_methods(["GET", "POST"])
def registry_import_page(request):
    form = RegistryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with transaction.atomic():
            record = RegistryImport.objects.create(
                file=upload, original_name=upload.name[:255], requested_by=request.user
            )
            transaction.on_commit(partial(registry_import_run.delay, record.pk))
        return redirect(record)
    recent = RegistryImport.objects.select_related("requested_by")[:RECENT_IMPORTS]
    return render(request, "enterprises/import.html", {"form": form, "imports": recent})


def _summary(record: RegistryImport) -> dict:
    counts = record.counts or {}
    messages = reason_messages()
    by_reason = counts.get("rejected_by_reason", {})
    return {
        "reasons": [(code, messages[code], by_reason.get(code, 0)) for code in REASONS],
        "districts": sorted(counts.get("created_by_district", {}).items(), key=lambda item: (-item[1], item[0])),
    }


@city_official_required
@require_http_methods(["GET"])
def registry_import_detail(request, pk: int):
    record = get_object_or_404(RegistryImport.objects.select_related("requested_by"), pk=pk)
    context = {"record": record, **_summary(record)}
    if request.headers.get("HX-Request"):
        return render(request, "enterprises/import_progress.html", context)
    return render(request, "enterprises/import_detail.html", context)


@city_official_required
@require_http_methods(["GET"])
def registry_import_errors(request, pk: int):
    record = get_object_or_404(RegistryImport, pk=pk)
    if not record.error_report:
        raise Http404
    response = stored_file_download(record.error_report, f"registry-import-{record.pk}-errors.xlsx")
    record_export(
        request, what="registry_import_errors", rows=record.counts.get("rejected"), filters={"import": record.pk}
    )
    return response
