"""The impact bond world map in Chromium: it draws with nothing fetched from outside this server,
a hovered country shows its tooltip, and a click on a country lands on the directory filtered
to it. The public pages are photographed into test-artifacts/screenshots/."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from commonmeasure.impactbonds.services import import_bundle
from tests.e2e.conftest import settle
from tests.impactbonds.helpers import SAMPLE

pytestmark = pytest.mark.e2e


def test_the_map_shows_tooltips_and_a_click_on_a_country_filters_the_directory(
    transactional_db, live_server, page, shoot
):
    import_bundle(SAMPLE)
    base = live_server.url
    own_host = urlparse(base).netloc
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if urlparse(r.url).netloc not in (own_host, "")
            and not r.url.startswith(("data:", "blob:"))
            else None
        ),
    )

    page.goto(f"{base}/impact-bonds/")
    page.wait_for_selector("#world-map.chart-ready")
    assert "12 impact bonds around the world" in page.inner_text("#headline")
    shapes = page.locator("#world-map path[aria-label]")
    assert shapes.count() > 150  # the country shapes were loaded and drawn
    page.wait_for_selector("#launches-chart.chart-ready")
    page.wait_for_selector("#capital-chart.chart-ready")
    shoot(page, "impact-bonds-home")

    argentina = page.locator('#world-map path[aria-label^="Argentina"]')
    assert argentina.get_attribute("aria-label") == "Argentina: 1 impact bond"
    argentina.hover()
    tooltip = page.wait_for_selector("#vg-tooltip-element.visible")
    assert "Argentina" in tooltip.inner_text() and "1" in tooltip.inner_text()
    shoot(page, "impact-bonds-map-tooltip")

    # A country with no impact bonds goes nowhere (it used to open /impact-bonds/null).
    visited: list[str] = []
    page.on("request", lambda r: visited.append(urlparse(r.url).path))
    mongolia = page.locator('#world-map path[aria-label^="Mongolia"]')
    assert mongolia.get_attribute("aria-label") == "Mongolia: 0 impact bonds"
    mongolia.click()
    argentina.click()
    page.wait_for_url("**/impact-bonds/projects/?country=AR")
    assert not [path for path in visited if path.endswith("/null")], visited
    assert page.inner_text("#result-count").startswith("1 of 12")
    rows = page.locator("#projects tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-project") == "INDIGO-POJ-0001"
    assert page.locator("#filter-country").input_value() == "AR"
    shoot(page, "impact-bonds-directory-argentina")

    # Filters update the list in place and keep a shareable address.
    page.select_option("#filter-country", "")
    settle(page, "#filters")
    assert page.inner_text("#result-count").startswith("12 of 12")
    page.select_option("#filter-sector", "Education")
    settle(page, "#filters")
    assert page.inner_text("#result-count").startswith("4 of 12")
    assert "sector=Education" in page.url
    shoot(page, "impact-bonds-directory")
    page.fill("#search", "london")
    settle(page, "#filters")
    assert page.inner_text("#result-count").startswith("1 of 12")
    assert "q=london" in page.url
    page.fill("#search", "")
    settle(page, "#filters")
    assert page.inner_text("#result-count").startswith("4 of 12")
    assert "q=" not in page.url

    # Pick two projects and compare them side by side.
    page.check("#pick-INDIGO-POJ-0184")
    page.check("#pick-INDIGO-POJ-0276")
    page.click("#compare-selected")
    page.wait_for_selector("#comparison")
    assert page.locator("#comparison thead th[data-project]").count() == 2
    shoot(page, "impact-bonds-compare")

    page.click('#comparison thead th[data-project="INDIGO-POJ-0184"] a >> nth=0')
    page.wait_for_selector("#project-map.chart-ready")
    assert "West London Zone" in page.inner_text("#project-name")
    shoot(page, "impact-bonds-project")
    page.click("#parties a >> text=Westminster City Council")
    page.wait_for_selector("#organisation-name")
    shoot(page, "impact-bonds-organisation")

    assert foreign == [], f"requests left this server: {foreign}"


def test_the_map_has_a_keyboard_way_in_a_list_of_countries_each_a_link_to_its_projects(
    transactional_db, live_server, page
):
    import_bundle(SAMPLE)
    page.goto(f"{live_server.url}/impact-bonds/")
    page.wait_for_selector("#world-map.chart-ready")
    box = page.locator("#world-map")
    assert box.get_attribute("role") == "figure" and "impact bond" in box.get_attribute(
        "aria-label"
    )
    # From the keyboard alone: open the list beside the map, Tab to a country, follow it.
    page.locator("#map details.ib-numbers > summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#map-table")).to_be_visible()
    focused = page.locator(":focus")
    for _ in range(3):  # the table's box takes the focus first when it scrolls
        page.keyboard.press("Tab")
        if focused.evaluate("el => el.tagName") == "A":
            break
    country = focused.evaluate("el => el.closest('tr').dataset.country")
    assert page.locator(f'#map-table tr[data-country="{country}"] th a').inner_text()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/impact-bonds/projects/?country={country}")
    assert page.locator("#projects tbody tr").count() >= 1
