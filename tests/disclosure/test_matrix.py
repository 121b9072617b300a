"""Every surface, every viewer: no name-figure pair and no small number leaks
(docs/reference/disclosure.md).

Viewers: the standard cast and an anonymous visitor. Initiative alpha published or not, and
organisation B anonymised or named. Surfaces: the initiative page (headlines), organisation
pages, indicator pages (by period, organisation, dimension), dashboards, benchmarks, the
explorer, the public page (the embed), the activity feed, every chart and table download a page
offers (SVG, PNG, CSV, XLSX), the JSON API and the command line. B's small figure (777 people)
may reach only B and the backbone; B's figure of 4,321 may appear beside B's name or code only
for B, the backbone and, when B is named, everyone who may see the initiative.
"""

from __future__ import annotations

import html as html_lib
import io
import json
import re

import pytest

from tests.html import publish

from .conftest import B_FEBRUARY, SMALL, VIEWERS, numbers_in

PAGES = [
    "/i/alpha/",
    "/i/alpha/orgs/org-a/",
    "/i/alpha/orgs/org-b/",
    "/i/alpha/indicators/enrolled/",
    "/i/alpha/indicators/enrolled/?by=organisation",
    "/i/alpha/indicators/enrolled/?by=organisation&period=2024-01",
    "/i/alpha/indicators/enrolled/?by=organisation&period=2024-02",
    "/i/alpha/indicators/enrolled/?by=gender",
    "/i/alpha/indicators/enrolled/?by=gender&period=2024-01",
    "/i/alpha/indicators/enrolled/?by=period&period_type=quarter",
    "/i/alpha/dashboard/",
    "/i/alpha/orgs/org-a/dashboard/",
    "/i/alpha/orgs/org-b/dashboard/",
    "/i/alpha/benchmarks/enrolled/?period=2024-01",
    "/i/alpha/benchmarks/enrolled/?period=2024-02",
    "/i/alpha/benchmarks/job_starts/?period=2024-01",
    "/i/alpha/benchmarks/start_pct/?period=2024-01",
    "/i/alpha/benchmarks/start_pct/?period=2024-02",
    "/i/alpha/indicators/start_pct/?by=organisation&period=2024-01",
    "/i/alpha/indicators/start_pct/?by=period",
    "/i/alpha/explore/?indicator=start_pct&rows=organisation&cols=period",
    "/i/alpha/explore/?indicator=enrolled&rows=organisation&cols=period",
    "/i/alpha/explore/?indicator=enrolled&rows=period&cols=organisation",
    "/i/alpha/explore/?indicator=enrolled&rows=gender&cols=period",
    "/i/alpha/explore/?indicator=enrolled&rows=organisation&cols=gender",
    "/public/alpha/enrolled/",
    "/i/alpha/activity/",
    "/i/alpha/activity/?format=json",
]
API = [
    "/api/v1/initiatives/alpha/query?indicator=enrolled&by=organisation",
    "/api/v1/initiatives/alpha/query?indicator=enrolled&by=organisation&period=2024-01",
    "/api/v1/initiatives/alpha/query?indicator=enrolled&by=organisation&period=2024-02",
    "/api/v1/initiatives/alpha/query?indicator=enrolled&by=period",
    "/api/v1/initiatives/alpha/query?indicator=enrolled&by=gender",
    "/api/v1/initiatives/alpha/query?indicator=enrolled&by=gender&period=2024-01",
    "/api/v1/initiatives/alpha/query?indicator=start_pct&by=organisation&period=2024-01",
]
CLI = [
    ("--by", "organisation"),
    ("--by", "organisation", "--period", "2024-01"),
    ("--by", "organisation", "--period", "2024-02"),
    ("--by", "period"),
    ("--by", "gender", "--period", "2024-01"),
]


def _xlsx_text(body: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(
        " ".join("" if c is None else str(c) for c in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def _downloads(page: str) -> list[str]:
    """The download links a page offers (?format=...)."""
    return sorted({html_lib.unescape(h) for h in re.findall(r'href="(\?[^"]*format=[^"]*)"', page)})


def _read(client, url: str) -> list[tuple[str, str]]:
    """[(what, text)] for a page and each of its downloads; [] when the viewer may not see it."""
    response = client.get(url)
    if response.status_code in (302, 403, 404):
        return []
    assert response.status_code == 200, (url, response.status_code)
    body = response.content
    if response["Content-Type"].startswith("application/json"):
        return [(url, json.dumps(json.loads(body)))]
    text = body.decode()
    out = [(url, text)]
    base = url.split("?", 1)[0]
    for link in _downloads(text):
        # keep the page's own parameters: the links carry them already
        file = client.get(base + link)
        assert file.status_code == 200, (base + link, file.status_code)
        kind = file["Content-Type"]
        if "spreadsheetml" in kind:
            out.append((base + link, _xlsx_text(file.content)))
        elif kind.startswith("image/png"):
            assert file.content.startswith(b"\x89PNG"), base + link
        else:  # CSV, SVG
            out.append((base + link, file.content.decode("utf-8-sig")))
    return out


def _leaks(viewer: str, named: bool, what: str, text: str) -> list[str]:
    if viewer in ("bob", "backbone"):
        return []  # B itself and the backbone see everything
    found = numbers_in(text)
    problems = []
    if SMALL in found:
        problems.append(f"{viewer} sees B's small figure {SMALL} on {what}")
    if not named and B_FEBRUARY in found and ("Organisation B" in text or "org-b" in text):
        problems.append(f"{viewer} sees B's {B_FEBRUARY} beside B's name on {what}")
    return problems


@pytest.mark.parametrize("published", [False, True], ids=["unpublished", "published"])
@pytest.mark.parametrize("named", [False, True], ids=["anonymised", "named"])
def test_no_surface_leaks_a_small_number_or_pairs_an_anonymised_name_with_its_figure(
    figures, client_for, cli, named, published
):
    if published:
        publish(figures.alpha)
        for indicator in figures.alpha.indicators.all():
            publish(indicator)
    if named:
        part = figures.alpha.participations.get(organisation=figures.org_b)
        part.named_in_benchmarks = True
        part.save()
    problems, seen = [], 0
    for viewer in VIEWERS:
        if viewer in ("bob", "backbone"):
            continue  # they see everything (the last test checks they do)
        client = client_for(viewer)
        for url in PAGES + API:
            for what, text in _read(client, url):
                seen += 1
                problems += _leaks(viewer, named, what, text)
        who = ("--public",) if viewer == "anonymous" else ("--as", viewer)
        for args in CLI:
            code, out, err = cli(
                "query", "--initiative", "alpha", "--indicator", "enrolled", *args, *who, "--json"
            )
            if code != 0:
                assert "cannot see initiative" in err, err
                continue
            seen += 1
            problems += _leaks(viewer, named, "query " + " ".join(args), out)
    assert problems == []
    assert seen > (100 if published else 40)  # the surfaces were read, not skipped


def test_the_organisation_and_the_backbone_do_see_the_figures_the_matrix_looks_for(
    figures, client_for
):
    """The matrix's checks are not vacuous: the same surfaces show 777 and 4,321 to B."""
    for viewer in ("bob", "backbone"):
        client = client_for(viewer)
        texts = " ".join(t for url in PAGES + API for _, t in _read(client, url))
        assert {SMALL, B_FEBRUARY} <= numbers_in(texts)
