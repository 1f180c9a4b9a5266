"""Real browser tests: Debian Chromium driven by Playwright against a real `streamlit run`."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import pytest
from playwright.sync_api import Browser, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.server import ARTIFACTS, Server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if CHROMIUM is None:
                if os.environ.get("CI"):
                    raise pytest.UsageError("CI needs Chromium for the browser tests")
                item.add_marker(pytest.mark.skip(reason="Chromium is not installed"))


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, object]:
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, object]:
    return {"viewport": {"width": 1400, "height": 1800}}


RUN_WATCH = """
(() => {
  window.__workbenchRuns = {started: 0};
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const now = record.target.getAttribute('data-test-script-state');
      if (now === 'running' && record.oldValue !== 'running') window.__workbenchRuns.started += 1;
    }
  });
  observer.observe(document, {
    subtree: true, attributes: true, attributeOldValue: true,
    attributeFilter: ['data-test-script-state'],
  });
})();
"""
"""Counts the script runs the page has seen start. `wait_idle` alone races an action: right
after a click the server has not yet reported the run it causes, so the app still reads
"notRunning" and the next step acts on the page of the previous run (a stale widget, a
message not yet shown). `rerun` waits for the run an action starts, then for its end."""
RUN_START_MS = 3_000
"""How long an action may take to start its run; an action that starts none (picking the
option already chosen) costs this much and nothing else."""


@pytest.fixture(autouse=True)
def _watch_runs(request: pytest.FixtureRequest) -> None:
    """Every page of the test's default browser context counts its runs (see `RUN_WATCH`)."""
    if "page" in request.fixturenames:
        request.getfixturevalue("context").add_init_script(RUN_WATCH)


def runs_started(page: Page) -> int:
    """How many script runs the page has seen start (0 before any, or without the watch)."""
    return int(page.evaluate("window.__workbenchRuns ? window.__workbenchRuns.started : 0"))


@contextmanager
def rerun(page: Page, starts_run: bool = True, runs: int = 1) -> Iterator[None]:
    """Around an action that reruns the script: afterwards, wait for that run to start and end.

    `starts_run=False` for a change inside a form, which the server hears of only on submit.
    `runs=2` for an entry on a visit form after data was written elsewhere: the form's fragment
    runs, sees the change and reruns the whole page, and between the two runs the app reads
    idle for a moment (seen in CI: the next click found the form's widgets twice, the page's
    new ones and the fragment's stale ones).
    """
    before = runs_started(page)
    yield
    if starts_run:
        # No run within RUN_START_MS: the action changed nothing the server needed to hear of.
        with suppress(PlaywrightTimeoutError):
            page.wait_for_function(
                "n => window.__workbenchRuns && window.__workbenchRuns.started >= n",
                arg=before + runs,
                timeout=RUN_START_MS,
            )
    wait_idle(page)


def in_form(widget: Locator) -> bool:
    """Whether a widget sits in a form (its changes start no run until the form is submitted)."""
    return widget.locator("xpath=ancestor::*[@data-testid='stForm']").count() > 0


@pytest.fixture(scope="module")
def start_server() -> Iterator[Callable[[str], Server]]:
    servers: list[Server] = []

    def _start(db_url: str) -> Server:
        server = Server(db_url)
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.stop()


def wait_idle(page: object) -> None:
    """Wait until the app is connected and no script run is in progress."""
    page.wait_for_selector(  # type: ignore[attr-defined]
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000
    )


def expect_home(page: Page, timeout: int = 30_000) -> None:
    """Wait for Home after sign-in by its "Screened" metric label.

    Plain text "Screened" is ambiguous: the enrolment table's column header and, once the
    data grid has rendered its accessible cells, a grid cell carry it too (a strict-mode
    violation that depends on rendering timing).
    """
    label = page.get_by_test_id("stMetricLabel").get_by_text("Screened", exact=True)
    label.wait_for(state="visible", timeout=timeout)


def screenshot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # type: ignore[attr-defined]


def open_tab(page: Page, name: str, shows: Locator, attempts: int = 6) -> None:
    """Open a tab and wait until `shows`, an element inside it, is visible.

    A run still drawing the page when the tab is clicked can draw the tab bar again with its
    first tab open (seen in CI: the Eligibility tab clicked, its widgets never visible), so
    the click is repeated until the tab's content shows.
    """
    tab = page.get_by_role("tab", name=name, exact=True)
    for attempt in range(attempts):
        wait_idle(page)
        tab.click()
        try:
            shows.wait_for(state="visible", timeout=5_000)
            return
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise


def key(page: Page, name: str) -> Locator:
    """The element of a widget key (Streamlit adds the CSS class st-key-<key>)."""
    return page.locator(f".st-key-{name}")


def choose(page: Page, name: str, option: str) -> None:
    """Pick an option of a keyed selectbox by its visible text (reopened if a rerun closed it)."""
    target = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):
        wait_idle(page)
        key(page, name).click()
        try:
            with rerun(page, starts_run=not in_form(key(page, name))):
                target.click(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    else:
        raise AssertionError(f"option {option!r} of {name} never appeared")


LAPTOP = {"width": 1400, "height": 1800}
TABLET = {"width": 768, "height": 1024}
"""An iPad in portrait, the smallest tablet a site hands a patient."""


def new_page(browser: Browser, viewport: dict[str, int] | None = None) -> Page:
    """A page in a browser context of its own (cookies, Streamlit session), counting its runs."""
    page = browser.new_page(viewport=viewport or LAPTOP)
    page.add_init_script(RUN_WATCH)
    return page


def sign_in_at(page: Page, address: str, username: str, password: str, heading: str) -> None:
    """Open `address` (a deep link), sign in there, and wait for the page's `heading`: the
    sign-in lands back on the address it was asked for."""
    page.goto(address)
    wait_idle(page)
    page.get_by_label("Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=heading).wait_for(state="visible", timeout=30_000)
    wait_idle(page)


def sign_in(
    browser: Browser,
    base: str,
    username: str,
    password: str,
    viewport: dict[str, int] | None = None,
) -> Page:
    """A new page in its own browser context (cookies, Streamlit session) signed in on `base`."""
    page = new_page(browser, viewport)
    page.goto(base)
    wait_idle(page)
    page.get_by_label("Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect_home(page)
    wait_idle(page)
    return page
