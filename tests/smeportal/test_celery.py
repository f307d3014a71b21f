"""The Celery app is wired to Django settings, and the documented worker and beat commands start."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery

from smeportal.celery import app

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
BROKER = "redis://127.0.0.1:6379/14"


@pytest.mark.celery_as_configured  # the suite otherwise forces the app to run tasks in-process
def test_app_reads_django_settings():
    from django.conf import settings

    assert app.conf.task_always_eager == settings.CELERY_TASK_ALWAYS_EAGER
    assert app.conf.task_acks_late is True
    assert app.conf.timezone == "Asia/Shanghai"


def _start(*args, tmp_path):
    env = {
        **os.environ,
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'celery.sqlite3'}",
    }
    log = open(tmp_path / f"{args[0]}.log", "w+")  # noqa: SIM115 - closed by the caller via the process
    return subprocess.Popen([CELERY, "-A", "smeportal", *args], cwd=ROOT, env=env, stdout=log, stderr=log), log


@pytest.mark.needs_redis
def test_worker_starts_and_answers_ping(tmp_path):
    worker, log = _start("worker", "--pool=solo", "--loglevel=INFO", "--hostname=pingtest@%h", tmp_path=tmp_path)
    client = Celery(broker=BROKER)
    try:
        replies = []
        deadline = time.monotonic() + 60
        while not replies and time.monotonic() < deadline and worker.poll() is None:
            replies = client.control.ping(timeout=1.0)
        log.seek(0)
        assert replies, f"no worker answered; log:\n{log.read()}"
        assert any(name.startswith("pingtest@") for reply in replies for name in reply)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()


@pytest.mark.needs_redis
def test_beat_starts(tmp_path):
    beat, log = _start("beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule"), tmp_path=tmp_path)
    try:
        deadline = time.monotonic() + 30
        text = ""
        while "beat: Starting" not in text and time.monotonic() < deadline and beat.poll() is None:
            time.sleep(0.5)
            log.seek(0)
            text = log.read()
        assert "beat: Starting" in text, text
    finally:
        beat.terminate()
        beat.wait(timeout=30)
        log.close()
