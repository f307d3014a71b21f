"""The year-end report (年度工作总结): a printable page and the same figures as a workbook, for the city.

Thin views: the year comes from ``?year=`` (this year by default, any year from 2000 to 2100), the figures
from the stored report of that year (:func:`dashboards.year_report.stored_year_report`, computed nightly),
the workbook of the same stored figures from the dashboards' one writer.
"""

from __future__ import annotations

import tempfile

from django import forms
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from enterprises.permissions import city_official_required
from smeportal.excel import XLSX_CONTENT_TYPE
from smeportal.security import record_export

from . import exports
from .year_report import report_years, stored_year_report
from .year_report_workbook import district_headers, report_tables


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("评价年度"), required=False, min_value=2000, max_value=2100)


def _report(request):
    today = timezone.localdate()
    form = YearForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_bound and form.is_valid() else None) or today.year
    return stored_year_report(year, today), report_years(today)


@require_GET
@city_official_required
def year_report_page(request):
    report, years = _report(request)
    return render(
        request,
        "dashboards/year_report.html",
        {"report": report, "years": years, "district_headers": district_headers()},
    )


@require_GET
@city_official_required
def year_report_xlsx(request):
    report, _years = _report(request)
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    exports.write_xlsx(report_tables(report), target)
    target.seek(0)
    record_export(request, what="year_report", filters={"year": report.year})
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"year-report-{report.year}-{report.as_of:%Y%m%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
