"""The city dashboard as the demo leaves it: a history, the districts on a map, a click to a district."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from demo.seeding import seed_demo
from demo.users import DEMO_PASSWORD

from .helpers import PHONE, SCREENSHOTS, login, screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

OFFICE_LAPTOP = {"width": 1366, "height": 768}
JIANGYOU = (104.745915, 31.778026)  # 江油市's centre as the map file gives it


@pytest.fixture
def demo(transactional_db):
    call_command("load_reference_data", verbosity=0)
    seed_demo(enterprises=300)


def pixel_of(page: Page, lon_lat: tuple[float, float]) -> tuple[float, float]:
    """Where a longitude and latitude are drawn on the page (ECharts converts through the map)."""
    chart = page.locator(".dashboard-chart[data-chart=map]")
    box = chart.bounding_box()
    x, y = chart.evaluate("(el, point) => echarts.getInstanceByDom(el).convertToPixel({geoIndex: 0}, point)", lon_lat)
    return box["x"] + x, box["y"] + y


def test_the_city_map_leads_to_a_districts_dashboard(new_page, demo):
    page = new_page()
    page.set_default_timeout(30_000)  # the seeded pages on a machine shared with other test runs
    login(page, "city", DEMO_PASSWORD)  # where the navigation shows the user (the menu is not this work's)
    page.set_viewport_size(OFFICE_LAPTOP)
    page.goto("/dashboards/city/")
    # The first visit after seeding has figures: no empty state, a trend of many points, the map drawn.
    expect(page.get_by_test_id("empty-state")).to_have_count(0)
    expect(page.get_by_test_id("computed-at")).to_be_visible()
    the_map = page.locator(".dashboard-chart[data-chart=map]")
    the_map.scroll_into_view_if_needed()
    expect(the_map).to_have_attribute("data-ready", "1")
    expect(the_map.locator("svg path").first).to_be_attached()
    expect(the_map).to_contain_text("江油市")
    expect(the_map).to_contain_text("高新区")  # a zone, as a marked point
    for kind in ("league", "trend", "horizon", "departments"):
        expect(page.locator(f".dashboard-chart[data-chart={kind}]")).to_have_attribute("data-ready", "1")
    expect(page.locator(".dashboard-chart[data-chart=league]")).to_contain_text("目标 10%")
    expect(page.locator(".dashboard-chart[data-chart=departments]")).to_contain_text("目标 20%")
    expect(page.get_by_test_id("horizon-row")).to_have_count(13)  # the city and 12 districts and zones
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboards-map-1366.png"), full_page=True)
    the_map.screenshot(path=str(SCREENSHOTS / "dashboards-map-only-1366.png"))

    x, y = pixel_of(page, JIANGYOU)
    page.mouse.click(x, y)
    expect(page).to_have_url(re.compile(r"/dashboards/district/510781/\?year=\d{4}&date=\d{4}-\d{2}-\d{2}$"))
    expect(page.get_by_test_id("district-name")).to_have_text("江油市看板")
    expect(page.get_by_test_id("headline")).to_be_visible()
    expect(page.locator(".dashboard-chart[data-chart=trend]")).to_contain_text("目标 10%")
    # Work lists first, then the figures.
    waiting = page.get_by_test_id("table-waiting").bounding_box()
    assert waiting["y"] < page.get_by_test_id("headline").bounding_box()["y"]
    page.screenshot(path=str(SCREENSHOTS / "dashboards-district-1366.png"), full_page=True)

    page.go_back()
    the_map = page.locator(".dashboard-chart[data-chart=map]")
    the_map.scroll_into_view_if_needed()
    expect(the_map).to_have_attribute("data-ready", "1")
    screenshots(page, "dashboards-city")

    phone = new_page()
    phone.set_default_timeout(30_000)
    login(phone, "city", DEMO_PASSWORD)
    phone.set_viewport_size(PHONE)
    phone.goto("/dashboards/city/")
    the_map = phone.locator(".dashboard-chart[data-chart=map]")
    the_map.scroll_into_view_if_needed()
    expect(the_map).to_have_attribute("data-ready", "1")
    box = the_map.bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] > 300
    phone.screenshot(path=str(SCREENSHOTS / "dashboards-map-phone.png"), full_page=True)
