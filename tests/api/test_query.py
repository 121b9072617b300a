"""GET /initiatives/{code}/query: the same aggregation as `commonmeasure query --json`."""

from __future__ import annotations

import json

import pytest

from .helpers import publish

Q = "/initiatives/alpha/query"


@pytest.mark.parametrize(
    "indicator, by, period_type, period",
    [
        ("enrolled", "period", None, None),
        ("enrolled", "period", "quarter", None),
        ("enrolled", "period", "financial-year", None),
        ("enrolled", "organisation", None, None),
        ("enrolled", "gender", None, None),
        ("job_starts", "organisation", None, "2024-Q1"),
        ("enrolled", "period", "year", "2023-24"),
    ],
)
def test_query_endpoint_matches_cli_json(reported, as_, cli, indicator, by, period_type, period):
    args = ["query", "--initiative", "alpha", "--indicator", indicator, "--by", by, "--json"]
    args += ["--as", "alice"]  # the same viewer, so the same disclosure
    params = {"indicator": indicator, "by": by}
    if period_type:
        args += ["--period-type", period_type]
        params["period_type"] = period_type
    if period:
        args += ["--period", period]
        params["period"] = period
    code, out, _ = cli(*args)
    assert code == 0
    response = as_("alice").get(Q, **params)
    assert response.status_code == 200
    assert response.json() == json.loads(out)
    assert response.json(), "the fixture should give something to compare"


def test_query_counts_only_approved_values(reported, as_):
    # February is still in draft: only January (10 + 5) counts.
    assert as_("alice").get(Q, indicator="enrolled", by="period").json() == [
        {"key": "2024-01", "value": 15, "suppressed": False, "provisional": False}
    ]


def test_query_by_dimension_gives_each_category(reported, as_):
    rows = as_("backbone", "token").get(Q, indicator="enrolled", by="gender").json()
    assert rows == [
        {"key": "female", "value": 6, "suppressed": False, "provisional": False},
        {"key": "male", "value": 4, "suppressed": False, "provisional": False},
    ]


def test_query_by_dimension_suppresses_small_figures_for_members(reported, as_):
    # 4 men is below the threshold of 5; female goes too, or the total 10 would give it away.
    rows = as_("bob", "token").get(Q, indicator="enrolled", by="gender").json()
    assert rows == [
        {"key": "female", "value": None, "suppressed": True, "provisional": False},
        {"key": "male", "value": None, "suppressed": True, "provisional": False},
    ]


def test_the_backbone_sees_every_organisations_approved_totals_by_name(reported, as_):
    rows = as_("backbone").get(Q, indicator="enrolled", by="organisation").json()
    assert rows == [
        {"key": "org-a", "value": 10, "suppressed": False, "provisional": False},
        {"key": "org-b", "value": 5, "suppressed": False, "provisional": False},
    ]


@pytest.mark.parametrize(
    "who, own, other", [("alice", "org-a", "org-b"), ("bob", "org-b", "org-a")]
)
def test_members_see_their_own_total_by_name_and_the_others_under_a_pseudonym(
    reported, as_, who, own, other
):
    from commonmeasure.disclosure import viewer_for
    from commonmeasure.initiatives.access import access_for

    viewer = viewer_for(reported.alpha, access_for(getattr(reported, who), reported.alpha))
    rows = as_(who, "token").get(Q, indicator="enrolled", by="organisation").json()
    values = {"org-a": 10, "org-b": 5}
    assert {r["key"]: r["value"] for r in rows} == {
        own: values[own],
        viewer.label(other): values[other],
    }
    assert viewer.label(other).startswith("Organisation ") and other not in str(rows)


@pytest.mark.parametrize(
    "who, how", [("carol", "session"), ("outsider", "token"), (None, "anonymous")]
)
def test_non_members_cannot_query_an_unpublished_initiative(reported, as_, who, how):
    assert as_(who, how).get(Q, indicator="enrolled", by="period").status_code == 404


def test_a_revoked_token_cannot_query(reported, as_):
    assert as_("alice", "revoked").get(Q, indicator="enrolled", by="period").status_code == 401


@pytest.mark.parametrize("who, how", [("outsider", "session"), (None, "anonymous")])
def test_anyone_can_query_a_published_initiatives_approved_values(reported, as_, who, how):
    publish(reported.alpha)
    publish(reported.alpha.indicators.get(code="enrolled"))  # only ticked indicators are public
    assert as_(who, how).get(Q, indicator="enrolled", by="period").json() == [
        {"key": "2024-01", "value": 15, "suppressed": False, "provisional": False}
    ]


def test_an_unknown_indicator_is_a_400_naming_the_parameter(reported, as_):
    response = as_("alice").get(Q, indicator="nope", by="period")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "indicator: no indicator 'nope' in alpha (known: enrolled, "
    )


def test_an_unknown_by_is_a_400_listing_the_choices(reported, as_):
    response = as_("alice").get(Q, indicator="job_starts", by="age_band")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "indicator job_starts cannot be shown by 'age_band'; use one of period, organisation, gender"
    }


def test_an_unknown_period_type_is_a_422_naming_the_field(reported, as_):
    response = as_("alice").get(Q, indicator="enrolled", by="period", period_type="fortnight")
    assert response.status_code == 422
    body = response.json()
    assert [e["field"] for e in body["errors"]] == ["query.period_type"]
    assert "query.period_type" in body["detail"]


def test_a_missing_indicator_is_a_422_naming_the_field(reported, as_):
    response = as_("alice").get(Q, by="period")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["query.indicator"]


def test_an_unreadable_period_is_a_400_naming_the_parameter(reported, as_):
    response = as_("alice").get(Q, indicator="enrolled", by="period", period="March 2024")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("period: ")


def test_a_period_type_finer_than_the_reporting_frequency_is_a_400(reported, as_):
    response = as_("carol").get(
        "/initiatives/beta/query", indicator="enrolled", by="period", period_type="month"
    )
    assert response.status_code == 400
    assert "cannot show quarterly data by month" in response.json()["detail"]
