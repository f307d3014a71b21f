"""seed_demo: deterministic, idempotent, valid and realistic demo data with one login per role."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assistance.models import AssistanceAgreement, Department
from certification.models import Application, NoticeBatch
from dashboards.models import YearReportRun, YearReportSnapshot
from dashboards.year_report import report_years
from demo.context import CHUNK, SeedContext
from demo.enterprises import generate_enterprise_chunk
from demo.seeding import seed_demo
from demo.snapshots import history_days
from demo.users import DEMO_PASSWORD
from enterprises.models import District, Enterprise
from quotas.models import DepartmentShareSnapshot, TechShareSnapshot
from quotas.tech_share import tech_share_compute
from tests.demo.helpers import ROLES, counts, snapshot, wipe, years

pytestmark = pytest.mark.django_db


def test_same_seed_gives_the_same_data_and_another_seed_other_data(reference):
    seed_demo(enterprises=300, seed=7)
    first = snapshot()
    wipe()
    seed_demo(enterprises=300, seed=7)
    assert snapshot() == first
    assert len(first) == 300
    assert len({row[0] for row in first}) == 300

    wipe()
    seed_demo(enterprises=300, seed=8)
    other = snapshot()
    assert not {row[0] for row in other} & {row[0] for row in first}
    assert [row[1] for row in other] != [row[1] for row in first]


def test_an_index_has_the_same_enterprise_whatever_n(reference):
    ctx = SeedContext.load(seed=2026)
    small = generate_enterprise_chunk(ctx, 0, size=40)
    large = generate_enterprise_chunk(ctx, 0, size=CHUNK)
    assert [(e.credit_code, e.name, e.established_on) for e in small] == [
        (e.credit_code, e.name, e.established_on) for e in large[:40]
    ]
    # The next chunk draws from its own stream: it does not repeat chunk 0.
    assert not {e.credit_code for e in generate_enterprise_chunk(ctx, 1, size=200)} & {e.credit_code for e in large}


def test_second_run_creates_nothing_and_a_larger_n_adds_only_the_missing(reference):
    first = seed_demo(enterprises=300)
    assert first.created["enterprises"] == 300 and first.created["users"] == len(ROLES)
    before, rows = counts(), snapshot()

    again = seed_demo(enterprises=300)
    assert set(again.created.values()) == {0}
    assert counts() == before
    assert snapshot() == rows

    more = seed_demo(enterprises=450)
    assert more.created["enterprises"] == 150 and more.created["users"] == 0
    assert Enterprise.objects.count() == 450
    assert set(rows) <= set(snapshot())
    for batch in NoticeBatch.objects.all():  # numbered again, from one, with the added filings
        places = sorted(batch.applications.values_list("notice_position", flat=True))
        assert places == list(range(1, len(places) + 1))


def test_query_count_does_not_grow_with_n(reference, django_assert_max_num_queries):
    measured = []
    # The quota history: both jobs per day (policy, baseline, districts, counts, pool, upsert; policy,
    # departments, upsert), however many enterprises there are; the year-end report of
    # each campaign year (counting and upserting).
    days = len(history_days(timezone.localdate().year - 1, timezone.localdate()))
    years = len(report_years(timezone.localdate()))
    for n in (300, 3000):
        wipe()
        TechShareSnapshot.objects.all().delete()
        YearReportSnapshot.objects.all().delete()
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(60 + 9 * days + 20 * years):
            result = seed_demo(enterprises=n)
        assert result.enterprises_created == n
        assert result.created["filings"] > 0 and result.created["registrations"] > 0
        assert result.created["agreements"] > 0 and result.created["service_records"] > 0
        measured.append(len(queries))
    assert measured[0] == measured[1]


def test_command_loads_reference_data_when_missing_and_prints_the_logins(db):
    assert not District.objects.exists()
    out = io.StringIO()
    call_command("seed_demo", "--enterprises", "50", "--seed", "3", stdout=out)
    assert District.objects.count() == 12
    assert Enterprise.objects.count() == 50
    text = out.getvalue()
    for username in ROLES:
        assert f"| {username} " in text
    assert text.count(DEMO_PASSWORD) == len(ROLES)
    assert "市级管理人员" in text and "系统管理员" in text and "涪城区" in text
    filings = Application.objects.count()
    assert filings > 0
    assert re.search(rf"评价申报\s+{filings}\n", text), text
    assert re.search(rf"帮扶协议\s+{AssistanceAgreement.objects.count()}\n", text), text


def test_refuses_nonsense(db, reference):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--enterprises", "0", stdout=io.StringIO())
    with pytest.raises(ValueError):
        seed_demo(enterprises=0)


def test_needs_reference_data(db):
    with pytest.raises(ValueError):
        seed_demo(enterprises=10)
    assert not Enterprise.objects.exists()


def test_refuses_reference_data_without_the_demo_scopes_before_writing(reference):
    Department.objects.filter(code="jxj").delete()
    with pytest.raises(CommandError):
        call_command("seed_demo", "--enterprises", "20", stdout=io.StringIO())
    assert not Enterprise.objects.exists()
    assert not get_user_model().objects.exists()


# --- Filings, registrations, notices and assistance --------------------------------------------


def test_filings_do_not_depend_on_n(reference):
    seed_demo(enterprises=300)
    small = set(Application.objects.values_list("enterprise__credit_code", "evaluation_year", "state", "rd_expense"))
    wipe()
    seed_demo(enterprises=1200)
    large = set(Application.objects.values_list("enterprise__credit_code", "evaluation_year", "state", "rd_expense"))
    assert small and small < large


def test_the_dashboards_have_a_history_at_the_first_visit(reference):
    """Right after seeding, the dashboards had no snapshot; after a recompute 11 of 12 districts read 0%
    and the trend had one point. The seed now computes both quota jobs for each month's end since the
    baseline and for today, on data whose shares spread around the 10% target."""
    first = seed_demo(enterprises=3000)
    today = timezone.localdate()
    previous, current = years()
    city = list(TechShareSnapshot.objects.filter(scope_key="city").order_by("as_of").values_list("as_of", "share"))
    days = [day for day, _share in city]
    assert days[0] == dt.date(previous, 1, 31) and days[-1] == today
    assert len(days) == 12 + today.month == first.created["quota_snapshot_days"]
    assert {day.year for day in days} == {previous, current}
    assert TechShareSnapshot.objects.count() == len(days) * (District.objects.count() + 1)
    assert DepartmentShareSnapshot.objects.filter(as_of=today, year=current).count() == Department.objects.count()
    # Spread around the target: the city near 10%, some districts above it, some well below, none all alike.
    latest = dict(
        TechShareSnapshot.objects.filter(as_of=today).exclude(scope_key="city").values_list("scope_key", "share")
    )
    assert 0.06 <= float(dict(city)[today]) <= 0.14
    above = [code for code, share in latest.items() if share >= Decimal("0.10")]
    assert 2 <= len(above) <= 8, latest
    assert sum(1 for share in latest.values() if share == 0) <= 3, latest  # the smallest counties, at 3,000
    assert len(set(latest.values())) >= 8, latest
    assert len({share for _day, share in city}) >= 4  # the trend moves
    # The stored history is the job's own: recomputing a past day gives the same figures.
    stored = dict(TechShareSnapshot.objects.filter(as_of=days[-3]).values_list("scope_key", "share"))
    tech_share_compute(day=days[-3], year=days[-3].year)
    assert dict(TechShareSnapshot.objects.filter(as_of=days[-3]).values_list("scope_key", "share")) == stored
    # Idempotent and quick: a second run computes no day again and adds no row.
    rows = TechShareSnapshot.objects.count()
    # The year-end reports were stored by a run of the nightly job, which the background jobs page lists.
    assert list(YearReportRun.objects.values_list("as_of", "status")) == [(today, "done")]
    again = seed_demo(enterprises=3000)
    assert again.created["quota_snapshot_days"] == 0 and TechShareSnapshot.objects.count() == rows
    assert YearReportRun.objects.count() == 1
