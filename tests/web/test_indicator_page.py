"""The indicator page: a chart and a table of the same approved numbers, by period,
organisation or dimension, for each period type at least as long as the reporting frequency."""

from __future__ import annotations

import re
from html import unescape as html_unescape

import pytest

from .conftest import publish, spec_from, table_rows

URL = "/i/alpha/indicators/enrolled/"


def test_chart_and_table_show_the_same_approved_numbers_per_period(data, client_for):
    html = client_for("alice").get(URL).content.decode()
    assert 'class="chart main-chart"' in html and 'data-spec-id="spec-main"' in html
    spec = spec_from(html)
    explain = "/i/alpha/explain/?indicator=enrolled&by=period&key=2024-01&period_type=month"
    assert spec["data"]["values"] == [
        {"period": "2024-01", "value": 15, "explain": explain, "provisional": False}
    ]
    assert table_rows(html, "numbers") == [["2024-01", "15"]]


def test_drafts_never_appear_on_the_indicator_page(data, client_for):
    for name in ("alice", "backbone"):
        html = client_for(name).get(URL).content.decode()
        assert "2024-02" not in str(spec_from(html))
        assert all(row[0] != "2024-02" for row in table_rows(html, "numbers"))


def test_indicator_page_by_organisation_shows_each_organisations_approved_value(data, client_for):
    html = client_for("backbone").get(URL + "?by=organisation").content.decode()
    values = {v["label"]: v["value"] for v in spec_from(html)["data"]["values"]}
    assert values == {"Organisation A": 10, "Organisation B": 5}
    assert table_rows(html, "numbers") == [["Organisation A", "10"], ["Organisation B", "5"]]


def test_a_reporter_sees_peers_anonymised_on_the_indicator_page_unless_they_opted_in(
    data, client_for
):
    html = client_for("bob").get(URL + "?by=organisation").content.decode()
    values = {v["label"]: v["value"] for v in spec_from(html)["data"]["values"]}
    assert values.pop("Organisation B") == 5  # its own, named
    ((label, value),) = values.items()
    assert value == 10 and label.startswith("Organisation ") and label != "Organisation A"
    assert "Organisation A" not in html
    from commonmeasure.backbone.services import set_named
    from commonmeasure.initiatives.models import Participation

    # As the members page does it (a bare QuerySet.update() would not tell the figure cache).
    set_named(Participation.objects.get(organisation__code="org-a"), True, by=data.backbone)
    html = client_for("bob").get(URL + "?by=organisation").content.decode()
    assert {v["label"] for v in spec_from(html)["data"]["values"]} == {
        "Organisation A",
        "Organisation B",
    }


def test_cells_of_fewer_people_than_the_threshold_are_hidden_from_other_organisations(
    data, client_for
):
    data.alpha.small_number_threshold = 6  # org B's 5 people are now too few to show to others
    data.alpha.save()
    html = client_for("alice").get(URL + "?by=organisation").content.decode()
    assert [v["value"] for v in spec_from(html)["data"]["values"]] == [10]
    assert ["1 organisation not shown", "fewer than 6 people"] in table_rows(html, "numbers")
    own = client_for("bob").get(URL + "?by=organisation").content.decode()
    assert {v["label"]: v["value"] for v in spec_from(own)["data"]["values"]}["Organisation B"] == 5


def test_indicator_page_by_dimension_stacks_categories_per_period(data, client_for):
    html = client_for("backbone").get(URL + "?by=gender").content.decode()
    points = {(v["period"], v["category"]): v["value"] for v in spec_from(html)["data"]["values"]}
    assert points == {("2024-01", "Female"): 11, ("2024-01", "Male"): 4}
    assert table_rows(html, "numbers") == [["2024-01", "11", "4"]]


def test_indicator_page_by_dimension_within_one_period_shows_bars(data, client_for):
    html = client_for("backbone").get(URL + "?by=gender&period_type=year&period=2024")
    values = {v["label"]: v["value"] for v in spec_from(html.content.decode())["data"]["values"]}
    assert values == {"Female": 11, "Male": 4}


def test_indicator_page_by_dimension_suppresses_small_community_figures_for_members(
    data, client_for
):
    # 4 men is below the threshold of 5; female 11 goes too, or total 15 minus it would show 4.
    html = client_for("alice").get(URL + "?by=gender").content.decode()
    assert table_rows(html, "numbers") == [["2024-01", "suppressed", "suppressed"]]


def test_period_type_selector_aggregates_by_the_chosen_period(data, client_for, import_csv):
    text = "organisation,indicator,period,value\norg-a,enrolled,2024-03,20\n"
    assert import_csv(data.alpha, text, approve=True, user=data.backbone).errors == []
    html = client_for("alice").get(URL + "?period_type=quarter").content.decode()
    # February has no approved report, so the quarter is still being reported.
    explain = "/i/alpha/explain/?indicator=enrolled&by=period&key=2024-Q1&period_type=quarter"
    assert spec_from(html)["data"]["values"] == [
        {
            "period": "2024-Q1",
            "value": 35,
            "explain": explain,
            "provisional": True,
            "status": "provisional",
        }
    ]
    assert table_rows(html, "numbers") == [["2024-Q1 (provisional)", "35"]]


def test_period_types_offered_are_at_least_as_long_as_the_reporting_frequency(cast, client_for):
    html = client_for("carol").get("/i/beta/indicators/enrolled/").content.decode()
    options = html.split('id="select-period-type"', 1)[1].split("</select>", 1)[0]
    assert (
        'value="quarter"' in options
        and 'value="year"' in options
        and 'value="financial-year"' in options
    )
    assert 'value="month"' not in options


def test_by_selector_lists_only_the_dimensions_the_indicator_allows(cast, client_for):
    html = client_for("alice").get("/i/alpha/indicators/job_starts/").content.decode()
    options = html.split('id="select-by"', 1)[1].split("</select>", 1)[0]
    assert 'value="gender"' in options and 'value="age_band"' not in options


def test_an_unknown_by_or_period_type_falls_back_to_the_default(data, client_for):
    html = client_for("alice").get(URL + "?by=colour&period_type=decade").content.decode()
    assert [(p["period"], p["value"]) for p in spec_from(html)["data"]["values"]] == [
        ("2024-01", 15)
    ]


def test_htmx_request_for_the_panel_returns_only_the_panel(data, client_for):
    response = client_for("alice").get(
        URL + "?by=organisation", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="chart-panel"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="chart-panel"')
    assert "<html" not in html
    assert spec_from(html)["data"]["values"]


def test_indicator_without_data_says_so(cast, client_for):
    html = client_for("alice").get(URL).content.decode()
    assert "No approved data" in html


@pytest.mark.parametrize("name", ["outsider", "carol", "anonymous"])
def test_outsider_gets_404_for_an_indicator_of_an_unpublished_initiative(data, client_for, name):
    assert client_for(name).get(URL).status_code == 404


@pytest.mark.parametrize("name", ["anonymous", "outsider", "carol"])
def test_published_indicator_shows_approved_data_to_everyone(data, client_for, name):
    publish(data.alpha)
    publish(data.alpha.indicators.get(code="enrolled"))  # only ticked indicators are public
    html = client_for(name).get(URL + "?by=organisation").content.decode()
    # Approved figures for everyone; organisations that did not opt in are anonymised.
    rows = table_rows(html, "numbers")
    assert [value for _, value in rows] == ["10", "5"]
    assert all(label.startswith("Organisation ") for label, _ in rows)
    assert "Organisation A" not in html and "Organisation B" not in html
    assert "987654" not in str(spec_from(html))
    assert "987,654" not in html


def test_unknown_indicator_is_404(cast, client_for):
    assert client_for("alice").get("/i/alpha/indicators/nope/").status_code == 404


def test_a_dimension_over_time_draws_at_most_the_latest_twelve_periods(
    cast, client_for, import_csv
):
    rows = [f"org-a,job_starts,2023-{m:02d},{m},female" for m in range(1, 13)]
    rows += [f"org-a,job_starts,2024-{m:02d},{100 + m},female" for m in range(1, 3)]
    text = "organisation,indicator,period,value,gender\n" + "\n".join(rows) + "\n"
    assert import_csv(cast.alpha, text, approve=True, user=cast.backbone).errors == []
    html = client_for("backbone").get("/i/alpha/indicators/job_starts/?by=gender").content.decode()
    drawn = [v["period"] for v in spec_from(html)["data"]["values"]]
    assert drawn[0] == "2023-03" and drawn[-1] == "2024-02" and len(drawn) == 12
    # Only A reports: every month is below three quarters of the organisations.
    assert [row[0] for row in table_rows(html, "numbers")][0] == "2024-02 (provisional)"
    assert "Showing the latest 12 periods" in html


def test_the_indicator_page_links_its_downloads_and_they_carry_its_numbers(data, client_for):
    client = client_for("alice")
    html = client.get(URL).content.decode()
    links = dict(re.findall(r'<a href="([^"]+)" download data-format="(\w+)"', html))
    assert sorted(links.values()) == ["csv", "png", "svg", "xlsx"]
    csv_link = next(href for href, fmt in links.items() if fmt == "csv")
    response = client.get(URL + html_unescape(csv_link))
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="alpha-enrolled-period-numbers.csv"'
    )
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows == ["Period,People enrolled (people)", "2024-01,15"]
    svg = client.get(URL + "?format=svg&chart=main")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    by_org = client.get(URL + "?by=organisation&format=csv&table=numbers")
    assert "Organisation A,10" in by_org.content.decode("utf-8-sig")


def test_a_download_shows_the_public_only_what_the_page_shows(data, client_for):
    publish(data.alpha)
    publish(data.alpha.indicators.get(code="enrolled"))
    body = client_for("anonymous").get(URL + "?by=organisation&format=csv&table=numbers")
    text = body.content.decode("utf-8-sig")
    assert body["Content-Type"].startswith("text/csv")
    assert sorted(text.splitlines()[1:]) == ["Organisation 1,10", "Organisation 2,5"] or all(
        line.startswith("Organisation ") and " A" not in line for line in text.splitlines()[1:]
    )
    assert "Organisation A" not in text and "987654" not in text
