"""Small helpers shared by the test modules (factories live in tests.factories, fixtures in conftest)."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from unittest import mock

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

# Worked example of RULES.md §2 with R&D 32 万元: 8 + 30 + 18 = 56 (fails); R&D 48: 76 (passes by score).
FIGURES = {
    "total_staff": "40",
    "tech_staff": "6",
    "sales_revenue": "800",
    "total_costs": "700",
    "rd_expense": "48",
    "total_assets": "1000",
    "class2_ip": 3,
}


def evidence_pdf(name: str = "证明材料.pdf"):
    """A small PDF upload (judged by its content, as every upload is)."""
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


def open_filing_today(*years: int) -> None:
    """Let the enterprises file for these (later) years today, whatever the campaigns say: for tests of
    rules other than the filing window."""
    from certification.models import EvaluationCampaign

    EvaluationCampaign.objects.filter(year__in=years).update(filing_opens=dt.date(2017, 1, 1))


def notices_may_end_by(year: int, day: dt.date) -> None:
    """Let the notices of ``year``'s filings run until ``day`` (and register until then): for tests of
    the calendar across the new year rather than of the campaign's deadlines."""
    from certification.models import EvaluationCampaign

    EvaluationCampaign.objects.filter(year=year).update(notices_end_by=day, registration_valid_until=day)


def revoke(registration, actor, *, grounds, reason: str, at: dt.datetime | None = None):
    """Revoke ``registration`` through the procedure, the only way there is: notice, no defence, the finding
    the day after the defence deadline. ``at`` pins the time of the finding (the registration's revoked_at)."""
    from django.utils import timezone

    from certification.services.revocation import revocation_decide, revocation_notice

    revocation = revocation_notice(actor=actor, registration_id=registration.pk, grounds=grounds, reason=reason)
    with mock.patch.object(timezone, "now", return_value=at) if at else nullcontext():
        return revocation_decide(
            actor=actor,
            revocation_id=revocation.pk,
            revoke=True,
            finding=reason,
            today=revocation.defence_deadline + dt.timedelta(days=1),
        )


def reload(obj):
    """A fresh copy of ``obj`` from the database; ``obj`` itself keeps the values it had."""
    return type(obj).objects.get(pk=obj.pk)


def messages_of(response) -> list[str]:
    """The flash messages of the response's request: those a rendered page shows (also at the end of a
    followed redirect), or those a view queued before redirecting."""
    return [str(m) for m in get_messages(response.wsgi_request)]


REFUSAL_MESSAGE = "refused by the test"


@dataclass
class Refusal:
    rows: int | None = None  # the rows in the table when the database refused the write; None: nothing refused


@contextmanager
def database_refuses(model, operation: str, when: str) -> Iterator[Refusal]:
    """Within the block the database refuses to ``operation`` ("INSERT" or "UPDATE") a row of ``model`` for
    which the SQL condition ``when`` holds (on NEW, and OLD for an update), with an IntegrityError whose
    message holds REFUSAL_MESSAGE, as a broken constraint would.

    A trigger does it, so the failure is a real one at whatever point the code under test writes that row.
    The yielded Refusal tells how many rows the table held at that moment, which shows what had already been
    written (a sequence keeps the count on PostgreSQL: setval survives the rollback of the failed write).
    """
    table = connection.ops.quote_name(model._meta.db_table)
    count_rows = f"(SELECT count(*) FROM {table})"  # noqa: S608 - a model's table, not input
    refusal = Refusal()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE SEQUENCE test_refused_at_rows MINVALUE 0 START 0")
            cursor.execute(
                "CREATE FUNCTION test_refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                f" PERFORM setval('test_refused_at_rows', {count_rows});"
                f" RAISE EXCEPTION '{REFUSAL_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';"
                " END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER test_refuse_write BEFORE {operation} ON {table} FOR EACH ROW WHEN ({when})"
                " EXECUTE FUNCTION test_refuse_write()"
            )
        else:
            connection.connection.create_function(
                "test_refused_at_rows", 1, lambda rows: setattr(refusal, "rows", rows), deterministic=False
            )
            cursor.execute(
                f"CREATE TRIGGER test_refuse_write BEFORE {operation} ON {table} FOR EACH ROW WHEN {when} BEGIN"
                f" SELECT test_refused_at_rows({count_rows});"
                f" SELECT RAISE(ABORT, '{REFUSAL_MESSAGE}'); END"
            )
    try:
        yield refusal
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER test_refuse_write ON {table}")
                cursor.execute("DROP FUNCTION test_refuse_write()")
                cursor.execute("SELECT last_value, is_called FROM test_refused_at_rows")
                rows, called = cursor.fetchone()
                if called:
                    refusal.rows = rows
                cursor.execute("DROP SEQUENCE test_refused_at_rows")
            else:
                cursor.execute("DROP TRIGGER test_refuse_write")


def export_recorded(user, what: str) -> dict:
    """The details (path, filters, rows) of the one download of ``what`` by ``user`` in the security log."""
    from smeportal.models import SecurityEvent

    return SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT, user=user, target=what).details


def xlsx_download_rows(response) -> list[tuple]:
    """The rows (header first) of a streamed one-sheet .xlsx download."""
    import io

    import openpyxl

    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]
