"""`commonmeasure query --by area` and the API's query by area give the same figures."""

import json

from django.test import Client

from commonmeasure.initiatives.users import add_user
from tests.conftest import PASSWORD


def test_cli_query_by_area_level_prints_the_area_totals(towns, cli):
    code, out, _ = cli(
        "query", "--initiative", "towns", "--indicator", "people", "--by", "area:borough", "--json"
    )
    assert code == 0
    assert json.loads(out) == [
        {"key": "b1", "value": 35, "suppressed": False, "provisional": False},
        {"key": "b2", "value": 8, "suppressed": False, "provisional": False},
    ]


def test_cli_query_by_an_unknown_area_level_says_which_levels_exist(towns, cli):
    code, _, err = cli("query", "--initiative", "towns", "--indicator", "people", "--by", "area:x")
    assert code != 0 and "area:ward" in err


def test_api_query_by_area_matches_the_cli_for_a_formula_indicator(towns, cli):
    args = ["--initiative", "towns", "--indicator", "sustain_rate", "--by", "area", "--json"]
    code, out, _ = cli("query", *args)
    assert code == 0
    add_user("towns-admin", password=PASSWORD, initiative_code="towns", role="backbone_admin")
    client = Client()
    client.login(username="towns-admin", password=PASSWORD)
    response = client.get(
        "/api/v1/initiatives/towns/query", {"indicator": "sustain_rate", "by": "area"}
    )
    assert response.status_code == 200
    assert response.json() == json.loads(out)
    assert {r["key"] for r in response.json()} == {"w1", "w2", "b1", "north"}
