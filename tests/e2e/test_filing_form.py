"""The filing form never loses work, in a real Chromium: figures typed in a step survive a
click on another step of the step bar, a step in error is marked and keeps the focus on its first error,
suggestions lead to their step, errors show as the figures are typed, phones keep a compact score in
view, and the reviewer sees the claims that lack their items."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from certification.models import Application
from certification.services.filing import application_submit
from tests import factories

from .helpers import DESKTOP, PHONE, SCREENSHOTS, login, screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


@pytest.fixture
def draft(transactional_db) -> Application:
    """This year's draft with RULES.md §2's worked example (76 points): IP counts and R&D, nothing listed."""
    membership = factories.EnterpriseMembershipFactory(user__username="xinghe")
    return factories.ApplicationFactory(enterprise=membership.enterprise, evaluation_year=timezone.localdate().year)


def step(page: Page, label: str):
    return page.get_by_test_id("stepper").locator("a, button", has_text=label)


def score(page: Page):
    return page.get_by_test_id("score-panel").get_by_test_id("total-score")


def test_typed_figures_survive_the_step_bar_and_errors_stay_on_their_step(new_page, draft):
    page = new_page()
    login(page, "xinghe")
    page.goto(f"/certification/filings/{draft.pk}/step/staff/")
    page.fill("#id_total_staff", "50")
    page.fill("#id_tech_staff", "20")
    step(page, "5. 知识产权").click()
    expect(step(page, "5. 知识产权")).to_have_attribute("aria-current", "step")
    step(page, "2. 人员情况").click()
    expect(page.locator("#id_total_staff")).to_have_value(re.compile(r"^50(\.00)?$"))
    expect(page.locator("#id_tech_staff")).to_have_value(re.compile(r"^20(\.00)?$"))
    draft.refresh_from_db()
    assert (draft.total_staff, draft.tech_staff) == (50, 20)

    # A value that cannot be saved keeps the user on the step, marked, with the focus on it.
    page.fill("#id_total_staff", "-5")
    step(page, "4. 研发投入").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(step(page, "2. 人员情况").locator("[data-marker='error']")).to_have_text(re.compile("需修改"))
    expect(page.locator("#id_total_staff")).to_be_focused()
    expect(page.locator("#id_total_staff")).to_have_value("-5")
    screenshots(page, "filing-form-step-in-error")
    page.get_by_test_id("discard").click()  # leaving without the change is the user's choice
    expect(step(page, "4. 研发投入")).to_have_attribute("aria-current", "step")
    draft.refresh_from_db()
    assert draft.total_staff == 50


def test_every_step_of_the_bar_is_in_view_on_an_office_screen_in_english(new_page, draft, live_server):
    """English step names are long: on a desktop the bar wraps instead of hiding the last steps (submission
    among them) off its right edge; a phone scrolls it."""
    page = new_page({"width": 1366, "height": 768})
    login(page, "xinghe")
    english = page.context.browser.new_context(
        base_url=live_server.url,
        storage_state=page.context.storage_state(),
        locale="en-US",
        viewport={"width": 1366, "height": 768},
    )
    try:
        english_page = english.new_page()
        english_page.goto(f"/certification/filings/{draft.pk}/step/review/")
        expect(english_page.locator("html")).to_have_attribute("lang", "en")
        items = english_page.get_by_test_id("stepper").locator("li")
        expect(items).to_have_count(9)
        right_edges = [box["x"] + box["width"] for box in (items.nth(n).bounding_box() for n in range(9))]
        assert max(right_edges) <= 1366, right_edges
    finally:
        english.close()


def test_keyboard_enter_saves_and_goes_on_and_tab_goes_from_the_steps_to_the_fields(new_page, draft):
    page = new_page()
    login(page, "xinghe")
    page.goto(f"/certification/filings/{draft.pk}/step/finance/")
    step(page, "9. 核对提交").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#id_main_business_revenue")).to_be_focused()  # nothing between the step bar and the form
    page.locator("#id_total_assets").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("1200")
    page.keyboard.press("Enter")
    expect(step(page, "4. 研发投入")).to_have_attribute("aria-current", "step")  # the next step, not step 1
    draft.refresh_from_db()
    assert draft.total_assets == 1200


def test_suggestions_lead_to_their_step_and_errors_show_as_you_type(new_page, draft):
    page = new_page()
    login(page, "xinghe")
    page.goto(f"/certification/filings/{draft.pk}/step/rd/")
    expect(score(page)).to_have_text("76")
    page.fill("#id_rd_expense", "-5")
    live = page.get_by_test_id("live-errors")
    expect(live).to_contain_text("研发费用总额")
    expect(page.get_by_test_id("live-error-rd_expense")).not_to_be_empty()
    expect(score(page)).to_have_text("76")  # the last good score stays
    page.fill("#id_rd_expense", "32")
    expect(score(page)).to_have_text("56")
    expect(live).to_have_count(0)
    gap = page.get_by_test_id("gap").locator("li[data-code='tech_staff']")
    gap.get_by_role("button", name="去“人员情况”修改").click()
    expect(step(page, "2. 人员情况")).to_have_attribute("aria-current", "step")
    draft.refresh_from_db()
    assert draft.rd_expense == 32  # what was typed before following the suggestion was saved


def test_phones_keep_a_compact_score_in_view(new_page, draft):
    page = new_page()
    login(page, "xinghe")
    page.goto(f"/certification/filings/{draft.pk}/step/finance/")
    expect(page.get_by_test_id("score-bar")).to_be_hidden()  # the desktop has the panel beside the form
    page.set_viewport_size(PHONE)
    bar = page.get_by_test_id("score-bar")
    expect(bar.get_by_test_id("bar-score")).to_have_text("76")
    page.locator("#id_total_assets").scroll_into_view_if_needed()
    page.fill("#id_sales_revenue", "1600")  # R&D by sales 3% → 20, by costs still 6.9% → 0: the higher counts
    expect(bar.get_by_test_id("bar-score")).to_have_text(re.compile(r"^\d+$"))
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    box = bar.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    page.locator("#id_total_assets").fill("-1")
    expect(bar.get_by_test_id("bar-errors")).to_contain_text("1项填写有误")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "filing-form-phone-score-bar.png"))
    page.set_viewport_size(DESKTOP)


def test_the_reviewer_sees_claims_without_items_and_every_section(new_page, draft):
    official = factories.OfficialMembershipFactory(
        district=draft.enterprise.managing_district, user__username="district_official"
    ).user
    membership = draft.enterprise.memberships.first()
    application_submit(application_id=draft.pk, actor=membership.user)
    page = new_page()
    login(page, official.username)
    page.goto(f"/certification/review/{draft.pk}/")
    flags = page.get_by_test_id("claim-flags")
    expect(flags).to_contain_text("声明II类知识产权3项，清单中计入的只有0项")
    expect(flags).to_contain_text("未列出研发项目")
    for section in ("evidence", "ip", "rd", "attachments"):
        expect(page.get_by_test_id(f"empty-{section}")).to_have_text("未填写/无")
    screenshots(page, "filing-review-claims-without-items")
