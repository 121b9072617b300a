"""Reading pages in tests: the chart specs and tables the web pages embed."""

from __future__ import annotations

import json
import re


def spec_from(html: str, spec_id: str = "spec-main") -> dict:
    """The Vega-Lite spec a page embeds in <script id=SPEC_ID type=application/json>."""
    match = re.search(rf'<script id="{spec_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no chart spec {spec_id} in the page"
    return json.loads(match.group(1))


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The body rows of a table as lists of cell texts (tags stripped), without the column of
    "How was this worked out?" links (class explain-col, docs/reference/explain.md) and the
    words for screen readers of a figure that is itself such a link."""
    match = re.search(rf'<table[^>]*id="{table_id}"[^>]*>(.*?)</table>', html, re.S)
    assert match, f"no table {table_id} in the page"
    body = match.group(1).split("<tbody>", 1)[1]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        row = re.sub(r'<td class="explain-col">.*?</td>', "", row, flags=re.S)
        row = re.sub(r'<span class="sr-only"> \(How was.*?</span>', "", row, flags=re.S)
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return rows


def publish(obj) -> None:
    """Publish an initiative or an indicator."""
    obj.is_published = True
    obj.save(update_fields=["is_published"])
