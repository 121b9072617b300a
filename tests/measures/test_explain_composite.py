"""Explanations of composite indicators (docs/reference/explain.md,
composite-indicators.md): each component's raw figure, its normalised score and its weight, and
the composite worked out again from them, on the service, the page, the API and the command
line."""

from __future__ import annotations

import json

import pytest

from commonmeasure.insights.explain import explain

from .conftest import ind


def _parts(e):
    return {
        c.indicator: (c.value, c.normalisation, c.normalised, c.weight, c.contribution)
        for c in e.components
    }


def test_a_composite_lists_each_components_figure_score_and_weight(towns):
    e = explain(towns, ind(towns, "quality"), "organisation", "p1")
    assert (e.figure, e.combines, e.aggregation) == (0.6625, "components", "arithmetic")
    assert _parts(e) == {
        "satisfaction": (70, "goalposts", 0.7, 0.5, 0.35),
        "sustain_rate": (50, "distance_to_target", 0.625, 0.5, 0.3125),
    }
    assert e.recomputed == e.figure


def test_a_composite_by_area_is_recomputed_from_the_areas_components(towns):
    e = explain(towns, ind(towns, "quality"), "area", "w1")
    assert e.figure == 0.9 and e.recomputed == 0.9
    scores = {c.indicator: c.normalised for c in e.components}
    assert scores == {"satisfaction": 0.8, "sustain_rate": 1}  # 83.3% capped to 1


def test_a_composite_with_no_value_says_why(towns):
    e = explain(towns, ind(towns, "quality"), "organisation", "p3")
    assert e.figure is None and e.recomputed is None
    assert e.reason == "no value for sustain_rate"


@pytest.fixture
def backbone_client(towns, django_user_model, client_for):
    from commonmeasure.initiatives.models import Membership

    user = django_user_model.objects.create_user("towns-admin", password="x")
    Membership.objects.create(user=user, initiative=towns, role=Membership.BACKBONE_ADMIN)
    return client_for(user)


def test_the_page_the_api_and_the_command_line_show_the_scores_and_weights(
    towns, backbone_client, cli
):
    params = {"indicator": "quality", "by": "organisation", "key": "p1"}
    api = backbone_client.get(f"/api/v1/initiatives/{towns.code}/explain", params)
    assert api.status_code == 200, api.content
    found = api.json()
    assert found["recomputed"] == found["figure"] == 0.6625
    assert {c["indicator"]: c["normalised"] for c in found["components"]} == {
        "satisfaction": 0.7,
        "sustain_rate": 0.625,
    }
    assert {c["weight"] for c in found["components"]} == {0.5}
    page = backbone_client.get(f"/i/{towns.code}/explain/", params).content.decode()
    assert 'id="explain-composite"' in page
    for cell in (
        "<td>0.625</td><td>0.5</td><td>0.3125</td>",
        "<td>0.7</td><td>0.5</td><td>0.35</td>",
    ):
        assert cell in page, cell
    assert "from the scores and weights: 0.35 + 0.3125 = 0.6625." in page
    code, out, err = cli(
        "query", "--initiative", towns.code, "--indicator", "quality", "--by", "organisation",
        "--key", "p1", "--explain",
    )  # fmt: skip
    assert code == 0, err
    assert "score 0.625 × weight 0.5 = 0.3125" in out
    from pathlib import Path

    docs = Path(__file__).parents[2] / "docs" / "reference" / "explain.md"
    block = docs.read_text().split("## Composite worked example", 1)[1].split("```\n", 2)[1]
    assert block in out  # the worked example of the docs is what the command prints
    assert "Worked out again: 0.35 + 0.3125 = 0.6625" in out
    code, out, err = cli(
        "query", "--initiative", towns.code, "--indicator", "quality", "--by", "organisation",
        "--key", "p1", "--explain", "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out) == found
