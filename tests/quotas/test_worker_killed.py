"""A Celery worker killed in the middle of a quota run: the run is redelivered and completes once,
and the snapshots are neither missing nor doubled. Real Redis, real workers, PostgreSQL.

No timing guesses: the job is held at its snapshot upsert by a table lock taken from another connection,
worker A is killed while its database session is seen waiting on that lock, and worker B is started once
the unacknowledged message is older than the (shortened) visibility timeout, so B's startup sweep hands it
back to the queue.
"""

import os
import signal
import time
from decimal import Decimal

import psycopg2
import pytest
import redis
from celery import Celery

from quotas.models import DepartmentShareSnapshot, QuotaAlert, QuotaRun, TechShareSnapshot
from tests.quotas import quota_data
from tests.quotas.quota_data import DAY, YEAR
from tests.quotas.worker import Worker, worker_database_url

BROKER = "redis://127.0.0.1:6379/12"
VISIBILITY_TIMEOUT = 3
WORKER_A = "smeportal-killed-worker-a"
WORKER_B = "smeportal-killed-worker-b"
TASK = "quotas.recompute_quotas"
FIELDS = ("newly_registered", "candidates", "filed", "recommended", "registered", "share", "met", "short_by")
# quota_data's data set: (new, open pool candidates, filed, recommended, registered, share, met, short by);
# of 涪城区's three pool firms one filed and one registered are no longer candidates (test_tech_share.py).
EXPECTED = {
    "510703": (30, 1, 4, 3, 2, Decimal("0.0666"), False, 1),
    "510704": (10, 0, 1, 1, 1, Decimal("0.1000"), True, 0),
    "510705": (0, 0, 0, 0, 0, Decimal("0.0000"), True, 0),
    TechShareSnapshot.CITY: (40, 1, 5, 4, 3, Decimal("0.0750"), False, 1),
}


@pytest.fixture
def data(district, other_district, department, other_department):
    quota_data.tech_share_data(district, other_district)
    quota_data.department_share_data(department, other_department)


def _poll(condition, *, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)


def _backends(cursor, application_name: str) -> list[tuple[int, str | None]]:
    """The sessions of a worker and what they wait on (fresh statistics, though inside the lock's transaction)."""
    cursor.execute("SELECT pg_stat_clear_snapshot()")
    cursor.execute(
        "SELECT pid, wait_event_type FROM pg_stat_activity WHERE application_name = %s AND pid <> pg_backend_pid()",
        [application_name],
    )
    return cursor.fetchall()


@pytest.mark.needs_redis
# About 15 s here; its own waits (up to two minutes, then the workers' shutdown) fail first, with the workers' logs.
@pytest.mark.timeout(300)
def test_killed_worker_run_is_redelivered_and_completes_once(transactional_db, require_postgres, data, tmp_path):
    broker = redis.Redis.from_url(BROKER)
    broker.flushdb()
    client = Celery("quota-kill-test", broker=BROKER, backend=None)
    run = QuotaRun.objects.create(as_of=DAY, year=YEAR)
    env = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}

    # Hold every write to the snapshots: the job will block at its upsert.
    lock = psycopg2.connect(worker_database_url(), application_name="smeportal-kill-test-lock")
    locked = lock.cursor()
    locked.execute(f'LOCK TABLE "{TechShareSnapshot._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
    worker_a = worker_b = None
    try:
        worker_a = Worker(broker=BROKER, log_path=tmp_path / "worker_a.log", name="killed-a", PGAPPNAME=WORKER_A, **env)
        task_id = client.signature(TASK, args=[run.pk]).apply_async().id

        # The job has started and its database session waits on the lock, in the middle of the run.
        worker_a.wait_for(
            lambda: (
                QuotaRun.objects.get(pk=run.pk).status == QuotaRun.Status.RUNNING
                and any(wait == "Lock" for _, wait in _backends(locked, WORKER_A))
            ),
            what="worker A to block at the snapshot upsert",
            timeout=30,
        )
        assert broker.hlen("unacked") == 1  # acks_late: taken but not acknowledged

        os.kill(worker_a.pid, signal.SIGKILL)
        assert worker_a.process.wait(timeout=10) == -signal.SIGKILL
        # A dead host's connection is gone too: end the killed worker's orphaned session before releasing the lock,
        # so nothing of worker A's run is written.
        for pid, _ in _backends(locked, WORKER_A):
            locked.execute("SELECT pg_terminate_backend(%s)", [pid])
        _poll(lambda: not _backends(locked, WORKER_A), what="worker A's database session to end")
        lock.rollback()
        lock.close()

        assert TechShareSnapshot.objects.count() == 0
        assert QuotaRun.objects.get(pk=run.pk).status == QuotaRun.Status.RUNNING
        assert broker.hlen("unacked") == 1 and broker.llen("celery") == 0  # the message waits for redelivery
        (_, taken_at) = broker.zrange("unacked_index", 0, 0, withscores=True)[0]
        _poll(
            lambda: time.time() - taken_at > VISIBILITY_TIMEOUT + 0.5,
            what="the visibility timeout to pass",
            timeout=VISIBILITY_TIMEOUT + 5,
        )

        worker_b = Worker(broker=BROKER, log_path=tmp_path / "worker_b.log", name="killed-b", PGAPPNAME=WORKER_B, **env)
        worker_b.wait_for(
            lambda: (
                QuotaRun.objects.get(pk=run.pk).status == QuotaRun.Status.DONE
                and f"{TASK}[{task_id}] succeeded" in worker_b.output()
                and broker.hlen("unacked") == 0
                and broker.llen("celery") == 0
            ),
            what="worker B to finish the redelivered run and acknowledge it",
            timeout=60,
        )

        run.refresh_from_db()
        assert (run.progress, run.error) == (100, "") and run.finished_at is not None
        assert run.attempts == 2  # worker A's start and worker B's, each counted before the work
        snapshots = list(TechShareSnapshot.objects.filter(as_of=DAY))
        assert TechShareSnapshot.objects.count() == len(snapshots) == len(EXPECTED)
        assert {s.scope_key: tuple(getattr(s, f) for f in FIELDS) for s in snapshots} == EXPECTED
        assert len({s.computed_at for s in snapshots}) == 1  # one write, by worker B
        assert DepartmentShareSnapshot.objects.filter(as_of=DAY, year=YEAR).count() == 2
        assert QuotaAlert.objects.count() == 3
        log_a, log_b = worker_a.output(), worker_b.output()
        assert f"{TASK}[{task_id}] received" in log_a and "succeeded" not in log_a
        assert log_b.count(f"{TASK}[{task_id}] received") == 1
        assert log_b.count(f"{TASK}[{task_id}] succeeded") == 1
    finally:
        if not lock.closed:
            lock.rollback()
            lock.close()
        for worker in (worker_a, worker_b):
            if worker is not None:
                worker.stop()
        client.close()
        broker.flushdb()
        broker.close()
