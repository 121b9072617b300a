"""The links to explanations and the new fields of an explanation obey the disclosure rules
(docs/reference/explain.md, disclosure.md): following every "How was this worked out?" link and
every chart point's link of every surface of the matrix, a peer, an outsider and an anonymous
visitor never meet B's small figure, nor B's name or code beside B's figure; a composite's
scores and an area's placements give nothing hidden away."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from commonmeasure.initiatives.models import Area, Indicator

from .conftest import B_FEBRUARY, SMALL, numbers_in
from .test_explain import PEERS, _b_key, _published
from .test_matrix import PAGES

EXPLAIN = re.compile(r"/i/alpha/explain/\?[^\"'<>\s]+")


def _links(text: str) -> set[str]:
    """Every explanation address in a page: its links and its charts' points."""
    text = unescape(text.replace("\\u0026", "&"))
    return set(EXPLAIN.findall(text))


@pytest.fixture
def areas(figures):
    """Ward w1 with A, ward w2 with B alone, both in the region north; and a composite."""
    north = Area.objects.create(
        initiative=figures.alpha, code="north", name="North", level="region"
    )
    for code, org in (("w1", figures.org_a), ("w2", figures.org_b)):
        ward = Area.objects.create(
            initiative=figures.alpha, code=code, name=f"Ward {code}", level="ward", parent=north
        )
        figures.alpha.participations.filter(organisation=org).update(area=ward)
    Indicator.objects.create(
        initiative=figures.alpha,
        code="reach",
        name="Reach index",
        kind=Indicator.COMPOSITE,
        value_type=Indicator.SCORE,
        decimals=3,
        sort_order=100,
        composite={
            "aggregation": "arithmetic",
            "components": [
                {"indicator": "enrolled", "normalisation": "goalposts", "lower": 0, "upper": 5000},
                {"indicator": "job_starts", "normalisation": "min_max"},
            ],
        },
    )
    return figures


def _leaks(text: str) -> list[str]:
    found = numbers_in(text)
    problems = []
    if SMALL in found:
        problems.append("B's small figure")
    if "org-b" in text:
        problems.append("B's code")
    if B_FEBRUARY in found and "Organisation B" in text:
        problems.append("B's name beside its figure")
    return problems


@pytest.mark.parametrize("named", [False, True], ids=["anonymised", "named"])
@pytest.mark.parametrize("viewer", PEERS)
def test_every_linked_explanation_keeps_the_disclosure_rules(areas, client_for, viewer, named):
    _published(areas)
    if named:
        areas.alpha.participations.filter(organisation=areas.org_b).update(named_in_benchmarks=True)
    client = client_for(viewer)
    pages = PAGES + [
        "/i/alpha/indicators/enrolled/?by=area",
        "/i/alpha/indicators/enrolled/?by=area:ward&period=2024-01",
        "/i/alpha/indicators/reach/?by=organisation&period=2024-01",
        "/i/alpha/indicators/reach/?by=period",
        "/i/alpha/explore/?indicator=enrolled&rows=area&cols=period",
    ]
    links, problems = set(), []
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            continue  # a page the viewer may not open
        found = _links(response.content.decode())
        if not named:
            problems += [f"{url} links to B by code: {x}" for x in found if "org-b" in x]
        links |= found
    assert len(links) > (5 if viewer == "anonymous" else 15), links
    for link in sorted(links):
        page = client.get(link)
        assert page.status_code in (200, 400), (link, page.status_code)
        text = page.content.decode()
        for problem in _leaks(text):
            if named and problem != "B's small figure":
                continue  # a named B may appear with its figure
            problems.append(f"{viewer} sees {problem} on {link}")
    assert problems == []


@pytest.mark.parametrize("viewer", PEERS)
def test_a_composites_scores_and_an_areas_placements_give_nothing_hidden_away(
    areas, client_for, viewer
):
    _published(areas)
    client = client_for(viewer)
    asked = [
        {"indicator": "reach", "by": "period", "key": "2024-01"},
        {"indicator": "reach", "by": "organisation", "key": _b_key(areas, viewer)},
        {"indicator": "reach", "by": "area", "key": "w2", "period": "2024-01"},
        {"indicator": "enrolled", "by": "area", "key": "w2", "period": "2024-01"},
        {"indicator": "enrolled", "by": "area", "key": "north", "period": "2024-01"},
    ]
    for params in asked:
        found = client.get("/api/v1/initiatives/alpha/explain", params)
        assert found.status_code == 200, (params, found.content)
        body = found.content.decode()
        assert SMALL not in numbers_in(body) and "org-b" not in body, (viewer, params)
        e = json.loads(body)
        for c in e["components"]:
            if c["suppressed"]:  # a hidden figure's score would give it away
                assert c["normalised"] is None and c["contribution"] is None, (params, c)
        if any(c["suppressed"] for c in e["components"]):
            assert e["recomputed"] is None, params
        for p in e["parts"]:  # an anonymised organisation's placement could name it
            if p["key"] == p["label"]:  # shown under its pseudonym
                assert p["area"] is None, (viewer, params, p)
        page = client.get("/i/alpha/explain/", params).content.decode()
        assert SMALL not in numbers_in(page), (viewer, params)
    if viewer != "alice":
        return
    # January: the community's 2,777 enrolled less alice's own 2,000 would give B's 777
    # away, so it is hidden from her, and with it the score of enrolled (2777/5000 = 0.5554)
    # and the composite worked out from it.
    jan = client.get("/api/v1/initiatives/alpha/explain", asked[0]).json()
    enrolled = next(c for c in jan["components"] if c["indicator"] == "enrolled")
    assert enrolled["suppressed"] and enrolled["normalised"] is None
    assert "0.5554" not in json.dumps(jan) and jan["recomputed"] is None


def test_a_composite_is_hidden_where_a_component_is(areas, client_for):
    """January, for alice: the composite is 0.5 × 2777/5000 + 0.5 × 0 (job starts scored by
    min-max over the two months, January the lower), so showing it would give the hidden
    community total of 2,777 enrolled away, and with it B's 777."""
    _published(areas)
    client = client_for("alice")
    params = {"indicator": "reach", "by": "period", "key": "2024-01"}
    jan = client.get("/api/v1/initiatives/alpha/explain", params).json()
    assert jan["suppressed"] and jan["figure"] is None
    rows = client.get(
        "/api/v1/initiatives/alpha/query", {"indicator": "reach", "by": "period"}
    ).json()
    assert "0.2777" not in json.dumps(rows)
    page = client.get("/i/alpha/indicators/reach/").content.decode()
    assert "0.2777" not in page and "0.278" not in page
    backbone = client_for("backbone").get("/api/v1/initiatives/alpha/explain", params).json()
    assert backbone["figure"] == 0.2777  # the backbone sees it
