"""A real Celery worker (``celery -A smeportal worker``) in a subprocess, against the pytest test database and Redis.

Shared by the real-worker tests. The worker runs the solo pool, so the task runs in the process started here
(killing it kills the task).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def worker_database_url() -> str:
    """The URL of the test database this process uses, for the worker subprocess."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """A worker subprocess writing its output to ``log_path``."""

    def __init__(self, *, broker: str, log_path: Path, name: str = "quotatest", **env: str):
        self.log_path = log_path
        self.log = open(log_path, "a")  # noqa: SIM115 - closed in stop(); shared with the worker, which appends
        self.process = subprocess.Popen(
            [CELERY, "-A", "smeportal", "worker", "--pool=solo", "--loglevel=INFO", f"--hostname={name}@%h"],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": worker_database_url(),
                "CELERY_BROKER_URL": broker,
                "CELERY_RESULT_BACKEND": broker,
                "CELERY_TASK_ALWAYS_EAGER": "0",
                **env,
            },
            stdout=self.log,
            stderr=self.log,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        """The worker's log so far (read through a handle of its own: the worker's file offset is left alone)."""
        return self.log_path.read_text(errors="replace")

    def wait_for(self, condition, *, what: str = "the worker to finish", timeout: float = 60) -> None:
        """Poll ``condition`` until true; fail with the worker's log on timeout or when the worker exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if condition():
                return
            time.sleep(0.2)
        state = "exited" if self.process.poll() is not None else f"timed out after {timeout}s"
        pytest.fail(f"waiting for {what}: the worker {state}; log:\n{self.output()}")

    def stop(self) -> None:
        """Stop the worker (warm shutdown, killed if it does not stop) and close its log."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
