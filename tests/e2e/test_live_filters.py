"""Live filters never show results for anything but what the form says, however the answers race.

The server is slowed on purpose, per query (a delay put in front of the directory's filter reading
for these tests only), so that an answer for an older state of the form would arrive after the
answer for the current one."""

from __future__ import annotations

import threading
import time

import pytest

from commonmeasure.impactbonds import views_directory
from commonmeasure.impactbonds.services import import_bundle
from tests.e2e.conftest import settle
from tests.impactbonds.helpers import SAMPLE

pytestmark = pytest.mark.e2e

# Records, in the page, every directory request that htmx has finished with (answered and swapped
# or dropped, or cancelled): htmx fires afterRequest only once the swap decision is made.
RECORD_ENDS = """
document.addEventListener('htmx:afterRequest', (event) => {
  const info = event.detail.pathInfo || {};
  const ended = document.documentElement.getAttribute('data-ended') || '';
  document.documentElement.setAttribute(
    'data-ended', ended + ' ' + (info.finalRequestPath || info.requestPath || ''));
});
"""


@pytest.fixture
def slow_server(monkeypatch):
    """Delay the directory's answers by query: {("q", "london"): 1.5} makes every answer whose
    search is "london" take 1.5 s longer."""
    delays: dict[tuple[str, str], float] = {}
    original = views_directory.read_filters

    def slowed(params):
        time.sleep(max((s for (k, v), s in delays.items() if params.get(k) == v), default=0))
        return original(params)

    monkeypatch.setattr(views_directory, "read_filters", slowed)
    return delays


def _wait_for_the_end_of(page, fragment: str) -> None:
    """Wait until the browser is done with every request whose address holds ``fragment``."""
    page.wait_for_selector(f'html[data-ended*="{fragment}"]', state="attached", timeout=20_000)


def _shows(page) -> tuple[str, str]:
    return page.inner_text("#result-count"), page.get_attribute("#filters", "data-settled-query")


def test_typing_fast_and_clearing_ends_on_the_results_for_the_cleared_box(
    transactional_db, live_server, page, slow_server
):
    delays = slow_server
    import_bundle(SAMPLE)
    delays[("q", "london")] = 1.5
    page.add_init_script(RECORD_ENDS)
    page.goto(f"{live_server.url}/impact-bonds/projects/")
    settle(page, "#filters")
    assert page.inner_text("#result-count").startswith("12 of 12")

    page.type("#search", "london", delay=25)  # one key at a time, as a person types
    page.wait_for_selector('#filters[data-live-state="loading"]')  # the slow search is out
    page.fill("#search", "")
    settle(page, "#filters")
    assert page.inner_text("#result-count").startswith("12 of 12")

    # The browser is done with the slow search (cancelled, or answered and dropped): the list
    # still shows the cleared box.
    _wait_for_the_end_of(page, "q=london")
    count, query = _shows(page)
    assert count.startswith("12 of 12") and query == "sort=name"
    assert "q=london" not in page.url
    assert page.input_value("#search") == ""


def test_changing_filters_fast_ends_on_the_last_choice(
    transactional_db, live_server, page, slow_server
):
    delays = slow_server
    import_bundle(SAMPLE)
    delays[("sector", "Education")] = 1.2
    page.add_init_script(RECORD_ENDS)
    page.goto(f"{live_server.url}/impact-bonds/projects/")
    settle(page, "#filters")

    page.select_option("#filter-sector", "Education")
    page.wait_for_selector('#filters[data-live-state="loading"]')
    page.select_option("#filter-sector", "")
    page.select_option("#filter-country", "AR")
    settle(page, "#filters")
    _wait_for_the_end_of(page, "sector=Education")
    count, query = _shows(page)
    assert count.startswith("1 of 12") and query == "country=AR&sort=name"
    assert page.locator("#filter-sector").input_value() == ""
    assert "country=AR" in page.url and "Education" not in page.url


def test_an_answer_for_another_state_of_the_form_is_never_shown(
    transactional_db, live_server, page
):
    """The page's own guard, without hx-sync's help: an answer whose query is not the form's is
    dropped, and the list and the address stay as they were."""
    import_bundle(SAMPLE)
    page.goto(f"{live_server.url}/impact-bonds/projects/?sector=Education")
    settle(page, "#filters")
    assert page.inner_text("#result-count").startswith("4 of 12")
    swapped = threading.Event()
    page.expose_function("cmSwapped", lambda: swapped.set())
    page.evaluate("document.body.addEventListener('htmx:afterSwap', () => window.cmSwapped())")
    page.evaluate(
        """() => htmx.ajax('GET', '/impact-bonds/projects/?q=london&sector=Education',
                 {source: '#filters', target: '#directory', swap: 'outerHTML'})"""
    )
    assert page.inner_text("#result-count").startswith("4 of 12")
    assert page.input_value("#search") == ""
    assert "q=london" not in page.url
    assert not swapped.is_set()
    assert page.get_attribute("#filters", "data-live-settled") == "true"

    # The same answer, asked for by the form itself, is shown.
    page.fill("#search", "london")
    settle(page, "#filters")
    assert page.inner_text("#result-count").startswith("1 of 12")
