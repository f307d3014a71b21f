"""A department's largest accepted agreements upload (AGREEMENT_IMPORT_MAX_ROWS rows), once with every row
rejected and once with every row valid: the upload with its validation (Celery in-process), the import page,
the upload's page and the rejected-rows report, timed through the Django test client as the department user."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from assistance import excel
from assistance.models import AgreementImport
from enterprises.creditcode import ALPHABET, with_check_character
from enterprises.models import Enterprise
from smeportal.celery import app as celery_app

from .timing import Row, clock, median, ms, p95, samples, sec

DEPARTMENT_USERNAME = "kjj"
# Codes that pass the check character but are in no registry: every row of the first file is rejected.
UNKNOWN_PREFIX = "91510703MC"


def unknown_code(n: int) -> str:
    digits = []
    for _ in range(7):
        n, rest = divmod(n, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return with_check_character(UNKNOWN_PREFIX + "".join(reversed(digits)))


def write_file(path: Path, codes: list[str], year: int) -> Path:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, excel.HEADERS)
    for n, code in enumerate(codes, start=1):
        sheet.write_row(n, 0, [code, "", year, f"{year}-03-01", "政策辅导、人才引进", "帮扶目标", "王五", ""])
    book.close()
    return path


def _ok(response):
    if response.status_code not in (200, 302):
        raise RuntimeError(f"{response.request['PATH_INFO']} answered {response.status_code}")
    return response


def _download(client: Client, url: str) -> int:
    response = _ok(client.get(url))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(body)


def _timed(fn, repeat: int) -> str:
    fn()  # warm-up
    times = samples(fn, repeat)
    return f"median {ms(median(times))}, p95 {ms(p95(times))}"


def measure(workdir: Path, repeat: int = 5) -> tuple[list[Row], str]:
    celery_app.conf.task_always_eager = True
    client = Client()
    client.force_login(get_user_model().objects.get(username=DEPARTMENT_USERNAME))
    rows = settings.AGREEMENT_IMPORT_MAX_ROWS
    year = dt.date.today().year + 1  # no agreements yet: every row of the second file is valid
    known = Enterprise.objects.filter(status="operating").order_by("id").values_list("credit_code", flat=True)
    files = {
        "every row rejected": write_file(workdir / "rejected.xlsx", [unknown_code(n) for n in range(rows)], year),
        "every row valid": write_file(workdir / "valid.xlsx", list(known[:rows]), year),
    }
    existing = set(AgreementImport.objects.values_list("pk", flat=True))
    results, notes = [], []
    with override_settings(MEDIA_ROOT=workdir / "media"):
        try:
            for label, path in files.items():
                results += _measure_file(client, label, path, existing, repeat, notes)
        finally:
            AgreementImport.objects.exclude(pk__in=existing).delete()
    return results, f"agreements upload of {rows:,} rows: " + "; ".join(notes)


def _measure_file(client: Client, label: str, path: Path, existing: set, repeat: int, notes: list) -> list[Row]:
    with path.open("rb") as handle:
        upload_seconds, _response = clock(lambda: _ok(client.post(reverse("assistance:import"), {"file": handle})))
    record = AgreementImport.objects.exclude(pk__in=existing).latest("pk")
    if record.status != AgreementImport.Status.PREVIEW:
        raise RuntimeError(f"{label}: the upload ended {record.status}: {record.error}")
    notes.append(f"{label}: {record.total_rows:,} rows, file {path.stat().st_size / 1024:.0f} KB")
    measured = [
        (f"upload and validation, {label}", sec(upload_seconds)),
        (f"  import page (list), {label}", _timed(lambda: _ok(client.get(reverse("assistance:import"))), repeat)),
        (f"  upload's page, {label}", _timed(lambda: _ok(client.get(record.get_absolute_url())), repeat)),
    ]
    if label == "every row rejected":
        url = reverse("assistance:import_rejected", args=[record.pk])
        size = _download(client, url)
        report = _timed(lambda: _download(client, url), repeat)
        measured.append((f"  rejected-rows report ({size / 1024:.0f} KB)", report))
    return [
        Row(what=what, value=value, baseline="-", baseline_value="-", ratio=None, target="-", met=None)
        for what, value in measured
    ]
