"""A task that kills its worker is not delivered forever: each start of a background job's task is counted,
and past JOB_MAX_ATTEMPTS the job is marked failed with a message its page shows, without running again.

No worker is killed here: the work raises what no ``except Exception`` of a task body catches, as a
worker's death leaves the job mid-way, and the task's body is called again as a redelivery would call it
(tests/quotas/test_worker_killed.py kills a real worker).
"""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import OperationalError
from django.urls import reverse
from django.utils import translation

from assistance.models import AgreementImport
from assistance.tasks import agreement_import_run
from enterprises.models import RegistryImport
from enterprises.tasks import registry_import_run
from quotas import tasks as quota_tasks
from quotas.models import QuotaRun
from smeportal.spreadsheets import GAVE_UP

pytestmark = pytest.mark.django_db

REGISTRY_GAVE_UP = (
    "文件在 3 次尝试后仍未能处理完（每次都在处理中途中断，可能是文件过大），已停止重试。"
    "请检查文件，必要时拆分后重新上传。"
)


class WorkerKilled(BaseException):
    """Where the worker would die (out of memory, say): the job's row is left as the death leaves it."""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOB_MAX_ATTEMPTS = 3


@pytest.fixture
def deadly(monkeypatch):
    """Make ``target`` kill the worker; returns the list of the calls that got that far."""
    calls = []

    def install(target: str):
        def dies(*args, **kwargs):
            calls.append(args or kwargs)
            raise WorkerKilled

        monkeypatch.setattr(target, dies)
        return calls

    return install


def redeliver(body, pk, times: int, job_model) -> list[int]:
    """Run the task's body ``times`` times, each dying; the attempts counted after each."""
    counted = []
    for _ in range(times):
        with pytest.raises(WorkerKilled):
            body(pk)
        counted.append(job_model.objects.get(pk=pk).attempts)
    return counted


def test_registry_import_killing_its_worker_fails_after_three_attempts(client, city_official, deadly):
    calls = deadly("enterprises.services.registry.read_registry_file")
    record = RegistryImport(original_name="registry.xlsx", requested_by=city_official)
    record.file.save("registry.xlsx", ContentFile(b"PK\x03\x04"))

    assert redeliver(registry_import_run.run, record.pk, 3, RegistryImport) == [1, 2, 3]
    assert RegistryImport.objects.get(pk=record.pk).status == RegistryImport.Status.RUNNING  # as the deaths left it
    assert registry_import_run.run(record.pk) == {}  # the fourth delivery: the file is not read again
    assert len(calls) == 3
    record.refresh_from_db()
    assert (record.status, record.attempts, record.error) == (RegistryImport.Status.FAILED, 4, REGISTRY_GAVE_UP)
    assert record.finished_at is not None

    registry_import_run.run(record.pk)  # a duplicate message changes nothing
    assert len(calls) == 3 and RegistryImport.objects.get(pk=record.pk).error == REGISTRY_GAVE_UP

    client.force_login(city_official)
    page = client.get(record.get_absolute_url()).content.decode()
    assert 'data-status="failed"' in page and REGISTRY_GAVE_UP in page
    assert "hx-trigger" not in page  # finished: the page stops polling


def test_agreement_import_killing_its_worker_fails_after_the_configured_attempts(
    client, department, department_user, deadly, settings
):
    settings.JOB_MAX_ATTEMPTS = 2
    calls = deadly("assistance.import_services.excel.read_rows")
    record = AgreementImport(department=department, original_name="协议.xlsx", requested_by=department_user)
    record.file.save("协议.xlsx", ContentFile(b"PK\x03\x04"))

    assert redeliver(agreement_import_run.run, record.pk, 2, AgreementImport) == [1, 2]
    agreement_import_run.run(record.pk)
    assert len(calls) == 2
    record.refresh_from_db()
    assert (record.status, record.attempts) == (AgreementImport.Status.FAILED, 3)
    assert record.error.startswith("文件在 2 次尝试后仍未能处理完")

    client.force_login(department_user)
    page = client.get(record.get_absolute_url()).content.decode()
    assert 'data-status="failed"' in page and "文件在 2 次尝试后仍未能处理完" in page


def test_a_quota_run_stops_after_the_attempts_whatever_ended_them(client, city_official, monkeypatch):
    calls = []

    def compute(**kwargs):
        calls.append(kwargs)
        if len(calls) <= 2:
            raise WorkerKilled
        raise OperationalError("the database went away")

    monkeypatch.setattr(quota_tasks, "tech_share_compute", compute)
    run = QuotaRun.objects.create(as_of=dt.date(2026, 6, 30), year=2026)
    assert redeliver(quota_tasks.recompute_quotas.run, run.pk, 2, QuotaRun) == [1, 2]
    # A retry after a database error is a start like any other.
    with pytest.raises(OperationalError):
        quota_tasks.quota_run_process(run_id=run.pk)
    assert QuotaRun.objects.get(pk=run.pk).status == QuotaRun.Status.FAILED
    assert quota_tasks.quota_run_process(run_id=run.pk) == {"skipped": True, "gave_up": True}
    assert len(calls) == 3
    run.refresh_from_db()
    assert (run.status, run.attempts) == (QuotaRun.Status.FAILED, 4)
    assert run.error == "计算在 3 次尝试后仍未完成，已停止重试。请稍后重新计算，或联系管理员。"

    client.force_login(city_official)
    assert run.error in client.get(reverse("quotas:run", args=[run.pk])).content.decode()


def test_the_messages_in_english():
    with translation.override("en"):
        assert "could not be processed after 3 attempts" in GAVE_UP % {"attempts": 3}
        assert "did not finish after 3 attempts" in quota_tasks.GAVE_UP % {"attempts": 3}


def test_jobs_that_finish_are_not_counted_again(city_official, settings):
    record = RegistryImport(original_name="registry.xlsx", requested_by=city_official)
    record.file.save("registry.xlsx", ContentFile(b"not a workbook"))
    registry_import_run.run(record.pk)  # refused as no workbook: a failure the task handles
    record.refresh_from_db()
    assert (record.status, record.attempts) == (RegistryImport.Status.FAILED, 1)
    RegistryImport.objects.filter(pk=record.pk).update(status=RegistryImport.Status.DONE, counts={"rows": 1})
    for _ in range(5):
        assert registry_import_run.run(record.pk) == {"rows": 1}
    assert RegistryImport.objects.get(pk=record.pk).attempts == 1
