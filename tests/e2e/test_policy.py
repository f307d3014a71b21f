"""The Content-Security-Policy in a real Chromium: what the portal needs still works under it, what an
attacker would inject is refused, and the journeys' check (tests/e2e/conftest.py) sees every refusal.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.dashboards import snapshots as snap

from .helpers import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def test_swagger_ui_needs_a_login_then_runs_a_request_under_the_policy(new_page, settings, transactional_db):
    settings.API_DOCS_PUBLIC = False  # production's default
    district = factories.DistrictFactory(code="510703", name="涪城区")
    factories.EnterpriseFactory(name="绵阳文档测试科技有限公司", managing_district=district)
    factories.OfficialMembershipFactory(district=None, user__username="city_official")

    page = new_page()
    response = page.goto("/api/docs/")
    assert page.url.endswith("/accounts/login/?next=/api/docs/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.fill("#id_username", "city_official")
    page.fill("#id_password", "portal-pass-2026")
    page.locator("main").get_by_role("button", name="登录").click()

    page.wait_for_url("**/api/docs/")
    operation = page.locator(".opblock-get", has_text="/api/v1/enterprises/").first
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text("绵阳文档测试科技有限公司")


def test_dashboard_charts_and_their_tooltips_draw_under_the_policy(new_page, transactional_db):
    fucheng = factories.DistrictFactory(code="510703", name="涪城区")
    youxian = factories.DistrictFactory(code="510704", name="游仙区")
    day = dt.date(2026, 11, 1)
    snap.save_all(
        [
            snap.tech(fucheng, day, registered=15, breakdown={"origin": {"new": 10, "introduced": 5}}),
            snap.tech(youxian, day, registered=6),
            snap.tech(None, day, new=200, registered=21, breakdown={"origin": {"new": 14, "introduced": 7}}),
        ]
    )
    factories.OfficialMembershipFactory(district=None, user__username="city_official")

    page = new_page()
    login(page, "city_official")
    page.goto("/dashboards/city/?year=2026")
    league = page.locator(".dashboard-chart[data-chart=league]")
    expect(league.locator("svg").first).to_be_visible()
    box = league.bounding_box()
    assert box and box["height"] == pytest.approx(360, abs=2), box  # the chart-h-360 class, not a style attribute
    # ECharts would build an HTML tooltip with style attributes; static/js/dashboards.js draws it in the SVG.
    labels = league.locator("svg text", has_text="涪城区")
    expect(labels).to_have_count(1)  # the axis label
    page.mouse.move(box["x"] + 60, box["y"] + box["height"] / 2)
    expect(labels).to_have_count(2)  # and the tooltip's heading


def test_injected_handlers_and_styles_are_refused_and_reported(new_page, csp_violations, transactional_db):
    page = new_page()
    response = page.goto("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
            '<img id="probe-img" src="/no-such-image.png" onerror="window.probeRan = true">' +
            '<p id="probe-text" style="color: rgb(255, 0, 0)">probe</p>')"""
    )
    expect(page.locator("#probe-text")).to_be_visible()
    page.wait_for_function("() => document.getElementById('probe-img').complete")
    page.wait_for_timeout(300)  # console events arrive after the DOM work
    assert page.evaluate("() => window.probeRan === undefined")
    assert page.evaluate("() => getComputedStyle(document.getElementById('probe-text')).color") != "rgb(255, 0, 0)"
    reported = "\n".join(csp_violations)
    assert "inline event handler" in reported, reported
    assert "inline style" in reported, reported
    csp_violations.clear()  # refused as expected: this test's pages are otherwise clean


def test_error_pages_are_the_portals_in_both_languages(new_page, transactional_db):
    page = new_page()
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.locator("nav.navbar")).to_be_visible()
    page.locator("#language-select").select_option("en")
    page.wait_for_url("**/no-such-page/")
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_admin_works_under_the_policy(new_page, transactional_db):
    factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    enterprise = factories.EnterpriseFactory(managing_district=factories.DistrictFactory(code="510703", name="涪城区"))
    page = new_page()
    login(page, "root")
    page.goto("/admin/enterprises/enterprise/")
    expect(page.locator("#result_list")).to_contain_text(enterprise.name)
    page.goto(f"/admin/enterprises/enterprise/{enterprise.pk}/change/")
    expect(page.locator("#enterprise_form")).to_be_visible()
    page.goto("/admin/auth/user/add/")
    expect(page.locator("#user_form")).to_be_visible()
