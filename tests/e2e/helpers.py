"""Shared helpers of the browser journeys: sizes, login, screenshots, layout and accessibility checks."""

import json
from functools import cache
from pathlib import Path

from playwright.sync_api import Page, expect

# A common office desktop; the navbar expands from 992 px (Bootstrap lg), phones and narrow tablets get the menu button.
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# axe-core from the npm packages (package.json); its impacts are minor, moderate, serious and critical.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_FAILING_IMPACTS = ("serious", "critical")
PASSWORD = "portal-pass-2026"  # tests.factories.UserFactory's password
# Sub-pixel rounding of the layout; anything wider is a real horizontal overflow.
OVERFLOW_TOLERANCE = 2
# A heading, a name or a date in a table: on a phone the table scrolls sideways rather than stacking such a
# text one or two characters a line (two lines are fine).
SHORT_CELL = 16


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main").get_by_role("button", name="登录").click()
    expect(page.locator("nav").get_by_text(username)).to_be_visible()


def message(page: Page, text: str) -> None:
    """A flash message with the text is shown."""
    expect(page.locator(".alert", has_text=text).first).to_be_visible()


def screenshots(page: Page, name: str) -> None:
    """The page at desktop and phone size, into test-artifacts/screenshots/ (kept by CI).

    On the phone the page must also fit the width (no horizontal scrolling of the whole page). At both
    sizes the page must pass axe-core, and so must the same address read in English
    (:func:`check_accessibility`, :func:`check_accessibility_in_english`).
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-desktop.png"), full_page=True)
    check_accessibility(page, f"{name} (desktop)")
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
    overflow = horizontal_overflow(page)
    assert overflow <= OVERFLOW_TOLERANCE, f"{name}: the page is {overflow}px wider than the phone"
    squeezed = [(text, lines) for text, lines in table_cell_lines(page) if len(text) <= SHORT_CELL and lines > 2.5]
    assert not squeezed, f"{name}: table cells squeezed on the phone (text, lines): {squeezed}"
    check_accessibility(page, f"{name} (phone)")
    if size:
        page.set_viewport_size(size)
    check_accessibility_in_english(page, name)


def table_cell_lines(page: Page) -> list[tuple[str, float]]:
    """Each visible table heading and cell: its text and how many lines the text takes (a collapsed
    ``<details>`` counts its summary)."""
    cells = page.locator("table th:visible, table td:visible").evaluate_all(
        """cells => cells.map(cell => {
            const text = document.createRange();
            text.selectNodeContents(cell.querySelector("summary") || cell);
            const lineHeight = parseFloat(getComputedStyle(cell).lineHeight);
            return [cell.innerText.trim(), text.getBoundingClientRect().height / lineHeight];
        })"""
    )
    return [(text, lines) for text, lines in cells]


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def accessibility_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations of the page as it is now: rule, impact, help and the
    first few elements (their CSS selectors and axe's summary of what to fix).

    axe is evaluated through the DevTools protocol, which the portal's Content-Security-Policy does not
    govern (a <script> tag added to the page would be refused, and reported as a CSP violation)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    results = page.evaluate(
        """async (impacts) => {
            const result = await window.axe.run(document, {resultTypes: ["violations"]});
            return result.violations.filter((v) => impacts.includes(v.impact)).map((v) => ({
                rule: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }""",
        list(AXE_FAILING_IMPACTS),
    )
    return results


def check_accessibility(page: Page, name: str = "") -> None:
    """Fail when axe-core finds a serious or critical violation on the page (at its current size and language).

    Called by :func:`screenshots` at desktop and phone size, and after every ``page.goto`` of a page made by
    the ``new_page`` fixture; call it yourself after a click that changes the page in a way worth checking."""
    violations = accessibility_violations(page)
    assert not violations, f"axe-core on {name or page.url}:\n" + json.dumps(violations, ensure_ascii=False, indent=1)


def check_accessibility_in_english(page: Page, name: str = "") -> None:
    """The address the page shows, opened again in English (a browser context with the page's cookies, so
    the same session, and an English locale) at desktop and phone size, must pass axe-core too. A page
    reached by a POST that a GET does not show again is skipped."""
    context = page.context.browser.new_context(
        storage_state=page.context.storage_state(),
        locale="en-US",
        timezone_id="Asia/Shanghai",
        viewport=DESKTOP,
        reduced_motion="reduce",
    )
    try:
        english = context.new_page()
        response = english.goto(page.url, wait_until="load")
        if response is None or response.status != 200:
            return
        assert english.locator("html").get_attribute("lang") == "en", f"{page.url} is not in English"
        check_accessibility(english, f"{name or page.url} (English, desktop)")
        english.set_viewport_size(PHONE)
        check_accessibility(english, f"{name or page.url} (English, phone)")
    finally:
        context.close()
