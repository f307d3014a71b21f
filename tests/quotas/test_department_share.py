"""The new-enterprise quota job: every department's 20% share and task progress, fixed queries, idempotent."""

import datetime as dt
from decimal import Decimal

import pytest

from assistance.models import AssistanceAgreement, Department
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
