"""The quota jobs under real conditions: a real Celery worker against Redis, and two runs at once on PostgreSQL."""

import pytest
from celery import Celery

from quotas.alerts import quota_alerts_send
from quotas.department_share import department_share_compute
from quotas.models import DepartmentShareSnapshot, QuotaAlert, QuotaRun, TechShareSnapshot
from quotas.tech_share import tech_share_compute
from smeportal.models import Notification
from tests.concurrency import run_together
from tests.quotas import quota_data
from tests.quotas.quota_data import DAY, YEAR
from tests.quotas.worker import Worker

BROKER = "redis://127.0.0.1:6379/13"
FIELDS = ("newly_registered", "candidates", "filed", "recommended", "registered", "share", "met", "short_by")


@pytest.fixture
def data(district, other_district, department, other_department):
    quota_data.tech_share_data(district, other_district)
    quota_data.department_share_data(department, other_department)


@pytest.mark.needs_redis
# About 6 s here; its own waits (a minute per job, then the worker's shutdown) fail first, with the worker's log.
@pytest.mark.timeout(300)
def test_real_worker_writes_the_snapshots(transactional_db, require_postgres, data, tmp_path):
    client = Celery("quota-test", broker=BROKER, backend=None)
    client.control.purge()
    worker = Worker(broker=BROKER, log_path=tmp_path / "worker.log")
    try:
        client.signature("quotas.compute_tech_share", args=[DAY.isoformat(), YEAR]).apply_async()
        worker.wait_for(lambda: TechShareSnapshot.objects.filter(as_of=DAY).count() == 4)
        fucheng = TechShareSnapshot.objects.get(scope_key="510703", as_of=DAY)
        assert (fucheng.newly_registered, fucheng.registered, fucheng.short_by, fucheng.met) == (30, 2, 1, False)
        city = TechShareSnapshot.objects.get(scope_key="city", as_of=DAY)
        assert (city.newly_registered, city.registered, str(city.share)) == (40, 3, "0.0750")

        run = QuotaRun.objects.create(as_of=DAY, year=YEAR)
        client.signature("quotas.recompute_quotas", args=[run.pk]).apply_async()
        worker.wait_for(lambda: QuotaRun.objects.get(pk=run.pk).status == QuotaRun.Status.DONE)
        run.refresh_from_db()
        assert run.progress == 100 and run.finished_at is not None and run.attempts == 1
        assert DepartmentShareSnapshot.objects.filter(as_of=DAY, year=YEAR, short_by=1).count() == 1
        assert QuotaAlert.objects.count() == 3
    finally:
        worker.stop()


def _rows():
    return {s.scope_key: tuple(getattr(s, f) for f in FIELDS) for s in TechShareSnapshot.objects.all()}


def test_two_runs_at_once_give_the_same_rows(transactional_db, require_postgres, data):
    tech_share_compute(day=DAY)
    expected = _rows()
    TechShareSnapshot.objects.all().delete()

    results = run_together([lambda: tech_share_compute(day=DAY)] * 2)
    assert results == [4, 4]
    assert _rows() == expected and TechShareSnapshot.objects.count() == 4

    results = run_together([lambda: department_share_compute(year=YEAR, day=DAY)] * 2)
    assert results == [2, 2]
    assert DepartmentShareSnapshot.objects.count() == 2


def test_two_alert_runs_at_once_notify_once(
    transactional_db, require_postgres, data, district_official, city_official, other_department_user
):
    tech_share_compute(day=DAY)
    department_share_compute(year=YEAR, day=DAY)
    results = run_together([lambda: quota_alerts_send(day=DAY, year=YEAR)] * 3)
    assert sum(results) == 3, results  # each alert inserted by exactly one of the runs
    for user in (district_official, city_official, other_department_user):
        assert Notification.objects.filter(user=user).count() == 1
    assert QuotaAlert.objects.count() == 3
