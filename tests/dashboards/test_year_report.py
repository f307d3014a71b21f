"""The year-end report: its figures counted from the records, stored by the nightly job and read back the
same, the page and the workbook (read back with openpyxl) agreeing with them, a fixed number of queries,
and the city's alone."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import Application, NoticeBatch, Objection, Registration
from certification.services.spot_check import spot_check_draw, spot_check_record
from dashboards import tasks
from dashboards.models import YearReportRun, YearReportSnapshot
from dashboards.tasks import store_year_reports, year_report_run_process
from dashboards.year_report import report_years, stored_year_report, year_report, year_report_store
from tests import factories
from tests.helpers import evidence_pdf, export_recorded, reload, revoke

YEAR = 2026
G = Registration.Grounds


def registered(district, count: int, *, year: int = YEAR) -> list[Registration]:
    return [
        factories.registered_filing(factories.EnterpriseFactory(managing_district=district), year=year)
        for _ in range(count)
    ]


@pytest.fixture
def campaign_year(district, other_district, city_official, district_official, department, other_department):
    """2026 in two districts: 涪城区 3 registered (one revoked later, one failing its spot check), a
    recommended and a rejected filing, a draft (not filed); the other district 2 registered; a notice
    batch of the five registrations with two objections (one upheld); agreements of two departments
    (3 of 4 with new enterprises); and figures of 2025 that the report of 2026 must not count."""
    here, there = registered(district, 3), registered(other_district, 2)
    factories.ApplicationFactory(
        enterprise=factories.EnterpriseFactory(managing_district=district), state=Application.State.REJECTED
    )
    factories.ApplicationFactory(enterprise=factories.EnterpriseFactory(managing_district=district))
    registered(district, 4, year=YEAR - 1)
    batch = NoticeBatch.objects.create(
        title="2026年第一批", start_date=dt.date(2026, 6, 1), end_date=dt.date(2026, 6, 12)
    )
    Application.objects.filter(registration__in=here + there).update(notice_batch=batch)
    for status, registration in ((Objection.Status.UPHELD, here[0]), (Objection.Status.OPEN, there[0])):
        Objection.objects.create(
            application=registration.application,
            batch=batch,
            objector=city_official,
            real_name="王五",
            contact="138",
            statement="不实",
            status=status,
        )
    revoke(here[0], city_official, grounds=G.CONDITIONS_NOT_MET, reason="不再符合条件")
    draw = spot_check_draw(actor=city_official, year=YEAR, share="1", seed=7)  # every registration not revoked
    checks = {check.registration_id: check for check in draw.checks.all()}
    spot_check_record(
        actor=district_official, check_id=checks[here[1].pk].pk, passed=True, note="属实", evidence=evidence_pdf()
    )
    spot_check_record(
        actor=district_official,
        check_id=checks[here[2].pk].pk,
        passed=False,
        note="研发费用不实",
        evidence=evidence_pdf(),
        failure_grounds=G.CONDITIONS_NOT_MET,
        today=dt.date(2026, 12, 1),
    )
    # Recommended after the draw: the draw waits for the year's recommended filings.
    factories.recommended_filing(factories.EnterpriseFactory(managing_district=district))
    for enterprise, new in ((here[1].enterprise, True), (here[2].enterprise, True), (there[0].enterprise, False)):
        factories.AssistanceAgreementFactory(department=department, enterprise=enterprise, counts_as_new=new)
    factories.AssistanceAgreementFactory(
        department=other_department, enterprise=there[1].enterprise, counts_as_new=True
    )
    factories.AssistanceAgreementFactory(department=department, year=YEAR - 1, counts_as_new=True)
    return {"batch": batch}


AS_OF = dt.date(2026, 12, 2)
STORE_QUERIES = 17  # one grouped query per section, and the upsert
QUERIES = 7  # session, user, membership, the stored report, the years, the nav's notifications (+ export log)


def test_the_figures_are_counted_from_the_records(campaign_year, district, other_district, department):
    report = year_report(YEAR, AS_OF)
    rows = {row.code: row for row in report.districts}
    here, there = rows[district.code], rows[other_district.code]
    assert (here.filed, here.recommended, here.rejected) == (5, 4, 1)  # the draft is not filed
    assert (here.registered, here.valid, here.revoked) == (3, 2, 1)
    assert (here.spot_checked, here.spot_passed, here.spot_failed, here.spot_waiting) == (2, 1, 1, 0)
    assert (there.registered, there.spot_checked, there.spot_waiting) == (2, 2, 2)
    assert (here.agreements, here.new_agreements, there.agreements, there.new_agreements) == (2, 2, 2, 1)
    assert (report.city.registered, report.city.revoked, report.city.spot_checked) == (5, 1, 4)
    # The failed check started a revocation; the first registration's was decided.
    assert report.revocations == {"noticed": 1, "defended": 0, "revoked": 1, "dismissed": 0}
    [batch] = report.batches
    assert (batch.filings, batch.registered, batch.objections, batch.upheld, batch.open_objections) == (5, 5, 2, 1, 1)
    departments = {d.name: d for d in report.departments}
    assert (departments[department.name].agreements, departments[department.name].new_agreements) == (3, 2)
    assert departments[department.name].share_percent == Decimal("66.66")  # 2 of 3, rounded toward zero
    assert (report.agreements, report.new_agreements, float(report.new_share_percent)) == (4, 3, 75.0)
    assert report.spot_check_population == 4


def test_another_year_has_its_own_figures(campaign_year, district):
    report = year_report(YEAR - 1, AS_OF)
    row = next(row for row in report.districts if row.code == district.code)
    assert (row.registered, row.valid, row.spot_checked) == (4, 0, 0)  # 2025's registrations expired
    assert report.batches == [] and report.agreements == 1


def test_the_workbook_holds_every_section_with_the_same_figures(client, city_official, campaign_year, district, today):
    today(AS_OF)
    client.force_login(city_official)
    response = client.get(reverse("dashboards:year_report_xlsx"), {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('year-report-2026-20261202.xlsx"')
    assert export_recorded(city_official, "year_report")["filters"] == {"year": str(YEAR)}
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames == ["概况", "各区县", "公示批次", "抽查结果", "部门帮扶新企业占比"]
    summary = dict(book["概况"].iter_rows(min_row=2, values_only=True))
    assert summary["评价年度"] == YEAR and summary["数据截至"] == "2026-12-02"
    assert (summary["入库登记数"], summary["有效期内入库登记数"], summary["撤销程序：已撤销"]) == (5, 4, 1)
    assert (summary["抽中企业数"], summary["抽查：核查未通过"], summary["新企业占比（%）"]) == (4, 1, 75)
    districts = list(book["各区县"].iter_rows(values_only=True))
    assert districts[0][:5] == ("区县/功能区", "已申报", "已推荐", "不予通过", "入库登记")
    here = next(row for row in districts if row[0] == district.name)
    assert here[1:7] == (5, 4, 1, 3, 2, 1)
    assert districts[-1][0] == "全市" and districts[-1][4] == 5
    [_header, batch] = list(book["公示批次"].iter_rows(values_only=True))
    assert batch == ("2026年第一批", "2026-06-01", "2026-06-12", 5, 5, 2, 1, 1)
    departments = list(book["部门帮扶新企业占比"].iter_rows(min_row=2, values_only=True))
    assert sorted((row[1], row[2]) for row in departments) == [(1, 1), (3, 2)]


def test_the_page_shows_the_figures_and_the_as_of_date(client, city_official, campaign_year, district, today):
    today(AS_OF)
    client.force_login(city_official)
    page = client.get(reverse("dashboards:year_report"), {"year": YEAR}).content.decode()
    assert "2026年度科技型中小企业评价工作总结" in page and "数据截至 2026-12-02" in page
    assert f'data-code="{district.code}"' in page and "2026年第一批" in page
    assert reverse("dashboards:year_report_xlsx") + "?year=2026" in page


def test_the_page_is_english_in_english(client, city_official, campaign_year, today):
    today(AS_OF)
    client.force_login(city_official)
    page = client.get(reverse("dashboards:year_report"), {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Data as of 2026-12-02" in page and "数据截至" not in page


@pytest.mark.parametrize("year", ["abc", "1999", "2101", ""])
def test_a_bad_year_falls_back_to_this_year(client, city_official, today, year):
    today(AS_OF)
    client.force_login(city_official)
    response = client.get(reverse("dashboards:year_report"), {"year": year})
    assert response.status_code == 200 and response.context["report"].year == 2026


def test_the_query_count_does_not_grow_with_the_data(
    client, city_official, campaign_year, district, django_assert_max_num_queries, today
):
    """Session, user, nav and the one stored report: the same with more registrations, agreements,
    batches and spot checks; counting the report is one grouped query per section whatever the data."""
    today(AS_OF)
    client.force_login(city_official)
    url = reverse("dashboards:year_report")
    with django_assert_max_num_queries(STORE_QUERIES):
        year_report_store(YEAR, AS_OF)
    with django_assert_max_num_queries(QUERIES):
        assert client.get(url, {"year": YEAR}).status_code == 200
    registered(district, 6)
    factories.AssistanceAgreementFactory.create_batch(3)
    NoticeBatch.objects.create(title="第二批", start_date=dt.date(2026, 9, 1), end_date=dt.date(2026, 9, 12))
    with django_assert_max_num_queries(STORE_QUERIES):
        year_report_store(YEAR, AS_OF)
    with django_assert_max_num_queries(QUERIES):
        assert client.get(url, {"year": YEAR}).status_code == 200
    with django_assert_max_num_queries(QUERIES):
        assert client.get(reverse("dashboards:year_report_xlsx"), {"year": YEAR}).status_code == 200


def test_the_stored_report_reads_back_as_it_was_counted(campaign_year):
    counted = year_report_store(YEAR, AS_OF)
    stored = stored_year_report(YEAR, dt.date(2027, 1, 5))
    assert stored == counted and stored.computed_at is not None and stored.as_of == AS_OF
    assert stored.city.registered == 5 and stored.summary() == counted.summary()


def test_the_page_and_workbook_show_the_stored_figures_and_when_they_were_computed(
    client, city_official, campaign_year, district, today
):
    """What the nightly job stored, not the records of the moment: a registration after it shows the next day."""
    today(AS_OF)
    store_year_reports()
    assert set(YearReportSnapshot.objects.values_list("year", flat=True)) == set(report_years(AS_OF)) >= {YEAR}
    registered(district, 2)
    client.force_login(city_official)
    page = client.get(reverse("dashboards:year_report"), {"year": YEAR})
    assert page.context["report"].city.registered == 5
    computed = timezone.localtime(page.context["report"].computed_at)
    assert f"数据截至 2026-12-02（{computed:%Y-%m-%d %H:%M} 计算，每晚更新）" in page.content.decode()
    book = client.get(reverse("dashboards:year_report_xlsx"), {"year": YEAR})
    summary = dict(
        openpyxl.load_workbook(io.BytesIO(b"".join(book.streaming_content)), read_only=True)["概况"].iter_rows(
            min_row=2, values_only=True
        )
    )
    assert summary["入库登记数"] == 5
    today(AS_OF + dt.timedelta(days=1))
    store_year_reports()  # the next night's run
    assert client.get(reverse("dashboards:year_report"), {"year": YEAR}).context["report"].city.registered == 7


def test_the_nightly_job_also_refreshes_a_year_stored_at_its_first_view(client, city_official, today):
    today(AS_OF)
    client.force_login(city_official)
    assert client.get(reverse("dashboards:year_report"), {"year": 2031}).context["report"].year == 2031
    YearReportSnapshot.objects.filter(year=2031).update(as_of=dt.date(2026, 1, 1))
    store_year_reports()
    assert YearReportSnapshot.objects.get(year=2031).as_of == AS_OF


def test_each_nightly_run_is_recorded_with_its_duration_and_not_redone(db, today):
    today(AS_OF)
    assert store_year_reports() == {"years": sorted(report_years(AS_OF), reverse=True)}
    run = YearReportRun.objects.get()
    assert (run.as_of, run.status, run.progress, run.attempts, run.error) == (AS_OF, "done", 100, 1, "")
    assert run.started_at <= run.finished_at and run.requested_by is None
    YearReportSnapshot.objects.all().delete()
    assert year_report_run_process(run_id=run.pk) == {"skipped": True}  # delivered twice: counted once
    assert not YearReportSnapshot.objects.exists()


def test_a_failed_run_keeps_its_error_and_the_task_raises_for_its_retry(db, today, monkeypatch):
    today(AS_OF)

    def fail(as_of):
        raise ValueError("2026 年数据不完整")

    monkeypatch.setattr(tasks, "year_reports_store", fail)
    with pytest.raises(ValueError, match="数据不完整"):
        store_year_reports()
    run = YearReportRun.objects.get()
    assert (run.status, run.stage, run.error) == ("failed", "计算失败", "ValueError: 2026 年数据不完整")
    assert run.finished_at is not None
    monkeypatch.undo()
    today(AS_OF)
    assert year_report_run_process(run_id=run.pk)["years"]  # the retry runs it again
    run.refresh_from_db()
    assert (run.status, run.error, run.attempts) == ("done", "", 2)


def test_the_nightly_job_is_scheduled(settings):
    assert settings.CELERY_BEAT_SCHEDULE["year-reports"]["task"] == "dashboards.store_year_reports"


@pytest.mark.parametrize("persona", ["district_official", "department_user", "enterprise_user"])
def test_only_the_city_sees_the_report(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("dashboards:year_report")).status_code == 404
    assert client.get(reverse("dashboards:year_report_xlsx")).status_code == 404


def test_the_district_figures_follow_a_move_of_the_enterprise(campaign_year, district, other_district):
    registration = Registration.objects.filter(enterprise__managing_district=other_district).first()
    enterprise = reload(registration.enterprise)
    enterprise.managing_district = district
    enterprise.save(update_fields=["managing_district"])
    rows = {row.code: row for row in year_report(YEAR, AS_OF).districts}
    assert (rows[district.code].registered, rows[other_district.code].registered) == (4, 1)
