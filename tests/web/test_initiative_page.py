"""The initiative home: common agenda, indicators, members and headline progress."""

from __future__ import annotations

import pytest

from .conftest import publish, spec_from


@pytest.mark.parametrize("name", ["alice", "bob", "backbone"])
def test_members_see_the_common_agenda_indicators_and_members(client_for, name):
    response = client_for(name).get("/i/alpha/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Test vision for alpha." in html
    assert "People find work" in html  # a goal
    assert "People enrolled" in html and "Hourly wage" in html  # indicators
    assert "Organisation A" in html and "Organisation B" in html  # members
    assert "GB-CHC-1000001" in html  # an identifier


@pytest.mark.parametrize("name", ["outsider", "carol", "anonymous"])
def test_outsider_gets_404_for_unpublished_initiative(client_for, name):
    assert client_for(name).get("/i/alpha/").status_code == 404


def test_unknown_initiative_is_404(client_for):
    assert client_for("backbone").get("/i/nope/").status_code == 404


@pytest.mark.parametrize("name", ["anonymous", "outsider", "carol"])
def test_anyone_sees_a_published_initiative(cast, client_for, name):
    publish(cast.alpha)
    response = client_for(name).get("/i/alpha/")
    assert response.status_code == 200
    assert "Alpha Partnership" in response.content.decode()


def test_headline_shows_latest_approved_value_change_and_sparkline(data, client_for, import_csv):
    # March approved for both: A 20, B 10 = 30; January was 15 (February is only a draft).
    text = "organisation,indicator,period,value\norg-a,enrolled,2024-03,20\norg-b,enrolled,2024-03,10\n"
    assert import_csv(data.alpha, text, approve=True, user=data.backbone).errors == []
    html = client_for("alice").get("/i/alpha/").content.decode()
    card = html.split('data-indicator="enrolled"', 1)[1].split("</a>", 1)[0]
    assert ">30" in card
    assert "15 (100.0%) on 2024-01" in card
    assert "verdict-good" in html.split('data-indicator="enrolled"', 1)[0].rsplit("<a", 1)[1]
    spark = spec_from(html, "spark-1")
    assert [point["value"] for point in spark["data"]["values"]] == [15, 30]


def test_headline_colours_a_fall_by_polarity(data, client_for, import_csv):
    from commonmeasure.initiatives.models import Indicator

    Indicator.objects.filter(initiative=data.alpha, code="enrolled").update(polarity="lower")
    text = (
        "organisation,indicator,period,value\norg-a,enrolled,2024-03,1\norg-b,enrolled,2024-03,1\n"
    )
    assert import_csv(data.alpha, text, approve=True, user=data.backbone).errors == []
    # The backbone: 2 people is below the small-number threshold, so members see it suppressed.
    html = client_for("backbone").get("/i/alpha/").content.decode()
    opening = html.split('data-indicator="enrolled"', 1)[0].rsplit("<a", 1)[1]
    assert "verdict-good" in opening  # lower is better, and it fell from 15 to 2
    assert "▼" in html.split('data-indicator="enrolled"', 1)[1].split("</a>", 1)[0]


def test_headline_suppresses_a_small_community_figure_and_its_change_for_members(
    data, client_for, import_csv
):
    text = (
        "organisation,indicator,period,value\norg-a,enrolled,2024-03,1\norg-b,enrolled,2024-03,1\n"
    )
    assert import_csv(data.alpha, text, approve=True, user=data.backbone).errors == []
    html = client_for("alice").get("/i/alpha/").content.decode()
    card = html.split('data-indicator="enrolled"', 1)[1].split("</a>", 1)[0]
    assert "suppressed" in card and "▼" not in card and "on 2024-01" not in card
    spark = spec_from(html, "spark-1")
    assert [point["period"] for point in spark["data"]["values"]] == ["2024-01"]  # not March


def test_headline_never_counts_unapproved_values(data, client_for):
    html = client_for("backbone").get("/i/alpha/").content.decode()
    card = html.split('data-indicator="enrolled"', 1)[1].split("</a>", 1)[0]
    assert ">15" in card  # January, approved
    assert "987,654" not in card and "987,661" not in card  # B's February draft


def test_reporter_sees_a_link_to_report_for_their_own_organisation_only(client_for):
    html = client_for("alice").get("/i/alpha/").content.decode()
    assert "/i/alpha/orgs/org-a/report/" in html
    assert "/i/alpha/orgs/org-b/report/" not in html
    assert "/i/alpha/reports/" not in html


def test_backbone_sees_the_reports_link(client_for):
    assert "/i/alpha/reports/" in client_for("backbone").get("/i/alpha/").content.decode()


def test_the_indicator_dictionary_names_each_indicators_goal(data, client_for):
    html = client_for("alice").get("/i/alpha/").content.decode()
    dictionary = html.split('id="indicators"', 1)[1]
    assert "enrolled · goal People find work" in dictionary
    assert "goal G1" not in dictionary
