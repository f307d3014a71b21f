"""The menu of the busiest role (the city official) fits one row on office screens from 992 px, in
Chinese and English; on a phone the menu button opens it and the unread count stays in sight."""

import pytest
from playwright.sync_api import expect

from smeportal.notifications import notify_users
from tests import factories

from .helpers import PASSWORD, PHONE, login, screenshots

pytestmark = pytest.mark.e2e

ONE_ROW = 64  # px: the navbar's height with a single row of entries


@pytest.fixture
def city_official(transactional_db):
    user = factories.OfficialMembershipFactory(district=None, user__username="city_official").user
    notify_users([user.pk], "测试消息")
    return user


@pytest.mark.parametrize("width", [992, 1280, 1366])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_city_menu_fits_one_row(new_page, city_official, width, language):
    page = new_page({"width": width, "height": 768})
    login(page, "city_official")
    if language == "en":
        page.locator("#language-select").select_option("en")
        page.wait_for_load_state()
    navbar = page.locator("nav.navbar")
    expect(page.locator(".navbar-toggler")).to_be_hidden()
    expect(page.locator("#unread-badge")).to_be_visible()
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    height = navbar.bounding_box()["height"]
    assert height <= ONE_ROW, f"{width}px {language}: the menu wraps ({height}px)"
    page.locator("nav").get_by_role("button", name="评价" if language == "zh-hans" else "Evaluation").click()
    expect(page.locator("nav .dropdown-menu.show").get_by_role("link")).to_have_count(6)
    if width == 1366 and language == "zh-hans":
        screenshots(page, "navigation-city")


def test_on_a_phone_the_unread_count_is_beside_the_menu_button(new_page, city_official):
    page = new_page(PHONE)
    page.goto("/accounts/login/")
    page.fill("#id_username", "city_official")
    page.fill("#id_password", PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("unread-badge-phone")).to_be_visible()
    expect(page.locator("#portal-nav")).to_be_hidden()
    page.locator(".navbar-toggler").click()
    page.locator("nav").get_by_role("button", name="企业").click()
    expect(page.locator("nav").get_by_role("link", name="登记数据导入")).to_be_visible()
