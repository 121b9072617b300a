"""GET /initiatives, /initiatives/{code}, /indicators and /indicators/{ind} for the standard cast."""

from __future__ import annotations

import pytest

from commonmeasure.reporting.initiative_file import dump_definition

from .helpers import publish

READ_PATHS = [
    "/initiatives/alpha",
    "/initiatives/alpha/indicators",
    "/initiatives/alpha/indicators/enrolled",
]


@pytest.mark.parametrize(
    "who, how, expected",
    [
        ("alice", "session", [("alpha", "member")]),
        ("bob", "token", [("alpha", "member")]),
        ("carol", "session", [("beta", "member")]),
        ("backbone", "session", [("alpha", "backbone")]),
        ("backbone", "token", [("alpha", "backbone")]),
        ("outsider", "session", []),
        (None, "anonymous", []),
    ],
)
def test_initiative_list_shows_only_the_initiatives_the_caller_belongs_to(as_, who, how, expected):
    response = as_(who, how).get("/initiatives")
    assert response.status_code == 200
    assert [(i["code"], i["access"]) for i in response.json()] == expected


@pytest.mark.parametrize(
    "who, how", [("outsider", "session"), (None, "anonymous"), ("carol", "token")]
)
def test_a_published_initiative_is_listed_for_everyone(as_, cast, who, how):
    publish(cast.alpha)
    listed = {i["code"]: i["access"] for i in as_(who, how).get("/initiatives").json()}
    assert listed["alpha"] == "public"


def test_a_revoked_token_cannot_list_initiatives(as_):
    assert as_("alice", "revoked").get("/initiatives").status_code == 401


@pytest.mark.parametrize("path", READ_PATHS)
@pytest.mark.parametrize(
    "who, how", [("alice", "session"), ("bob", "token"), ("backbone", "session")]
)
def test_members_can_read_the_definition_and_indicators(as_, path, who, how):
    assert as_(who, how).get(path).status_code == 200


@pytest.mark.parametrize("path", READ_PATHS)
@pytest.mark.parametrize(
    "who, how", [("carol", "session"), ("outsider", "token"), (None, "anonymous")]
)
def test_non_members_get_404_for_an_unpublished_initiative(as_, path, who, how):
    response = as_(who, how).get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such initiative"}


@pytest.mark.parametrize("path", READ_PATHS)
def test_a_revoked_token_cannot_read_the_definition(as_, path):
    assert as_("alice", "revoked").get(path).status_code == 401


@pytest.mark.parametrize("path", READ_PATHS)
@pytest.mark.parametrize("who, how", [("outsider", "session"), (None, "anonymous")])
def test_anyone_can_read_a_published_initiatives_definition(as_, cast, path, who, how):
    publish(cast.alpha)
    publish(cast.alpha.indicators.get(code="enrolled"))  # only ticked indicators are public
    assert as_(who, how).get(path).status_code == 200


def test_the_definition_is_the_dumped_definition_with_ids(as_, cast):
    data = as_("alice").get("/initiatives/alpha").json()
    dumped = dump_definition(cast.alpha)
    assert data["goals"] == [{"code": "G1", "name": "People find work", "description": ""}]
    assert [d["code"] for d in data["dimensions"]] == ["gender", "age_band"]
    assert data["dimensions"][0]["categories"] == [
        {"code": "female", "name": "Female"},
        {"code": "male", "name": "Male"},
    ]
    assert {o["code"]: o["id"] for o in data["organisations"]} == {
        "org-a": cast.org_a.id,
        "org-b": cast.org_b.id,
    }
    ids = dict(cast.alpha.indicators.values_list("code", "id"))
    assert {i["code"]: i["id"] for i in data["indicators"]} == ids
    for ours, theirs in zip(data["indicators"], dumped["indicators"], strict=True):
        assert {k: v for k, v in ours.items() if k != "id"} == theirs
    assert {
        k: data[k]
        for k in ("code", "name", "vision", "reporting_frequency", "fy_first_month", "published")
    } == {
        k: dumped[k]
        for k in ("code", "name", "vision", "reporting_frequency", "fy_first_month", "published")
    }


def test_indicators_are_listed_in_the_initiatives_order(as_):
    codes = [i["code"] for i in as_("alice").get("/initiatives/alpha/indicators").json()]
    assert codes == ["enrolled", "job_starts", "caseload", "start_rate", "satisfaction", "wage"]


def test_one_indicator_has_its_rules_and_dimensions(as_):
    ind = as_("bob").get("/initiatives/alpha/indicators/start_rate").json()
    assert ind["aggregation"] == "weighted_mean" and ind["weight_indicator"] == "enrolled"
    assert ind["time_aggregation"] == "mean" and ind["value_type"] == "percentage"
    assert as_("bob").get("/initiatives/alpha/indicators/enrolled").json()["dimensions"] == [
        "gender",
        "age_band",
    ]


def test_an_unknown_indicator_is_404_naming_it(as_):
    response = as_("alice").get("/initiatives/alpha/indicators/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": "No indicator 'nope' in initiative alpha."}


def test_an_unknown_initiative_is_404(as_):
    assert as_("backbone").get("/initiatives/nope").status_code == 404
