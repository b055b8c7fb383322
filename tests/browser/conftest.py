"""Headless Chromium driving the live server: fixtures and the folder's rules.

Every test here is marked ``browser``. Without /usr/bin/chromium the whole folder
is skipped, with the reason repeated once in the terminal summary. Playwright's
browser is never downloaded: the Debian build is launched with flags that keep
it off the (absent) network.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from apps.accounts.models import User

HERE = Path(__file__).parent
CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = f"browser tests skipped: {CHROMIUM} not found (apt-get install chromium)"
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
FAILURE_SHOTS = Path(tempfile.gettempdir()) / "spoguild-browser-failures"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
# Playwright waits this long for an element or a navigation; a page that is
# slower than this on a laptop is a bug in itself.
TIMEOUT_MS = 10_000

SignIn = Callable[[Page, User], None]

_saved_shots: list[Path] = []
_reports_key = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if not item.path.is_relative_to(HERE):
            continue
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM.exists():
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not CHROMIUM.exists():
        terminalreporter.write_line(SKIP_REASON, yellow=True)
    for shot in _saved_shots:
        terminalreporter.write_line(f"browser failure screenshot: {shot}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Kept on the item so the page fixture knows, at teardown, that the test failed.
    report = yield
    item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


class ConsoleWatch:
    """Collects console errors and uncaught exceptions from every page of a test.

    A Content-Security-Policy violation is reported as a console error, so an
    empty list also means no inline script or foreign resource was blocked.
    """

    def __init__(self) -> None:
        self.errors: list[str] = []
        self._allowed: list[re.Pattern[str]] = []

    def watch(self, page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self._record(f"{page.url}: {message.text}")

        def on_page_error(error: Error) -> None:
            self._record(f"{page.url}: {error}")

        page.on("console", on_console)
        page.on("pageerror", on_page_error)

    def allow(self, pattern: str) -> None:
        """Tolerates an error the test expects, such as a 404's failed load."""
        self._allowed.append(re.compile(pattern))

    def assert_clean(self) -> None:
        assert not self.errors, "errors in the browser console:\n" + "\n".join(
            self.errors
        )

    def _record(self, text: str) -> None:
        if not any(pattern.search(text) for pattern in self._allowed):
            self.errors.append(text)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Playwright for this folder's tests, stopped after the last of them.

    While started, its sync API keeps an event loop running in this thread, and
    Django refuses ORM calls from a thread with a running loop. The calls are
    synchronous in fact (the test waits on the browser), so the guard is lifted,
    but only until the folder is done: the variable must not reach other tests
    (``check --deploy`` rejects it, rightly).
    """
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as running:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield running


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest,
    browser: Browser,
    live_server: LiveServer,
    console: ConsoleWatch,
) -> Iterator[Callable[[], Page]]:
    """Opens a page in a fresh browser context: a separate person's browser."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        console.watch(page)
        return page

    yield open_page

    reports = request.node.stash.get(_reports_key, {})
    if "call" in reports and reports["call"].failed:
        _screenshot_pages(request.node.name, contexts)
    for context in contexts:
        context.close()
    if "call" in reports and reports["call"].passed:
        console.assert_clean()


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()


def _screenshot_pages(test_name: str, contexts: list[BrowserContext]) -> None:
    FAILURE_SHOTS.mkdir(parents=True, exist_ok=True)
    pages = [page for context in contexts for page in context.pages]
    for number, page in enumerate(pages, start=1):
        path = FAILURE_SHOTS / f"{test_name}-{number}.png"
        page.screenshot(path=path, full_page=True)
        _saved_shots.append(path)


@pytest.fixture
def sign_in(live_server: LiveServer) -> SignIn:
    """Gives a page's browser a session for a user, skipping the login form."""

    def give_session(page: Page, user: User) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": live_server.url,
                }
            ]
        )

    return give_session
