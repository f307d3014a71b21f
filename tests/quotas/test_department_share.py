"""The new-enterprise quota job: every department's 20% share and task progress, fixed queries, idempotent."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest

from assistance.models import AssistanceAgreement, Department
from quotas import department_share
from quotas.department_share import department_share_compute
from quotas.models import DepartmentShareSnapshot
from quotas.tasks import compute_department_share
from tests import factories
from tests.quotas import quota_data
from tests.quotas.quota_data import DAY, YEAR

FIELDS = (
    "agreements",
    "new_agreements",
    "share",
    "target",
    "met",
    "short_by",
    "task",
    "assisted_enterprises",
    "task_progress",
)
QUERIES = 3  # policy, one grouped query over the departments, upsert


def numbers(department):
    snap = DepartmentShareSnapshot.objects.get(department=department, year=YEAR, as_of=DAY)
    return {field: getattr(snap, field) for field in FIELDS}


@pytest.fixture
def data(department, other_department):
    quota_data.department_share_data(department, other_department)


def test_numbers_per_department(data, department, other_department):
    assert department_share_compute(year=YEAR, day=DAY) == 2
    assert numbers(department) == {
        "agreements": 10,
        "new_agreements": 2,
        "share": Decimal("0.2000"),
        "target": Decimal("0.2000"),
        "met": True,
        "short_by": 0,
        "task": 20,
        "assisted_enterprises": 10,
        "task_progress": Decimal("0.5000"),
    }
    assert numbers(other_department) == {
        "agreements": 9,  # not the archived one, not last year's
        "new_agreements": 1,
        "share": Decimal("0.1111"),
        "target": Decimal("0.2000"),
        "met": False,
        "short_by": 1,  # ⌈9 × 20%⌉ = 2 needed
        "task": 0,  # no task set
        "assisted_enterprises": 9,
        "task_progress": Decimal(0),
    }


def test_a_department_without_agreements_gets_a_row_and_has_not_met(data):
    idle = factories.DepartmentFactory(code="swj", name="市商务局")
    department_share_compute(year=YEAR, day=DAY)
    row = numbers(idle)
    assert (row["agreements"], row["share"], row["met"], row["short_by"]) == (0, Decimal(0), False, 0)


def test_rerun_writes_the_same_rows(data):
    department_share_compute(year=YEAR, day=DAY)
    first = {s.department_id: (s.pk, *(getattr(s, f) for f in FIELDS)) for s in DepartmentShareSnapshot.objects.all()}
    department_share_compute(year=YEAR, day=DAY)
    second = {s.department_id: (s.pk, *(getattr(s, f) for f in FIELDS)) for s in DepartmentShareSnapshot.objects.all()}
    assert second == first and DepartmentShareSnapshot.objects.count() == 2


def test_a_new_day_is_a_new_row_and_changes_show(data, other_department):
    department_share_compute(year=YEAR, day=DAY)
    AssistanceAgreement.objects.filter(department=other_department, year=YEAR, archived=False).update(
        counts_as_new=True
    )
    next_day = DAY + dt.timedelta(days=1)
    department_share_compute(year=YEAR, day=next_day)
    assert DepartmentShareSnapshot.objects.count() == 4
    assert DepartmentShareSnapshot.objects.get(department=other_department, as_of=next_day).met is True
    assert numbers(other_department)["met"] is False  # yesterday's row is history


def test_query_count_does_not_grow(department, other_department, django_assert_num_queries):
    quota_data.policy()
    district = factories.DistrictFactory(code="510703", name="涪城区")

    def sign(department, count, start):
        firms = quota_data.enterprises(district, count)
        AssistanceAgreement.objects.bulk_create(
            factories.AssistanceAgreementFactory.build(department=department, enterprise=e, counts_as_new=i % 4 == 0)
            for i, e in enumerate(firms, start)
        )

    sign(department, 10, 0)
    with django_assert_num_queries(QUERIES):
        department_share_compute(year=YEAR, day=DAY)
    sign(department, 150, 10)
    sign(other_department, 150, 0)
    with django_assert_num_queries(QUERIES):
        department_share_compute(year=YEAR, day=DAY)
    assert numbers(department)["agreements"] == 160 and numbers(other_department)["new_agreements"] == 38


def test_task_takes_year_and_iso_date(data):
    assert compute_department_share.delay(YEAR, DAY.isoformat()).get() == Department.objects.count()


@pytest.mark.parametrize(
    ("day", "agreements", "new", "share"),
    [
        (dt.date(2026, 1, 31), 0, 0, Decimal(0)),  # the day before the first signing
        (dt.date(2026, 2, 1), 1, 1, Decimal("1.0000")),  # signed on the day: counted
        (dt.date(2026, 10, 14), 1, 1, Decimal("1.0000")),  # the day before the October ones
        (dt.date(2026, 10, 15), 5, 1, Decimal("0.2000")),
    ],
)
def test_a_snapshot_as_of_a_day_counts_the_agreements_signed_by_then(department, district, day, agreements, new, share):
    """A recompute of a past day (the dashboard's history, the demo's month ends) gives that day's figures: one
    agreement with a new firm signed on 1 February, four with older firms on 15 October."""
    quota_data.policy()
    (new_firm,) = quota_data.enterprises(district, 1, established_on=dt.date(2026, 1, 10))
    factories.AssistanceAgreementFactory(
        department=department, enterprise=new_firm, signed_on=dt.date(2026, 2, 1), counts_as_new=True
    )
    for firm in quota_data.enterprises(district, 4, established_on=dt.date(2018, 1, 1)):
        factories.AssistanceAgreementFactory(
            department=department, enterprise=firm, signed_on=dt.date(2026, 10, 15), counts_as_new=False
        )
    department_share_compute(year=YEAR, day=day)
    snap = DepartmentShareSnapshot.objects.get(department=department, year=YEAR, as_of=day)
    assert (snap.agreements, snap.new_agreements, snap.share, snap.assisted_enterprises) == (
        agreements,
        new,
        share,
        agreements,
    )
    assert snap.met is (agreements > 0)


@pytest.mark.parametrize(
    ("new", "agreements", "share", "met", "short"),
    [
        (1, 5, Decimal("0.2000"), True, 0),  # exactly 20%
        (1999, 10000, Decimal("0.1999"), False, 1),  # 19.99%
        (800, 4001, Decimal("0.1999"), False, 1),  # 19.995%: not stored as 0.2000 next to "short by 1"
        (0, 0, Decimal(0), False, 0),
    ],
)
def test_the_stored_share_is_rounded_toward_zero(department, new, agreements, share, met, short):
    """The stored share reaches the target exactly when the department meets it (RULES.md §2: no threshold on a
    rounded figure). The counts are handed to the job (its grouped query is tested above), so a boundary needs no
    thousands of rows."""
    quota_data.policy()
    with mock.patch.object(
        department_share,
        "department_figures",
        return_value=[
            {"pk": department.pk, "agreement_count": agreements, "new_count": new, "assisted": agreements, "task": 0}
        ],
    ):
        department_share_compute(year=YEAR, day=DAY)
    snap = DepartmentShareSnapshot.objects.get(department=department, year=YEAR, as_of=DAY)
    assert (snap.share, snap.met, snap.short_by) == (share, met, short)
