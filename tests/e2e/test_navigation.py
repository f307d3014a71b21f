"""Each role's menu fits the screen on one row at office widths, in Chinese from 992 px and in English from
1400 px (narrower, the menu button, as on a phone); on a phone the menu button opens it and the unread count
stays in sight."""

import pytest
from playwright.sync_api import expect

from smeportal.notifications import notify_users
from tests import factories

from .helpers import OVERFLOW_TOLERANCE, PASSWORD, PHONE, horizontal_overflow, login, screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ONE_ROW = 64  # px: the navbar's height with a single row of entries


@pytest.fixture
def city_official(transactional_db):
    user = factories.OfficialMembershipFactory(district=None, user__username="city_official").user
    notify_users([user.pk], "测试消息")
    return user


@pytest.fixture
def enterprise_admin(transactional_db, enterprise):
    return factories.EnterpriseMembershipFactory(enterprise=enterprise, is_admin=True, user__username="ent_admin").user


# Office screens. The Chinese menu opens out from 992 px; the English one, about twice as wide, from 1400 px
# (below, the menu button), so neither runs off the screen.
WIDTHS = {"zh-hans": {992: True, 1280: True, 1366: True}, "en": {992: False, 1280: False, 1366: False, 1440: True}}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("persona", ["city_official", "district_official", "department_user", "enterprise_admin"])
def test_every_roles_menu_fits_the_screen_on_one_row(new_page, request, persona, language):
    user = request.getfixturevalue(persona)
    page = new_page({"width": 1366, "height": 768})
    login(page, user.username)
    if language == "en":
        page.locator("#language-select").select_option("en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
    for width, expanded in WIDTHS[language].items():
        page.set_viewport_size({"width": width, "height": 768})
        page.reload()
        overflow = horizontal_overflow(page)
        assert overflow <= OVERFLOW_TOLERANCE, f"{persona} {width}px {language}: {overflow}px off the screen"
        toggler = page.locator(".navbar-toggler")
        if not expanded:
            expect(toggler).to_be_visible()
            continue
        expect(toggler).to_be_hidden()
        expect(page.get_by_test_id("user-menu")).to_be_visible()
        height = page.locator("nav.navbar").bounding_box()["height"]
        assert height <= ONE_ROW, f"{persona} {width}px {language}: the menu wraps ({height}px)"
    if persona == "city_official" and language == "zh-hans":
        expect(page.locator("#unread-badge")).to_be_visible()
        page.locator("nav").get_by_role("button", name="评价").click()
        expect(page.locator("nav .dropdown-menu.show").get_by_role("link")).to_have_count(6)
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
