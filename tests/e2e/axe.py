"""axe-core in the test browser: checks a page against the WCAG 2.0 and 2.1 A and AA rules.

axe-core is an npm package pinned in tests/e2e/package.json and package-lock.json, installed
into tests/e2e/node_modules by `make axe` (which `make test` runs); it is loaded into the test
browser from that local file, never from a network. It is added to each page with
``add_init_script`` (the DevTools protocol's "evaluate on new document"), which the pages'
Content-Security-Policy does not block, so every page is checked under its real policy
(docs/explanation/accessibility.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = ("critical", "serious")


def axe_source() -> Path:
    """The local axe-core file; fail (in CI) or skip when `make axe` has not installed it."""
    if not AXE.exists():
        message = f"axe-core is not installed at {AXE}: run `make axe` (npm ci in tests/e2e)"
        if os.environ.get("CM_REQUIRE_E2E") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE


def new_context(browser, **options):
    """A browser context whose every page and frame has axe-core loaded."""
    context = browser.new_context(**options)
    context.add_init_script(path=str(axe_source()))
    return context


def wait_for_charts(page) -> None:
    """Wait until every chart on the page is drawn (or has said it could not be): charts.js
    marks each with chart-ready or chart-failed."""
    page.wait_for_selector(
        ".chart[data-spec-id]:not(.chart-ready):not(.chart-failed)", state="detached"
    )


def violations(page) -> list[dict]:
    """The critical and serious violations on the page as it is now: one entry per rule, with
    the number of elements that break it and the first few of them."""
    result = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]
        }).then(r => r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.length,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            summary: v.nodes.length ? v.nodes[0].failureSummary : ""
        })))""",
        TAGS,
    )
    return [v for v in result if v["impact"] in FAILING]


def counts(found: list[dict]) -> dict[str, int]:
    """Nodes per impact, as the accessibility statement reports them."""
    out = {impact: 0 for impact in FAILING}
    for v in found:
        out[v["impact"]] += v["nodes"]
    return out


def describe(found: list[dict]) -> str:
    return "; ".join(
        f"{v['id']} ({v['impact']}, {v['nodes']} elements, e.g. {', '.join(v['targets'][:3])}): "
        f"{v['help']}"
        for v in found
    )
