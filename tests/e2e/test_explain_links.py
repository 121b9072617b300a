"""Clicking a point of a chart, or following a row's link from the keyboard, opens the
explanation of that figure (docs/reference/explain.md): in a real browser, under the
Content-Security-Policy, with Vega's href channel."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from commonmeasure.initiatives.models import Membership
from tests.conftest import PASSWORD
from tests.e2e.conftest import navigate
from tests.insights.conftest import VALUES
from tests.measures.conftest import HERE
from tests.measures.conftest import VALUES as TOWNS_VALUES

pytestmark = pytest.mark.e2e


def _sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#login-form [name=username]", username)
    page.fill("#login-form [name=password]", PASSWORD)
    navigate(page, lambda: page.click("#login-submit"))
    page.wait_for_selector("#whoami")


def _asked(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _figure(page) -> str:
    """The figure, without its unit."""
    return page.inner_text('#explain-figure [data-figure="value"]').split()[0]


def test_clicking_a_chart_point_opens_the_explanation_of_that_period(
    transactional_db, cast, import_csv, live_server, page, shoot
):
    assert import_csv(cast.alpha, VALUES, approve=True, user=cast.backbone).errors == []
    base = live_server.url
    _sign_in(page, base, "backbone")
    page.goto(f"{base}/i/alpha/indicators/enrolled/")
    page.wait_for_selector("#main-chart.chart-ready")
    bar = page.locator('#main-chart path[aria-label*="2024-02"]').first
    navigate(page, bar.click)
    asked = _asked(page.url)
    assert urlsplit(page.url).path == "/i/alpha/explain/"
    assert (asked["indicator"], asked["by"], asked["key"]) == ("enrolled", "period", "2024-02")
    assert _figure(page) == "30"  # A 20 + B 10 (docs: tests/insights/conftest.py)
    parts = page.inner_text("#explain-parts-table")
    assert "Organisation A" in parts and "20" in parts and "10" in parts
    shoot(page, "explain-from-chart-point")


def test_a_bar_by_organisation_opens_its_explanation_under_the_pseudonym(
    transactional_db, cast, import_csv, live_server, page
):
    assert import_csv(cast.alpha, VALUES, approve=True, user=cast.backbone).errors == []
    base = live_server.url
    _sign_in(page, base, "alice")
    page.goto(f"{base}/i/alpha/indicators/enrolled/?by=organisation&period=2024-02")
    page.wait_for_selector("#main-chart.chart-ready")
    bars = page.locator("#main-chart path[aria-label]")
    labels = [bars.nth(i).get_attribute("aria-label") for i in range(bars.count())]
    peer = next(i for i, label in enumerate(labels) if "Organisation A" not in label)
    navigate(page, bars.nth(peer).click)
    asked = _asked(page.url)
    assert asked["by"] == "organisation" and asked["key"] != "org-b", page.url
    assert _figure(page) == "10" and "org-b" not in page.url
    assert "Organisation B" not in page.inner_text("main")  # alice sees B's pseudonym only


@pytest.fixture
def towns(transactional_db, import_csv, django_user_model):
    from commonmeasure.interchange.definition import read_definition
    from commonmeasure.reporting.initiative_file import load_definition

    initiative, _ = load_definition(read_definition(HERE / "towns.yaml"))
    assert not import_csv(initiative, TOWNS_VALUES, approve=True).errors
    user = django_user_model.objects.create_user("towns-admin", password=PASSWORD)
    Membership.objects.create(user=user, initiative=initiative, role=Membership.BACKBONE_ADMIN)
    return initiative


def test_an_area_bar_and_the_area_tables_row_open_the_same_explanation(
    towns, live_server, page, shoot
):
    base = live_server.url
    _sign_in(page, base, "towns-admin")
    url = f"{base}/i/towns/indicators/people/?by=area"
    page.goto(url)
    page.wait_for_selector("#main-chart.chart-ready")
    row = page.locator("#numbers tbody tr", has_text="Ward One")
    shown = row.locator("td").first.inner_text().strip()
    navigate(page, page.locator('#main-chart path[aria-label*="Ward One"]').first.click)
    by_click = page.url
    assert (_asked(by_click)["by"], _asked(by_click)["key"]) == ("area", "w1")
    assert _figure(page) == shown
    assert "Provider One" in page.inner_text("#explain-parts-table")
    assert page.locator("#explain-deduplication").count() == 1  # the adjustments of w1
    shoot(page, "explain-from-area-bar")

    # The keyboard way: the row's link, reached by Tab and followed with Enter.
    page.goto(url)
    page.wait_for_selector("#main-chart.chart-ready")
    link = page.locator("#numbers tbody tr", has_text="Ward One").locator("a.explain-link")
    link.focus()
    navigate(page, lambda: page.keyboard.press("Enter"))
    assert page.url == by_click and _figure(page) == shown
