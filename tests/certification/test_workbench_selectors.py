"""The certification workbench selectors on the database: the review queue counted on the officials'
calendar, the city's running batches only, the enterprise's deadline of the moment."""

import datetime as dt

import pytest

from assistance.selectors import assistance_share_of, department_workbench
from certification.models import Application, CalendarOverride, NoticeBatch
from certification.rules import review
from certification.selectors.workbench import city_workbench, district_workbench, enterprise_workbench
from certification.services.notice import notice_batch_create
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 30)
S = Application.State


def test_a_holiday_override_keeps_a_filing_within_its_review_time(district_official, enterprise):
    factories.ApplicationFactory(enterprise=enterprise, state=S.SUBMITTED, submitted_on=dt.date(2026, 11, 2))
    assert review.review_due(dt.date(2026, 11, 2)) == TODAY
    bench = district_workbench(district_official, enterprise.managing_district_id, TODAY + dt.timedelta(days=1))
    assert (bench.overdue_count, bench.waiting[0].waiting.overdue) == (1, True)
    CalendarOverride.objects.create(date=dt.date(2026, 11, 16), kind=CalendarOverride.Kind.HOLIDAY, reason="测试")
    bench = district_workbench(district_official, enterprise.managing_district_id, TODAY + dt.timedelta(days=1))
    waiting = bench.waiting[0].waiting
    assert (bench.overdue_count, waiting.overdue, waiting.due) == (0, False, dt.date(2026, 12, 1))


def test_the_queue_leaves_out_drafts_withdrawals_and_decided_filings(district_official, enterprise):
    district = enterprise.managing_district
    for state in (S.DRAFT, S.WITHDRAWN, S.RECOMMENDED, S.REJECTED, S.RETURNED):
        factories.ApplicationFactory(enterprise=factories.EnterpriseFactory(managing_district=district), state=state)
    bench = district_workbench(district_official, district.pk, TODAY)
    assert (bench.waiting_count, bench.waiting) == (0, [])


def test_the_city_counts_running_batches_only(city_official, enterprise):
    old, running = (factories.recommended_filing(factories.EnterpriseFactory()) for _ in range(2))
    start = dt.date(2026, 10, 12)
    ended = notice_batch_create(actor=city_official, title="已结束", start_date=start, today=start,
                                application_ids=[old.pk])  # fmt: skip
    batch = notice_batch_create(actor=city_official, title="进行中", start_date=TODAY, today=TODAY,
                                application_ids=[running.pk])  # fmt: skip
    assert ended.end_date < TODAY
    bench = city_workbench(city_official, TODAY)
    assert [item.batch_id for item in bench.batches_ending] == [batch.pk]
    assert bench.batches_ending[0].filings == 1 and bench.recommended_unbatched == 0
    assert NoticeBatch.objects.count() == 2


def test_a_filing_under_notice_counts_down_to_the_notice_end(enterprise_user, enterprise, city_official):
    application = factories.recommended_filing(enterprise)
    batch = notice_batch_create(
        actor=city_official, title="第一批", start_date=TODAY, today=TODAY, application_ids=[application.pk]
    )
    bench = enterprise_workbench(enterprise_user, enterprise.pk, TODAY)
    assert bench.application.state == S.UNDER_NOTICE
    assert (bench.deadline.label, bench.deadline.day, bench.deadline.working_days_left) == (
        "公示截止",
        batch.end_date,
        10,
    )
    assert bench.next_step.label == "查看申报"


def test_assistance_share_counts_the_district_officials_enterprises_only(district_official, enterprise, department):
    factories.AssistanceAgreementFactory(department=department, enterprise=enterprise, counts_as_new=True)
    factories.AssistanceAgreementFactory(department=department, counts_as_new=False)  # another district's firm
    factories.AssistanceAgreementFactory(department=department, enterprise=enterprise, year=2025, counts_as_new=False)
    share = assistance_share_of(district_official, 2026)
    assert (share.agreements, share.new, share.short_by, share.share_percent) == (1, 1, 0, "100.0%")


def test_the_department_workbench_leaves_out_archived_agreements(department):
    factories.AssistanceAgreementFactory(department=department, counts_as_new=True, archived=True)
    factories.AssistanceAgreementFactory(department=department, counts_as_new=False)
    bench = department_workbench(department.pk, 2026)
    assert (bench.progress.agreements, bench.progress.new, bench.progress.short_by) == (1, 0, 1)
