"""With the Content-Security-Policy on, every kind of page works in Chromium without one
violation: charts draw (Vega without eval), htmx and the pages' scripts run, Django admin and
the API docs load; the public indicator page works in a frame of another site, and other pages
refuse to be framed."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from commonmeasure.initiatives.models import Indicator
from tests.insights.conftest import VALUES

from .test_reporting_flow import _last_complete_month, _log_in
from .test_survey import _survey

pytestmark = pytest.mark.e2e


@contextmanager
def partner_site(html: str):
    """Another site, on another origin of this machine (127.0.0.1 on its own port), serving one
    page that pastes the embed snippet. Chromium lets a local page frame local pages only."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def watch_violations(page) -> list[str]:
    """Every CSP violation the page or its frames report, from the console and the DOM event."""
    found: list[str] = []
    page.on(
        "console",
        lambda msg: (
            found.append(f"console: {msg.text}")
            if "Content Security Policy" in msg.text or "unsafe-eval" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"error: {error}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', function (e) {"
        " console.error('Content Security Policy violation: ' + e.violatedDirective + ' '"
        " + e.blockedURI); });"
    )
    return found


@pytest.fixture
def published(transactional_db, cast, import_csv):
    assert import_csv(cast.alpha, VALUES, approve=True, user=cast.backbone).errors == []
    Indicator.objects.filter(initiative=cast.alpha, code="enrolled").update(is_published=True)
    cast.alpha.is_published = True
    cast.alpha.save()
    return cast


def test_every_kind_of_page_runs_under_the_policy_without_a_violation(published, live_server, page):
    cast = published
    _, link = _survey(cast)
    base = live_server.url
    violations = watch_violations(page)
    period = _last_complete_month()
    _log_in(page, base, "backbone")
    pages = {  # path: how many charts it draws at least
        "/i/alpha/": 0,
        "/i/alpha/indicators/enrolled/?by=period&period_type=month": 1,
        "/i/alpha/dashboard/": 3,
        "/i/alpha/orgs/org-a/dashboard/?period=2024-02": 1,
        "/i/alpha/benchmarks/enrolled/?period=2024-02": 1,
        "/i/alpha/explore/?indicator=enrolled&rows=period&cols=organisation": 1,
        "/public/alpha/enrolled/": 1,
        f"/i/alpha/orgs/org-a/report/{period}/": 0,
        "/i/alpha/reports/": 0,
        "/i/alpha/quality/": 0,
        "/i/alpha/members/": 0,
        "/impact-bonds/": 0,
        "/contracts/": 0,
        "/admin/": 0,
        "/admin/initiatives/membership/add/": 0,
        "/api/v1/docs": 0,
        f"/s/{link.token}/": 0,
        f"/s/{link.token}/print/": 0,
    }
    for path, charts in pages.items():
        response = page.goto(base + path)
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        # (Locators, not wait_for_function: Playwright polls a function with eval, which the
        # policy refuses.)
        expect(
            page.locator(".chart[data-spec-id]:not(.chart-ready):not(.chart-failed)")
        ).to_have_count(0)
        assert page.locator(".chart.chart-ready").count() >= charts, path
        assert page.locator(".chart-failed").count() == 0, path
        page.wait_for_load_state("networkidle")
    page.goto(base + "/api/v1/docs")
    page.wait_for_selector("#swagger-ui .info")  # Swagger UI drew the schema
    # The scripts moved out of inline handlers still work: a period select sends its form.
    page.goto(f"{base}/i/alpha/reports/")
    with page.expect_navigation():
        page.select_option("#report-period", index=1)
    assert "period=" in page.url
    assert violations == []


def test_a_grid_cell_is_checked_by_htmx_under_the_policy(published, live_server, page):
    violations = watch_violations(page)
    base = live_server.url
    _log_in(page, base, "alice")
    page.goto(f"{base}/i/alpha/orgs/org-a/report/{_last_complete_month()}/")
    cell = page.locator(".cell input[hx-post]").first
    with page.expect_response(lambda r: "/check/" in r.url) as answer:
        cell.fill("-5")
        cell.dispatch_event("change")
    assert answer.value.status == 200
    assert violations == []


def test_the_public_page_draws_in_a_frame_of_another_site_and_other_pages_do_not(
    published, live_server, page
):
    base = live_server.url
    violations = watch_violations(page)
    html = (
        f"<!doctype html><title>Partner site</title><h1>Our partners</h1>"
        f'<iframe id="embed" src="{base}/public/alpha/enrolled/" title="People enrolled" '
        f'width="100%" height="560"></iframe>'
        f'<iframe id="private" src="{base}/i/alpha/" title="Not embeddable"></iframe>'
    )
    with partner_site(html) as site:
        assert site.split("/")[2] != base.split("/")[2]
        page.goto(site)
        embed = page.frame_locator("#embed")
        embed.locator("#main .chart.chart-ready").wait_for()
        assert embed.locator("h1").inner_text() == "People enrolled"
        page.wait_for_timeout(500)
        assert page.frame_locator("#private").locator("#main").count() == 0  # not shown
    refused = [v for v in violations if "frame-ancestors" in v]
    assert refused and all("/i/alpha/" in v or "frame-ancestors 'none'" in v for v in refused)
    assert [v for v in violations if "frame-ancestors" not in v] == []


def test_vega_needs_no_eval(published, live_server, page):
    """Vega's expression parser would otherwise compile with Function(): a spec with an
    expression (a filter and a calculated field) draws under the policy."""
    violations = watch_violations(page)
    page.goto(f"{live_server.url}/public/alpha/enrolled/")
    page.wait_for_selector("#main .chart.chart-ready")
    drawn = page.evaluate(
        """async () => {
          const el = document.createElement('div');
          document.body.appendChild(el);
          const spec = {
            $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
            data: {values: [{a: 1}, {a: 2}, {a: 3}]},
            transform: [{filter: 'datum.a > 1'}, {calculate: 'datum.a * 10', as: 'b'}],
            mark: 'bar', encoding: {x: {field: 'a', type: 'ordinal'}, y: {field: 'b', type: 'quantitative'}}
          };
          const result = await window.vegaEmbed(el, spec, {renderer: 'svg', actions: false, ast: true});
          return result.view.data('data_0').length;
        }"""
    )
    assert drawn == 2
    assert violations == []
