"""Each role lands on its workbench (工作台) in a real Chromium: the enterprise, a district official, a
city official and a department user each see their own items, follow a card to where the work is done,
and the workbench fits an office laptop (1366×768) and a phone (screenshots of both)."""

import datetime as dt
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from certification.models import Application, ApplicationEvent, NoticeBatch, Objection
from tests import factories
from tests.dashboards import snapshots as snap

from .helpers import OVERFLOW_TOLERANCE, horizontal_overflow, login, screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

LAPTOP = {"width": 1366, "height": 768}
S = Application.State


@pytest.fixture(autouse=True)
def warm_server(live_server):
    """The server's first answer loads the URLs, views and templates; on a busy machine that can take
    longer than a browser step may wait, so it is asked once before the browser."""
    with urllib.request.urlopen(f"{live_server.url}/accounts/login/", timeout=120) as response:  # noqa: S310 - the test server
        assert response.status == 200


@pytest.fixture
def scene(transactional_db):
    """涪城区 with its work: a returned filing of the enterprise (registered last year), two filings
    waiting for review (one for months), a recommended filing, a running notice with an objection, a
    snapshot of the shares, and a new enterprise nobody assists."""
    today = timezone.localdate()
    district = factories.DistrictFactory(code="510703", name="涪城区")
    enterprise = factories.EnterpriseFactory(managing_district=district, name="绵阳示例科技有限公司")
    factories.EnterpriseMembershipFactory(enterprise=enterprise, user__username="ent_user")
    factories.OfficialMembershipFactory(district=district, user__username="fucheng_official")
    factories.OfficialMembershipFactory(district=None, user__username="city_official")
    department = factories.DepartmentFactory(code="kjj", name="市科技局")
    factories.DepartmentMembershipFactory(department=department, user__username="kjj_user")

    registration = factories.registered_filing(enterprise, year=today.year - 1)
    returned = factories.ApplicationFactory(
        enterprise=enterprise, evaluation_year=today.year, state=S.RETURNED, submitted_on=today
    )
    ApplicationEvent.objects.create(
        application=returned, from_state=S.SUBMITTED, to_state=S.RETURNED, comment="请补充研发项目清单。"
    )

    def firm(name):
        return factories.EnterpriseFactory(managing_district=district, name=name)

    overdue = factories.ApplicationFactory(
        enterprise=firm("久等科技有限公司"), evaluation_year=today.year, state=S.SUBMITTED,
        submitted_on=today - dt.timedelta(days=90),
    )  # fmt: skip
    factories.ApplicationFactory(
        enterprise=firm("新交科技有限公司"), evaluation_year=today.year, state=S.SUBMITTED, submitted_on=today
    )
    factories.recommended_filing(firm("待公示科技有限公司"), year=today.year, submitted_on=today)
    batch = NoticeBatch.objects.create(
        title=f"{today.year}年第二批", start_date=today, end_date=today + dt.timedelta(days=14)
    )
    noticed = factories.recommended_filing(firm("公示中科技有限公司"), year=today.year, submitted_on=today)
    Application.objects.filter(pk=noticed.pk).update(state=S.UNDER_NOTICE, notice_batch=batch)
    Objection.objects.create(
        application=noticed, batch=batch, objector=factories.UserFactory(), real_name="王五",
        contact="13800000000", statement="数据不实",
    )  # fmt: skip
    snap.save_all(
        [
            snap.tech(district, today, new=200, registered=12, year=today.year),
            snap.tech(None, today, new=1000, registered=120, year=today.year),
        ]
    )
    newcomer = factories.EnterpriseFactory(managing_district=district, name="新设创新有限公司", established_on=today)
    return {"registration": registration, "returned": returned, "overdue": overdue, "batch": batch,
            "newcomer": newcomer}  # fmt: skip


def fits(page: Page, name: str) -> None:
    """The workbench fits the office laptop without horizontal scrolling, then both screenshots."""
    page.set_viewport_size(LAPTOP)
    assert horizontal_overflow(page) <= OVERFLOW_TOLERANCE, f"{name}: wider than 1366 px"
    screenshots(page, name)


def test_the_enterprise_lands_on_its_filing_score_and_registration(new_page, scene):
    page = new_page(LAPTOP)
    login(page, "ent_user")
    expect(page.get_by_test_id("workbench-title")).to_have_text("工作台 · 绵阳示例科技有限公司")
    expect(page.get_by_test_id("filing-state")).to_have_text("退回修改")
    expect(page.get_by_test_id("workbench-score")).to_have_text("76")
    expect(page.get_by_test_id("return-comment")).to_have_text("请补充研发项目清单。")
    expect(page.get_by_test_id("deadline")).to_contain_text("申报截止")
    expect(page.get_by_test_id("registration-number")).to_have_text(scene["registration"].number)
    fits(page, "workbench-enterprise")
    page.get_by_test_id("next-step").click()
    expect(page).to_have_url(f"/certification/filings/{scene['returned'].pk}/step/review/")
    page.go_back()
    page.get_by_test_id("registration-proof-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("入库登记证明")


def test_the_district_official_lands_on_the_review_queue(new_page, scene):
    page = new_page(LAPTOP)
    login(page, "fucheng_official")
    expect(page.get_by_test_id("queue-count")).to_have_text("2")
    rows = page.get_by_test_id("queue").locator("li")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("久等科技有限公司")
    expect(rows.first.get_by_test_id("overdue")).to_be_visible()
    expect(rows.nth(1).get_by_test_id("overdue")).to_have_count(0)
    expect(page.get_by_test_id("under-notice")).to_have_text("1")
    expect(page.get_by_test_id("tech-share")).to_have_text("6.00%")
    fits(page, "workbench-district")
    rows.first.get_by_role("link").click()
    expect(page).to_have_url(f"/certification/review/{scene['overdue'].pk}/")


def test_the_city_official_lands_on_notices_objections_and_deadlines(new_page, scene):
    page = new_page(LAPTOP)
    login(page, "city_official")
    expect(page.get_by_test_id("recommended-count")).to_have_text("1")
    expect(page.get_by_test_id("batches")).to_contain_text(scene["batch"].title)
    expect(page.get_by_test_id("objections-open")).to_have_text("1")
    expect(page.get_by_test_id("card-campaign").get_by_test_id("deadline").first).to_be_visible()
    expect(page.get_by_test_id("tech-share")).to_have_text("12.00%")
    fits(page, "workbench-city")
    page.get_by_test_id("card-recommended").get_by_role("link", name="新建公示批次").click()
    expect(page).to_have_url("/certification/batches/new/")


def test_the_department_signs_with_a_new_enterprise_from_its_workbench(new_page, scene):
    page = new_page(LAPTOP)
    login(page, "kjj_user")
    expect(page.get_by_test_id("workbench-title")).to_have_text("工作台 · 市科技局")
    item = page.get_by_test_id("without-assistance").locator("li", has_text="新设创新有限公司")
    expect(item).to_be_visible()
    fits(page, "workbench-department")
    item.get_by_role("link", name="签订帮扶协议").click()
    expect(page.locator("#id_enterprise")).to_have_value(scene["newcomer"].credit_code)
