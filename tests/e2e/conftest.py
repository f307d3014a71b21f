"""Browser journeys: one Chromium for the session, a fresh zh-CN context per page, screenshots, login.

Debian's Chromium (/usr/bin/chromium, installed by .ci/run; E2E_CHROMIUM names another binary) is driven
by Playwright's sync API; Playwright's own browser download is not used (it does not work here). Without
Chromium the journeys skip locally and fail in CI (CI=true), like the needs_redis / needs_postgres guards.
"""

import os
from collections.abc import Callable, Iterator

import pytest

# Playwright's sync API runs an asyncio event loop in this thread (in a greenlet) for as long as
# the browser is open, so asyncio.get_running_loop() succeeds in the test thread and Django refuses
# ORM calls there with SynchronousOnlyOperation. The tests only touch the ORM between browser
# steps, never from inside the loop, so allowing it is safe. It is set at import because the
# browser is session-scoped: once it is started, every later test of the session runs beside the loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import IN_CI

from .helpers import DESKTOP

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


def pytest_collection_modifyitems(config, items):
    # Keep the journeys on one xdist worker (make test uses --dist loadgroup): one browser launch.
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.xdist_group("e2e"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., Page]]:
    """new_page(viewport=DESKTOP): a page in its own context (own cookies), Chinese, on the live server."""
    contexts = []

    def make(viewport: dict | None = None) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport=viewport or DESKTOP,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
