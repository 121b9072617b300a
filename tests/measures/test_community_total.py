"""One community total: for an indicator whose providers overlap in areas, the initiative-level
figure (by period, headline, dashboard, API, CLI) is the de-duplicated one, the top of the area
tree plus any organisation placed in no area (docs/reference/areas.md, "The initiative's
figure")."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from commonmeasure.domain import periods
from commonmeasure.initiatives.models import Participation
from commonmeasure.initiatives.users import add_user
from commonmeasure.measures.selectors import query
from tests.conftest import PASSWORD

from .conftest import as_dict, ind


def top_area(towns, code: str, period_type: str, key: str):
    within = periods.parse(key, period_type, towns.fy_first_month)
    return as_dict(query(towns, ind(towns, code), "area", within=within))["north"]


@pytest.mark.parametrize("code", ["people", "visits"])
@pytest.mark.parametrize("period_type", ["month", "quarter", "year", "financial-year"])
def test_the_initiative_total_by_period_is_the_top_area_of_the_tree(towns, code, period_type):
    totals = as_dict(query(towns, ind(towns, code), "period", period_type))
    assert totals, "no figures to compare"
    for key, value in totals.items():
        assert value == top_area(towns, code, period_type, key), key


def test_the_worked_figures_of_the_area_page(towns):
    people = as_dict(query(towns, ind(towns, "people"), "period"))
    assert people == {"2024-01": 10 + 5 + 7 + 4 - 3, "2024-02": 12 + 6 + 4 - 2}
    assert as_dict(query(towns, ind(towns, "people"), "period", "year")) == {"2024": 43}
    # Home visits, full overlap: the largest provider in w1 (30), not 30 + 20.
    assert as_dict(query(towns, ind(towns, "visits"), "period")) == {"2024-01": 30 + 15}


def test_a_range_cutting_a_period_counts_only_its_part(towns):
    quarter = as_dict(
        query(towns, ind(towns, "people"), "period", "quarter", within=periods.month(2024, 1))
    )
    assert quarter == {"2024-Q1": 23} and top_area(towns, "people", "month", "2024-01") == 23


def test_an_organisation_placed_in_no_area_is_added_as_it_is(towns):
    Participation.objects.filter(initiative=towns, organisation__code="p4").update(area=None)
    by_area = as_dict(query(towns, ind(towns, "people"), "area", "year"))
    assert by_area["north"] == 35  # p4's 8 is in no area now
    assert as_dict(query(towns, ind(towns, "people"), "period", "year")) == {"2024": 35 + 8}


def test_a_restricted_total_matches_the_restricted_areas(towns):
    p1 = towns.organisations.get(code="p1")
    restricted = query(towns, ind(towns, "people"), "period", "year", organisation_ids=[p1.id])
    assert as_dict(restricted) == {"2024": 22}  # no adjustment: p2, in the same ward, is not seen


def test_an_indicator_without_overlap_is_the_plain_sum(towns):
    assert as_dict(query(towns, ind(towns, "started"), "period")) == {"2024-01": 12}


def test_the_raw_aggregation_agrees_with_the_rollups(towns):
    people = ind(towns, "people")
    for period_type in ("month", "year"):
        assert query(towns, people, "period", period_type) == query(
            towns, people, "period", period_type, from_rollups=False
        )


def test_the_cli_and_the_api_give_the_de_duplicated_total(towns, cli):
    code, out, _ = cli(
        "query", "--initiative", "towns", "--indicator", "people", "--by", "period", "--json",
        "--period-type", "year",
    )  # fmt: skip
    rows = json.loads(out)
    assert code == 0 and [(r["key"], r["value"]) for r in rows] == [("2024", 43)]
    add_user("towns-admin", password=PASSWORD, initiative_code="towns", role="backbone_admin")
    client = Client()
    client.login(username="towns-admin", password=PASSWORD)
    response = client.get(
        "/api/v1/initiatives/towns/query",
        {"indicator": "people", "by": "period", "period_type": "year"},
    )
    assert response.status_code == 200 and response.json() == json.loads(out)


def _backbone_client(towns) -> Client:
    add_user("towns-admin", password=PASSWORD, initiative_code="towns", role="backbone_admin")
    client = Client()
    client.login(username="towns-admin", password=PASSWORD)
    return client


def _value_after(html: str, name: str, marker: str) -> str:
    part = html[html.index(name) :]
    part = part[part.index(marker) + len(marker) :]
    return part[part.index(">") + 1 : part.index("<")].strip()


def test_the_headline_and_the_dashboard_show_the_de_duplicated_figure(towns):
    client = _backbone_client(towns)
    # February: 12 + 6 + 4 - 2 = 20 (3 of the 4 organisations reported), not the plain 22.
    home = client.get(reverse("initiative", args=["towns"])).content.decode()
    assert _value_after(home, "People supported", 'class="headline-value"') == "20"
    dashboard = client.get(reverse("insights:dashboard", args=["towns"])).content.decode()
    assert _value_after(dashboard, "People supported", 'class="headline-value"') == "20"


def test_the_indicator_page_says_how_the_community_figure_is_made(towns):
    client = _backbone_client(towns)
    html = client.get(reverse("indicator", args=["towns", "people"])).content.decode()
    note = html[html.index('id="community-note"') :]
    assert "reported 48 in all" in note and "changes that by -5" in note
    assert 'id="community-placed"' in note and "43" in note


def test_where_an_organisation_is_in_no_area_the_page_shows_both_figures(towns):
    Participation.objects.filter(initiative=towns, organisation__code="p4").update(area=None)
    client = _backbone_client(towns)
    html = client.get(
        reverse("indicator", args=["towns", "people"]), {"by": "area", "period_type": "year"}
    ).content.decode()
    note = html[html.index('id="community-unplaced"') :]
    assert "The areas add up to 35" in note and "1 organisation is placed in no area" in note
    assert "its 8 cannot be de-duplicated" in note and "community figure 43" in note
    assert "Provider Four" in note  # named for the backbone, who can place it
