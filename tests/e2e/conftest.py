"""Browser journeys: one Chromium for the session, a fresh zh-CN context per page, screenshots, login.

Every page of a journey runs under the portal's Content-Security-Policy: a console message or page
error about it (an inline script, handler or style the policy refused) fails the journey.

Every page a journey opens by address (``page.goto``) must pass axe-core with no serious or critical
violation; ``screenshots`` checks its page at desktop and phone size and again in English
(tests/e2e/helpers.py). A journey that reaches a page by a click calls ``check_accessibility(page)``
where it matters, or takes its screenshots.

Debian's Chromium (/usr/bin/chromium, installed by .ci/run; E2E_CHROMIUM names another binary) is driven
by Playwright's sync API; Playwright's own browser download is not used (it does not work here). Without
Chromium the journeys skip locally and fail in CI (CI=true), like the needs_redis / needs_postgres guards.
"""

import os
from collections.abc import Callable, Iterator

import pytest
from django.db import connections
from django.urls import get_resolver

# Playwright's sync API runs an asyncio event loop in this thread (in a greenlet) for as long as
# the browser is open, so asyncio.get_running_loop() succeeds in the test thread and Django refuses
# ORM calls there with SynchronousOnlyOperation. The tests only touch the ORM between browser
# steps, never from inside the loop, so allowing it is safe. It is set at import because the
# browser is session-scoped: once it is started, every later test of the session runs beside the loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import IN_CI

from .helpers import DESKTOP, check_accessibility

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_runtest_setup(item):
    # Checked before any fixture, so a missing browser does not first cost a live server and its data.
    if item.get_closest_marker("e2e") and not os.access(CHROMIUM, os.X_OK):
        if IN_CI:
            pytest.fail(f"CI needs Chromium, not found at {CHROMIUM} (apt-get install chromium, or set E2E_CHROMIUM)")
        pytest.skip(
            f"browser journeys need Chromium, not found at {CHROMIUM}: "
            "apt-get install chromium, or set E2E_CHROMIUM to a Chromium binary"
        )


# Chromium's console text for a refused inline script, handler, style, eval or source names the policy.
CSP_MARKERS = ("Content Security Policy", "Content-Security-Policy")


def is_csp_report(text: str) -> bool:
    return any(marker in text for marker in CSP_MARKERS)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    violations = getattr(item, "csp_violations", None)
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)
    return result


@pytest.fixture
def csp_violations(request) -> list[str]:
    """What the pages of this test reported about the Content-Security-Policy (the test fails if any)."""
    if not hasattr(request.node, "csp_violations"):
        request.node.csp_violations = []
    return request.node.csp_violations


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        # Stopping Playwright leaves the test thread in another context (Django keeps each thread's connections
        # in a context variable), where the connection of the session's last tests is no longer found: close it
        # first, or it stays open and the test database cannot be dropped.
        connections.close_all()
        playwright.stop()


def checked_on_goto(page: Page) -> Page:
    """The page, its ``goto`` followed by the accessibility check of what it opened (an HTML page answered
    with success; not a download nor an error page a test asked for on purpose)."""
    goto = page.goto

    def goto_and_check(url: str, **kwargs):
        response = goto(url, **kwargs)
        html = "text/html" in (response.header_value("content-type") or "") if response is not None else False
        # Django's own admin is left out: its templates and styles are Django's, for the administrator alone.
        if response is not None and response.ok and html and "/admin/" not in page.url:
            check_accessibility(page)
        return response

    page.goto = goto_and_check
    return page


@pytest.fixture
def new_page(browser, live_server, csp_violations) -> Iterator[Callable[..., Page]]:
    """new_page(viewport=DESKTOP): a page in its own context (own cookies), Chinese, on the live server."""
    # The URL configuration imports every view module; done by the first request, it can take longer than
    # the page's timeout on a busy machine. Done here, outside the browser's clock (once per process).
    get_resolver().url_patterns  # noqa: B018
    contexts = []

    def on_console(message) -> None:
        if is_csp_report(message.text):
            csp_violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def on_page_error(error) -> None:
        if is_csp_report(str(error.error)):
            csp_violations.append(f"{error.page.url if error.page else '?'}: {error.error}")

    def make(viewport: dict | None = None) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport=viewport or DESKTOP,
            # Without transitions axe reads each colour as it settles, not halfway through a hover fade
            # (a resize can leave the pointer over a button).
            reduced_motion="reduce",
        )
        context.set_default_timeout(10_000)
        context.on("console", on_console)
        context.on("weberror", on_page_error)
        contexts.append(context)
        return checked_on_goto(context.new_page())

    yield make
    for context in contexts:
        context.close()
