"""A reporter enters values in the grid and submits; the backbone approves; the number appears
in the indicator chart. Every page type is photographed into test-artifacts/screenshots/."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from commonmeasure.domain import periods
from tests.conftest import PASSWORD
from tests.e2e.conftest import navigate

pytestmark = pytest.mark.e2e


def _last_complete_month() -> str:
    from django.utils import timezone

    today = timezone.localdate()
    index = periods.month_index(today.year, today.month) - 1
    return periods.month(*periods.index_to_year_month(index)).code


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#login-form [name=username]", username)
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#whoami")
    assert username in page.inner_text("#whoami")


def _log_out(page) -> None:
    page.click("#logout")
    page.wait_for_selector("#login-form, a[href*='/login/']")


def test_reporter_enters_and_submits_backbone_approves_and_chart_shows_the_number(
    transactional_db, cast, live_server, page, shoot
):
    base = live_server.url
    period = _last_complete_month()
    foreign_hosts: list[str] = []
    own_host = urlparse(base).netloc
    page.on(
        "request",
        lambda request: (
            foreign_hosts.append(request.url)
            if urlparse(request.url).netloc not in (own_host, "")
            and not request.url.startswith("data:")
            else None
        ),
    )

    # The reporter logs in, sees the initiative and opens her organisation's report.
    page.goto(f"{base}/login/")
    shoot(page, "login")
    _log_in(page, base, "alice")
    shoot(page, "home")
    page.goto(f"{base}/i/alpha/")
    assert "Alpha Partnership" in page.content()
    shoot(page, "initiative-home")
    page.goto(f"{base}/i/alpha/orgs/org-a/report/{period}/")

    # A wrong value is caught as she types, before anything is saved.
    total = page.locator("input[name='v:enrolled:']")
    total.fill("twelve")
    total.dispatch_event("change")
    page.wait_for_selector(".cell-msg.error")
    assert "not a number" in page.inner_text(".cell-msg.error")

    total.fill("17")
    total.dispatch_event("change")
    expect(page.locator(".cell-msg.error")).to_have_count(0)
    page.fill("input[name='v:enrolled:age_band=16-24;gender=female']", "9")
    page.fill("input[name='v:enrolled:age_band=16-24;gender=male']", "8")
    navigate(page, lambda: page.click("button[name=action][value=save]"))
    assert page.input_value("input[name='v:enrolled:']") == "17"
    shoot(page, "grid")
    navigate(page, lambda: page.click("button[name=action][value=submit]"))
    assert "submitted" in page.inner_text("body").lower()
    _log_out(page)

    # The backbone sees the report waiting, opens it and approves it.
    _log_in(page, base, "backbone")
    page.goto(f"{base}/i/alpha/reports/?period={period}")
    row = page.locator("#reports [data-organisation='org-a']")
    assert row.get_attribute("data-status") == "submitted"
    shoot(page, "reports")
    page.goto(f"{base}/i/alpha/orgs/org-a/report/{period}/")
    navigate(page, lambda: page.click("button[name=action][value=approve]"))
    assert "approved" in page.inner_text("body").lower()
    page.goto(f"{base}/i/alpha/reports/?period={period}")
    assert (
        page.locator("#reports [data-organisation='org-a']").get_attribute("data-status")
        == "approved"
    )

    # The number is in the indicator's chart and in the table beside it.
    page.goto(f"{base}/i/alpha/indicators/enrolled/?by=period&period_type=month")
    page.wait_for_selector("#main-chart.chart-ready svg")
    spec = json.loads(page.inner_text("script#spec-main"))
    assert 17 in _numbers_in(spec), "the chart's data does not hold the approved value"
    assert period in page.inner_text("#numbers") and "17" in page.inner_text("#numbers")
    shoot(page, "indicator")
    page.goto(f"{base}/i/alpha/indicators/enrolled/?by=gender")
    page.wait_for_selector("#main-chart.chart-ready svg")
    assert "9" in page.inner_text("#numbers") and "8" in page.inner_text("#numbers")
    page.goto(f"{base}/i/alpha/orgs/org-a/")
    assert "Organisation A" in page.content()
    shoot(page, "organisation")
    page.goto(f"{base}/admin/")
    shoot(page, "admin")
    page.goto(f"{base}/api/v1/docs")
    page.wait_for_selector(".swagger-ui")
    shoot(page, "api-docs")

    assert foreign_hosts == [], f"pages called outside the server: {foreign_hosts[:5]}"


def test_bob_cannot_open_alices_report_in_the_browser(transactional_db, cast, live_server, page):
    _log_in(page, live_server.url, "bob")
    response = page.goto(f"{live_server.url}/i/alpha/orgs/org-a/report/{_last_complete_month()}/")
    assert response.status == 403
    assert page.locator("input[name='v:enrolled:']").count() == 0


def _numbers_in(node) -> list[float]:
    """Every number anywhere in a Vega-Lite spec (its inline data included)."""
    if isinstance(node, bool):
        return []
    if isinstance(node, int | float):
        return [node]
    if isinstance(node, dict):
        return [n for v in node.values() for n in _numbers_in(v)]
    if isinstance(node, list):
        return [n for v in node for n in _numbers_in(v)]
    return []
