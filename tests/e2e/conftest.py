"""End-to-end tests: Playwright drives Debian's Chromium against a live server.

Without Chromium these tests are skipped on a developer's machine, but fail when
CM_REQUIRE_E2E=1 (as in CI), so a missing browser can never pass silently.
Screenshots of every page type are saved under test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _Requests:
    """Counts the requests the live server is answering (Django's request signals)."""

    def __init__(self):
        self.active = 0
        self.changed = threading.Condition()
        request_started.connect(self.started, weak=False)
        request_finished.connect(self.finished, weak=False)

    def started(self, **kwargs):
        with self.changed:
            self.active += 1

    def finished(self, **kwargs):
        with self.changed:
            self.active -= 1
            self.changed.notify_all()

    def wait_until_idle(self, seconds: float = 30) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.active <= 0, timeout=seconds)


IN_FLIGHT = _Requests()


@pytest.fixture(autouse=True)
def _server_idle_before_the_database_is_emptied(transactional_db):
    """A request the browser gave up on (a cancelled search, a page left while loading) may still
    be running on the server when the test ends: wait for it before the test's data is flushed,
    or the flush would meet a locked table."""
    yield
    assert IN_FLIGHT.wait_until_idle(), "the live server was still answering after 30 s"


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("CM_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    required = os.environ.get("CM_REQUIRE_E2E") == "1"
    if path is None:
        if required:
            pytest.fail(
                "Chromium is not installed but CM_REQUIRE_E2E=1: install Debian's chromium package"
            )
        pytest.skip(
            "Chromium is not installed (apt-get install chromium); end-to-end tests skipped"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("the playwright package is missing: pip install -e '.[test]'")
        pytest.skip("the playwright package is missing")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


@pytest.fixture
def shoot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 1000, f"screenshot {name} is empty"
        return path

    return take


def settle(page, form: str) -> None:
    """Wait until the live form ``form`` shows the answer for what it says (live-forms.js): an
    event-driven wait, never a guess at which text a racing request may produce."""
    page.wait_for_selector(f'{form}[data-live-settled="true"]', state="attached")


def navigate(page, action) -> None:
    """Run ``action`` (a click that submits a form or follows a link) and wait for the new page."""
    with page.expect_navigation():
        action()
