"""Shared helpers of the browser journeys: sizes, login, screenshots, layout checks."""

from pathlib import Path

from playwright.sync_api import Page, expect

# A common office desktop; the navbar expands from 992 px (Bootstrap lg), phones and narrow tablets get the menu button.
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "portal-pass-2026"  # tests.factories.UserFactory's password
# Sub-pixel rounding of the layout; anything wider is a real horizontal overflow.
OVERFLOW_TOLERANCE = 2


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

    On the phone the page must also fit the width (no horizontal scrolling of the whole page).
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
    overflow = horizontal_overflow(page)
    assert overflow <= OVERFLOW_TOLERANCE, f"{name}: the page is {overflow}px wider than the phone"
    if size:
        page.set_viewport_size(size)


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
