"""The dashboards, benchmarking page, explorer and public page draw their charts in a real
browser from local assets only, and are photographed into test-artifacts/screenshots/."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from commonmeasure.initiatives.models import Indicator
from tests.conftest import PASSWORD
from tests.insights.conftest import VALUES

pytestmark = pytest.mark.e2e


def test_insight_pages_draw_their_charts(
    transactional_db, cast, import_csv, live_server, page, shoot
):
    assert import_csv(cast.alpha, VALUES, approve=True, user=cast.backbone).errors == []
    Indicator.objects.create(
        initiative=cast.alpha,
        code="start_pct",
        name="Job starts per 100 enrolled",
        kind=Indicator.FORMULA,
        formula="job_starts / enrolled * 100",
        value_type=Indicator.RATE,
        aggregation="mean",
        sort_order=99,
        is_published=True,
    )
    cast.alpha.is_published = True
    cast.alpha.save()
    base = live_server.url
    own_host = urlparse(base).netloc
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if urlparse(r.url).netloc not in (own_host, "") and not r.url.startswith("data:")
            else None
        ),
    )
    page.goto(f"{base}/login/")
    page.fill("#login-form [name=username]", "backbone")
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#whoami")

    for path, name, chart in (
        ("/i/alpha/dashboard/", "dashboard", ".chart.spark"),
        ("/i/alpha/orgs/org-a/dashboard/?period=2024-02", "organisation-dashboard", "#main .chart"),
        ("/i/alpha/benchmarks/start_pct/?period=2024-02", "benchmarking", "#funnel-section .chart"),
        (
            "/i/alpha/explore/?indicator=enrolled&rows=period&cols=organisation",
            "explorer",
            "#main .chart",
        ),
        ("/public/alpha/start_pct/", "public-indicator", "#main .chart"),
    ):
        page.goto(base + path)
        page.wait_for_selector(f"{chart}.chart-ready")
        shoot(page, name)
    assert foreign == []
