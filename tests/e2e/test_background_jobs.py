"""The background jobs page in a real Chromium: a city official opens it from the user's menu, finds the failed
import and its error, and narrows the list to failures."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from enterprises.models import RegistryImport
from quotas.models import QuotaRun
from tests import factories

from .helpers import PHONE, login, screenshots, table_cell_lines

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


@pytest.fixture
def jobs(transactional_db):
    official = factories.OfficialMembershipFactory(district=None, user__username="city_official").user
    now = timezone.now()
    RegistryImport.objects.create(
        original_name="市场监管登记数据2026.xlsx",
        requested_by=official,
        status=RegistryImport.Status.FAILED,
        error="文件在 3 次尝试后仍未能处理完（每次都在处理中途中断，可能是文件过大），已停止重试。",
        started_at=now - dt.timedelta(minutes=9),
        finished_at=now - dt.timedelta(minutes=2),
    )
    QuotaRun.objects.create(
        as_of=timezone.localdate(),
        year=timezone.localdate().year,
        status=QuotaRun.Status.DONE,
        started_at=now - dt.timedelta(minutes=30),
        finished_at=now - dt.timedelta(minutes=4, seconds=35),
    )


def test_a_city_official_finds_a_failed_job_and_its_error(new_page, jobs):
    page = new_page()
    login(page, "city_official")
    page.get_by_test_id("user-menu").click()  # operations sit with the security log in the user's menu
    page.locator("nav").get_by_role("link", name="后台任务").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("后台任务")
    table = page.get_by_test_id("jobs")
    expect(table.locator("tbody tr")).to_have_count(2)
    failed = table.locator("tr[data-state=failed]")
    expect(failed).to_contain_text("市场监管登记数据2026.xlsx")
    expect(failed).to_contain_text("0:07:00")
    failed.locator("summary").click()
    expect(failed.locator("details")).to_contain_text("已停止重试")
    screenshots(page, "background-jobs")

    page.get_by_label("状态").select_option("failed")
    page.get_by_role("button", name="查询").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    table.get_by_role("link", name="耗时").click()  # sorting keeps the filter
    expect(page).to_have_url(re.compile(r"state=failed.*&sort=duration"))
    expect(table.locator("tbody tr")).to_have_count(1)


def test_on_a_phone_the_list_scrolls_sideways_with_each_cell_on_one_line(new_page, jobs):
    page = new_page()
    login(page, "city_official")
    page.set_viewport_size(PHONE)
    page.goto("/dashboards/jobs/")
    table = page.get_by_test_id("jobs")
    expect(table.locator("tbody tr")).to_have_count(2)
    # A squeezed column used to stack its words one character a line (the kind ran to five lines).
    lines = table_cell_lines(page)
    assert len(lines) == 6 * 3 and all(height < 2 for _text, height in lines), [row for row in lines if row[1] >= 2]
    scroller = page.locator(".table-responsive")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")  # the rest is a swipe away
