"""Lists officials act on, in a real Chromium: the review queue sorted, filtered and exported to .xlsx
(read back), and a notice batch made on one page with select-all; an agreement's enterprise chosen from
its suggestions."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certification.models import Application, NoticeBatch
from certification.rules import review
from tests import factories

from .helpers import login, message, screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

S = Application.State


@pytest.fixture
def districts(transactional_db):
    return (
        factories.DistrictFactory(code="510703", name="涪城区", sort_order=1),
        factories.DistrictFactory(code="510704", name="游仙区", sort_order=2),
    )


@pytest.fixture
def waiting(districts):
    """Filings of 涪城区 waiting for review since different days, and one already recommended."""
    fucheng, _youxian = districts
    today = timezone.localdate()
    for name, days, state in (("乙科技", 3, S.SUBMITTED), ("甲科技", 40, S.SUBMITTED), ("丙科技", 12, S.ON_SITE_CHECK),
                              ("丁科技", 60, S.RECOMMENDED)):  # fmt: skip
        factories.ApplicationFactory(
            enterprise=factories.EnterpriseFactory(name=f"绵阳{name}有限公司", managing_district=fucheng),
            evaluation_year=today.year,
            state=state,
            submitted_on=today - dt.timedelta(days=days),
        )
    factories.OfficialMembershipFactory(district=fucheng, user__username="fucheng_official")


def queue_names(page) -> list[str]:
    return page.locator("tbody tr td:first-child a").all_inner_texts()


def test_a_district_works_its_queue_sorted_filtered_and_exported(new_page, waiting):
    page = new_page()
    login(page, "fucheng_official")
    page.goto("/certification/review/")
    # The work waiting, the longest waiting first, with its days and the overdue mark.
    expect(page.get_by_test_id("list-total")).to_have_text("共 3 条")
    assert queue_names(page) == ["绵阳甲科技有限公司", "绵阳丙科技有限公司", "绵阳乙科技有限公司"]
    expect(page.locator("tr[data-overdue]")).to_have_count(1)
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("已等待（工作日）")
    screenshots(page, "lists-review-queue")

    page.locator("thead").get_by_role("link", name="企业", exact=True).click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("企业")
    page.locator("thead").get_by_role("link", name="企业", exact=True).click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("企业")
    descending = queue_names(page)
    assert descending == sorted(descending, reverse=True)

    page.get_by_label("状态").select_option(label="全部")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("list-total")).to_have_text("共 4 条")
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("企业")  # the order survived the filter
    shown = queue_names(page)

    with page.expect_download() as download:
        page.get_by_test_id("list-export").click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == shown
    today = timezone.localdate()
    waited = review.working_days_waiting(today - dt.timedelta(days=40), today)  # the page's working days
    assert {row[0]: row[6] for row in rows}["绵阳甲科技有限公司"] == waited > 20


@pytest.fixture
def recommended(districts):
    """Recommended filings of next year (whose notices may run to its end) in both districts."""
    fucheng, youxian = districts
    year = timezone.localdate().year + 1
    for district, name, score in ((fucheng, "涪城一号", 82), (fucheng, "涪城二号", 71), (youxian, "游仙三号", 90)):
        factories.recommended_filing(
            factories.EnterpriseFactory(name=f"绵阳{name}有限公司", managing_district=district),
            year=year,
            snapshot={"evaluation": {"total_score": score, "eligible": True}},
            recommended_on=timezone.localdate(),
        )
    factories.OfficialMembershipFactory(district=None, user__username="city_official")
    return year


def test_the_city_makes_a_batch_in_one_step_with_select_all(new_page, recommended):
    page = new_page()
    login(page, "city_official")
    page.goto("/certification/batches/new/")
    table = page.get_by_test_id("candidates")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("游仙区")
    expect(table).to_contain_text("90")

    page.get_by_label("区县/功能区").select_option(label="涪城区")
    page.get_by_role("button", name="查询").click()
    expect(table.locator("tbody tr")).to_have_count(2)
    page.locator("thead").get_by_role("link", name="自评得分").click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("自评得分")
    assert table.locator("tbody tr td:nth-child(2)").all_inner_texts() == [
        "绵阳涪城二号有限公司",
        "绵阳涪城一号有限公司",
    ]

    page.get_by_label("全选").check()
    expect(page.locator("input[name=applications]:checked")).to_have_count(2)
    expect(page.locator("[data-selected-count]")).to_have_text("已选 2 家")
    page.get_by_label("全选").uncheck()
    expect(page.locator("[data-selected-count]")).to_have_text("已选 0 家")
    page.get_by_label("全选").check()
    page.get_by_label("公示标题").fill("涪城区第1批")
    start = timezone.localdate() + dt.timedelta(days=1)
    page.get_by_label("公示开始日期").fill(start.isoformat())
    expect(page.locator("#end-date-preview")).to_contain_text(start.isoformat())
    screenshots(page, "lists-batch-create")
    page.get_by_role("button", name="创建公示批次").click()
    message(page, "已创建公示批次")

    batch = NoticeBatch.objects.get()
    assert sorted(batch.applications.values_list("enterprise__name", flat=True)) == [
        "绵阳涪城一号有限公司", "绵阳涪城二号有限公司",
    ]  # fmt: skip
    expect(page.get_by_test_id("list-total")).to_have_text("共 2 条")
    with page.expect_download() as download:
        page.get_by_test_id("list-export").click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True).active
    assert len(list(sheet.iter_rows(min_row=2, values_only=True))) == 2


def test_a_department_chooses_the_enterprise_from_the_suggestions(new_page, districts):
    fucheng, _youxian = districts
    newcomer = factories.EnterpriseFactory(name="绵阳新芽智能科技有限公司", managing_district=fucheng)
    factories.DepartmentMembershipFactory(department=factories.DepartmentFactory(code="kjj"), user__username="kjj")
    page = new_page()
    login(page, "kjj")
    page.goto("/assistance/agreements/new/")
    page.fill("#id_enterprise", "新芽智能")
    page.get_by_test_id("enterprise-suggestions").get_by_role("button", name="绵阳新芽智能科技有限公司").click()
    expect(page.locator("#id_enterprise")).to_have_value(newcomer.credit_code)
    expect(page.get_by_test_id("enterprise-suggestions")).to_have_count(1)
    expect(page.get_by_test_id("enterprise-suggestions").get_by_role("button")).to_have_count(0)


def test_a_department_finds_the_new_firms_nobody_assists_sorted_and_exported(new_page, districts):
    fucheng, youxian = districts
    this_year = timezone.localdate().year
    for name, district, month in (("乙", fucheng, 3), ("甲", youxian, 5), ("丙", fucheng, 1)):
        factories.EnterpriseFactory(
            name=f"绵阳新芽{name}科技有限公司", managing_district=district, established_on=dt.date(this_year, month, 1)
        )
    factories.DepartmentMembershipFactory(department=factories.DepartmentFactory(code="kjj"), user__username="kjj")
    page = new_page()
    login(page, "kjj")
    page.goto("/assistance/new-enterprises/")
    expect(page.get_by_test_id("list-total")).to_have_text("共 3 条")
    names = page.locator("tbody tr td:first-child")
    expect(names).to_have_text(["绵阳新芽甲科技有限公司", "绵阳新芽乙科技有限公司", "绵阳新芽丙科技有限公司"])
    screenshots(page, "lists-new-enterprises")

    page.locator("thead").get_by_role("link", name="企业名称", exact=True).click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("企业名称")
    shown = names.all_inner_texts()
    assert shown == sorted(shown)
    with page.expect_download() as download:
        page.get_by_test_id("list-export").click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == shown

    page.get_by_test_id("sign-agreement").first.click()
    expect(page.locator("#id_enterprise")).not_to_have_value("")
