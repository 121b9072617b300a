"""Every figure of the dashboards, the benchmark and the explorer reaches its explanation
(docs/reference/explain.md): each table cell that is a figure links to the explanation of that
figure, which shows the same figure, and each chart point links to one of them."""

from __future__ import annotations

import re
from html import unescape

import pytest

from commonmeasure.charts import LINK_FIELD
from tests.html import spec_from

PAGES = {
    "/i/alpha/dashboard/": ["headlines"],
    "/i/alpha/orgs/org-a/dashboard/?period=2024-02": ["indicators"],
    "/i/alpha/benchmarks/enrolled/?period=2024-02": ["peers"],
    "/i/alpha/benchmarks/start_pct/?period=2024-02": ["peers", "funnel"],
    "/i/alpha/explore/?indicator=enrolled&rows=period": ["pivot"],
    "/i/alpha/explore/?indicator=enrolled&rows=organisation&period=2024-02": ["pivot"],
    "/i/alpha/explore/?indicator=enrolled&rows=period&cols=organisation": ["pivot"],
    "/i/alpha/explore/?indicator=enrolled&rows=organisation&cols=period": ["pivot"],
    "/i/alpha/explore/?indicator=enrolled&rows=gender&cols=period": ["pivot"],
    "/i/alpha/explore/?indicator=start_pct&rows=period&cols=organisation": ["pivot"],
}
CHARTS = {
    "/i/alpha/orgs/org-a/dashboard/?period=2024-02": "spec-position",
    "/i/alpha/benchmarks/enrolled/?period=2024-02": "spec-peers",
    "/i/alpha/benchmarks/start_pct/?period=2024-02": "spec-funnel",
    "/i/alpha/explore/?indicator=enrolled&rows=period&cols=organisation": "spec-pivot",
    "/i/alpha/explore/?indicator=enrolled&rows=gender&cols=period": "spec-pivot",
}


def _linked_cells(html: str, table_id: str) -> list[tuple[str, str]]:
    """(address, text) of each figure of the table that links to its explanation."""
    table = re.search(rf'<table[^>]*id="{table_id}"[^>]*>(.*?)</table>', html, re.S).group(1)
    return [
        (unescape(href), text.strip())
        for href, text in re.findall(
            r'<td[^>]*><a class="explain-link" href="([^"]+)"[^>]*>([^<]*)<span', table
        )
    ]


def _number(text: str) -> tuple[float, float] | None:
    """The number a text shows and half its last place (its rounding), or None."""
    text = text.replace(",", "").rstrip("%").split()[0] if text.strip() else ""
    try:
        value = float(text)
    except ValueError:
        return None
    places = len(text.split(".")[1]) if "." in text else 0
    return value, 0.5 * 10**-places


def _figure(page: str) -> str:
    return re.search(r'data-figure="value">([^<]*)', page).group(1).strip()


def _same(cell: str, figure: str) -> bool:
    a, b = _number(cell), _number(figure)
    if a is None or b is None:
        return cell == figure
    return abs(a[0] - b[0]) <= max(a[1], b[1]) + 1e-9


@pytest.mark.parametrize("viewer", ["backbone", "alice"])
def test_every_figure_of_the_dashboards_benchmarks_and_explorer_opens_its_explanation(
    data, rate, client_for, viewer
):
    client = client_for(viewer)
    checked = 0
    for url, tables in PAGES.items():
        response = client.get(url)
        if response.status_code == 404:  # alice has no dashboard of B's
            continue
        html = response.content.decode()
        links = set()
        for table in tables:
            cells = _linked_cells(html, table)
            assert cells, (url, table)
            for link, text in cells:
                links.add(link)
                explained = client.get(link)
                assert explained.status_code == 200, (url, link)
                figure = _figure(explained.content.decode())
                assert _same(text, figure), (url, link, text, figure)
                checked += 1
        if url in CHARTS:
            values = spec_from(html, CHARTS[url])
            points = [
                v[LINK_FIELD]
                for unit in [values, *values.get("layer", [])]
                for v in (unit.get("data") or {}).get("values", [])
                if v.get(LINK_FIELD)
            ]
            assert points and set(points) <= links, url
            hrefs = [u for u in values.get("layer", [values]) if "href" in u.get("encoding", {})]
            assert hrefs, url
    assert checked > 20


def test_a_peer_follows_an_anonymised_organisations_figure_by_its_pseudonym(data, client_for):
    html = client_for("alice").get("/i/alpha/benchmarks/enrolled/?period=2024-02").content.decode()
    links = [link for link, _text in _linked_cells(html, "peers")]
    assert links and not any("org-b" in link for link in links)
    assert any("key=Organisation+" in link or "key=Organisation%20" in link for link in links)
