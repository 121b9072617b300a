"""Layout at a laptop's 1366×768, for the backbone admin of the demo initiative (who sees the
most links and the widest tables): the navigation stays on one row, wide tables scroll inside
their box (a focusable region named after the table, WCAG 2.1.1) and never make the page
scroll sideways, and the indicator page links its downloads. Screenshots go to
test-artifacts/screenshots/layout-*.png. Last, the settings page's deadline preview answers as a
deadline is typed."""

from __future__ import annotations

import re

import pytest

from commonmeasure.demo import DEMO_PASSWORD, load_demo
from commonmeasure.domain import periods

pytestmark = pytest.mark.e2e

WIDE_PAGES = [
    ("/i/youth-jobs/orgs/NYT/dashboard/", "organisation-dashboard", "#indicators"),
    ("/i/youth-jobs/benchmarks/job_start_rate/", "benchmark", "#peers"),
    ("/i/youth-jobs/calendar/", "calendar", "#calendar"),
    (
        "/i/youth-jobs/explore/?indicator=referrals&rows=period&cols=organisation",
        "pivot",
        "#pivot",
    ),
]


def _box(page, table: str) -> dict:
    return page.evaluate(
        """(sel) => {
            const table = document.querySelector(sel);
            const box = table.closest('.table-wrap, .numbers');
            const style = getComputedStyle(box);
            return {
                table: table.getBoundingClientRect().width,
                box: box.getBoundingClientRect().width,
                right: box.getBoundingClientRect().right,
                overflow: style.overflowX,
                tabindex: box.getAttribute('tabindex'),
                role: box.getAttribute('role'),
                label: box.getAttribute('aria-label') || '',
                page: document.documentElement.scrollWidth,
                viewport: window.innerWidth,
            };
        }""",
        table,
    )


def test_wide_tables_scroll_in_their_box_and_the_navigation_keeps_to_one_row(
    transactional_db, live_server, browser, shoot
):
    load_demo(end=periods.month(2026, 4))
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(60_000)
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("#login-form [name=username]", "backbone")
    page.fill("#login-form [name=password]", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#whoami")

    for path, name, table in WIDE_PAGES:
        page.goto(base + path)
        page.wait_for_selector(table)
        page.wait_for_load_state("load")
        # One row: the navigation is no taller than one of its links.
        nav = page.locator(".subnav-inner").bounding_box()
        link = page.locator("#nav-dashboard").bounding_box()
        assert nav["height"] <= link["height"] + 4, (name, nav, link)
        found = _box(page, table)
        assert found["page"] <= found["viewport"], (name, "the page scrolls sideways", found)
        assert found["right"] <= found["viewport"], (name, found)
        if found["table"] > found["box"] + 1:  # wider than its box: it scrolls there
            assert found["overflow"] in ("auto", "scroll"), (name, found)
            assert (found["tabindex"], found["role"]) == ("0", "region"), (name, found)
            assert found["label"], (name, found)
            box = page.locator(table).locator("xpath=ancestor::div[@role='region'][1]")
            box.focus()
            assert box.evaluate("b => b === document.activeElement"), (name, "not focusable")
            for _ in range(4):
                page.keyboard.press("ArrowRight")
            box.evaluate(
                "b => new Promise(done => setTimeout(done, 400))"
            )  # a smooth scroll takes a moment
            assert box.evaluate("b => b.scrollLeft") > 0, (name, "the arrow keys do not scroll it")
        shoot(page, f"layout-{name}")
    # The calendar's 31 organisations are wider than any laptop: that one must scroll.
    page.goto(base + "/i/youth-jobs/calendar/")
    calendar = _box(page, "#calendar")
    assert calendar["table"] > calendar["box"] and calendar["tabindex"] == "0"

    # The less used pages are one click away under "More", which Escape closes.
    page.click("#nav-more > summary")
    assert page.locator("#nav-settings").is_visible()
    shoot(page, "layout-more-menu")
    page.keyboard.press("Escape")
    assert not page.locator("#nav-settings").is_visible()

    # The indicator page links its chart and its table as files.
    page.goto(base + "/i/youth-jobs/indicators/job_starts/")
    formats = page.eval_on_selector_all(
        "#chart-panel a[download][data-format]", "links => links.map(a => a.dataset.format)"
    )
    assert sorted(formats) == ["csv", "png", "svg", "xlsx"]
    shoot(page, "layout-indicator")

    # Typing a deadline says, before saving, how many open reports it will lock.
    page.goto(base + "/i/youth-jobs/settings/")
    page.fill("#deadline_days", "0")
    page.wait_for_selector("#deadline-locks")
    said = page.inner_text("#deadline-locks")
    found = re.match(r"This deadline locks (no|\d+) reports? ", said)
    assert found, said
    assert page.locator("#lock_confirmed").is_visible() == (found.group(1) != "no")
    shoot(page, "settings-deadline-preview")
    context.close()
