"""The grid's running sums in a real browser: typing a breakdown updates its sum beside the
total, a disagreement is named, and the button fills the total from a complete breakdown."""

from __future__ import annotations

import pytest

from commonmeasure.reporting.models import DataValue

from .test_reporting_flow import _last_complete_month, _log_in

pytestmark = pytest.mark.e2e


def test_typing_a_breakdown_updates_its_sum_and_the_button_fills_the_total(
    transactional_db, cast, live_server, page, shoot
):
    period = _last_complete_month()
    _log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/i/alpha/orgs/org-a/report/{period}/")
    total = page.locator('[id="v:job_starts:"]')
    group = page.locator('[data-breakdown][data-total="v:job_starts:"]')
    button = group.locator("[data-fill-total]")
    assert button.is_hidden()
    page.fill('[id="v:job_starts:gender=female"]', "16")
    assert group.locator("[data-sum-value]").inner_text() == "16"
    assert group.locator("[data-sum-given]").inner_text() == "(1 of 2 given)"
    total.fill("8")
    assert "more than the total 8" in group.locator("[data-sum-given]").inner_text()
    page.fill('[id="v:job_starts:gender=male"]', "17")
    assert group.locator("[data-sum-given]").inner_text() == "(2 of 2 given; the total is 8)"
    assert button.is_visible() and button.inner_text() == "Use 33 as the total"
    shoot(page, "grid-breakdown-sum")
    button.click()
    assert total.input_value() == "33"
    assert button.is_hidden()
    page.click("#save")
    page.wait_for_selector(".message")
    assert sorted(
        DataValue.objects.filter(indicator__code="job_starts").values_list(
            "disaggregation__key", "value"
        )
    ) == [("", 33.0), ("gender=female", 16.0), ("gender=male", 17.0)]
