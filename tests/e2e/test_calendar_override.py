"""A city official declares a holiday that falls in a running notice: the notice's end moves, the batch
page says why, and the enterprise under notice is told (Chromium against the live server)."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from certification.services.notice import notice_batch_create
from tests import factories
from tests.helpers import notices_may_end_by

from .helpers import login, message, screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

START = dt.date(2026, 12, 24)  # the 10th working day is 7 January 2027 (New Year's Day off)
COMPANY = "绵阳云帆信息技术有限公司"


def test_city_official_adds_a_holiday_and_the_running_notice_ends_later(new_page, today):
    district = factories.DistrictFactory(code="510703", name="涪城区")
    company = factories.EnterpriseFactory(name=COMPANY, managing_district=district)
    factories.EnterpriseMembershipFactory(enterprise=company, user__username="yunfan")
    city_official = factories.OfficialMembershipFactory(district=None, user__username="city_official").user
    notices_may_end_by(2026, dt.date(2027, 3, 31))
    filing = factories.recommended_filing(company)
    batch = notice_batch_create(
        actor=city_official, title="2026年第四批入库公示", start_date=START, today=START, application_ids=[filing.pk]
    )
    today(dt.date(2026, 12, 28))

    city = new_page()
    login(city, "city_official")
    city.goto(reverse("certification:batch_detail", args=[batch.pk]))
    expect(city.locator("main")).to_contain_text("2026-12-24 — 2027-01-07")

    city.goto(reverse("certification:calendar_overrides"))
    city.fill("#id_date", "2027-01-04")
    city.select_option("#id_kind", "holiday")
    city.fill("#id_reason", "市政府通知：1月4日因极端天气放假")
    city.get_by_role("button", name="添加").click()
    message(city, "已添加2027-01-04的日历调整")
    message(city, "已重新计算1项进行中的期限")
    expect(city.locator("tbody tr", has_text="2027-01-04")).to_contain_text("极端天气")

    city.goto(reverse("certification:batch_detail", args=[batch.pk]))
    expect(city.locator("main")).to_contain_text("2026-12-24 — 2027-01-08")
    changes = city.get_by_test_id("deadline-changes")
    expect(changes).to_contain_text("截止日期由 2027-01-07 调整为 2027-01-08")
    expect(changes).to_contain_text("市政府通知：1月4日因极端天气放假")
    expect(changes).to_contain_text("city_official")
    screenshots(city, "calendar-override-batch")

    firm = new_page()
    login(firm, "yunfan")
    firm.goto(reverse("notifications"))
    expect(firm.locator("main")).to_contain_text("公示截止日期由2027-01-07调整为2027-01-08")
