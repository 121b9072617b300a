"""The indicator explorer: the pivot table equals query() cell by cell."""

from __future__ import annotations

import pytest

from commonmeasure.measures.selectors import query

from .conftest import spec_from, table_rows

BASE = "/i/alpha/explore/"


@pytest.fixture
def no_threshold(data):
    data.alpha.small_number_threshold = 1
    data.alpha.anonymise_peers = False
    data.alpha.save()
    return data


def _pivot(client, url):
    html = client.get(url).content.decode()
    return html, {row[0]: row[1:] for row in table_rows(html, "pivot")}


def test_organisations_by_period_equal_query_by_organisation_within_each_period(
    no_threshold, client_for
):
    data = no_threshold
    enrolled = data.alpha.indicators.get(code="enrolled")
    html, rows = _pivot(
        client_for("alice"), BASE + "?indicator=enrolled&rows=organisation&cols=period"
    )
    header = html.split('id="pivot"', 1)[1].split("</thead>", 1)[0]
    assert "2024-01" in header and "2024-02" in header
    for i, code in enumerate(("2024-01", "2024-02")):
        expected = {
            r["key"]: r["value"]
            for r in query(
                data.alpha, enrolled, "organisation", within=data.alpha.parse_period(code)
            )
        }
        assert rows["Organisation A"][i] == str(expected["org-a"])
        assert rows["Organisation B"][i] == str(expected["org-b"])


def test_a_dimension_by_organisation_equals_query_for_each_organisation(no_threshold, client_for):
    data = no_threshold
    enrolled = data.alpha.indicators.get(code="enrolled")
    _, rows = _pivot(client_for("bob"), BASE + "?indicator=enrolled&rows=gender&cols=organisation")
    for i, org in enumerate((data.org_a, data.org_b)):
        expected = {
            r["key"]: r["value"]
            for r in query(data.alpha, enrolled, "gender", organisation_ids=[org.id])
        }
        assert rows["Female"][i] == str(expected["female"])
    assert rows["Male"] == ["12", "–"]


def test_period_rows_equal_the_community_totals(data, client_for):
    enrolled = data.alpha.indicators.get(code="enrolled")
    # the backbone: alice's January total would reveal B's 4 (the test below)
    html, rows = _pivot(client_for("backbone"), BASE + "?indicator=enrolled")
    assert rows == {
        r["key"]: [str(r["value"]), ""] for r in query(data.alpha, enrolled, "period")
    }  # both months complete: the Provisional column is empty
    assert spec_from(html, "spec-pivot")["data"]["values"][0]["x"] == "2024-01"


def test_a_period_filter_narrows_a_view_without_a_period_axis(no_threshold, client_for):
    _, rows = _pivot(
        client_for("alice"), BASE + "?indicator=enrolled&rows=organisation&period=2024-02"
    )
    assert rows == {"Organisation A": ["20"], "Organisation B": ["10"]}


def test_a_longer_period_type_adds_the_periods_up(data, client_for):
    _, rows = _pivot(
        client_for("alice"), BASE + "?indicator=enrolled&rows=period&period_type=quarter"
    )
    # March has no approved report yet, so the quarter is provisional.
    assert rows == {"2024-Q1 (provisional)": ["64", "provisional"]}


def test_two_breakdowns_at_once_get_a_clear_message(data, client_for):
    html = (
        client_for("alice")
        .get(BASE + "?indicator=enrolled&rows=gender&cols=age_band")
        .content.decode()
    )
    assert "one of rows and columns must be period or organisation" in html
    assert 'id="pivot"' not in html


def test_unknown_choices_fall_back_to_the_defaults(data, client_for):
    html = client_for("alice").get(BASE + "?indicator=nope&rows=colour&cols=taste").content.decode()
    assert 'id="pivot"' in html
    options = html.split('id="select-rows"', 1)[1].split("</select>", 1)[0]
    assert '<option value="period" selected>' in options


def test_the_explorer_view_is_a_shareable_address(data, client_for):
    url = BASE + "?indicator=job_starts&rows=period&cols=gender"
    html = client_for("bob").get(url).content.decode()
    assert '<option value="job_starts" selected>' in html
    assert '<option value="gender" selected>' in html.split('id="select-cols"', 1)[1]


def test_a_members_explorer_hides_a_total_that_would_reveal_a_peers_small_figure(data, client_for):
    """January: A 30 and B 4 people enrolled. The total of 34 less alice's own 30 would give
    B's 4 away, so the explorer suppresses it for alice, as the indicator page and the
    explanation do (docs/reference/disclosure.md); the backbone sees it."""
    from tests.html import table_rows

    url = "/i/alpha/explore/?indicator=enrolled&rows=period"
    alice = dict(
        (r[0], r[1]) for r in table_rows(client_for("alice").get(url).content.decode(), "pivot")
    )
    assert alice["2024-01"] == "suppressed"
    backbone = client_for("backbone").get(url).content.decode()
    assert dict((r[0], r[1]) for r in table_rows(backbone, "pivot"))["2024-01"] == "34"


def test_a_legend_of_many_series_wraps_onto_rows():
    # Seen: thirty organisations' legend ran off the right of a laptop's screen.
    from commonmeasure.insights.charts import LEGEND_ROW, pivot

    def spec(n):
        points = [{"x": "2024-01", "series": f"Organisation {i}", "value": i} for i in range(n)]
        return pivot(
            points, x_title="Period", series_title="Organisation", title="T", decimals=0,
            line=True, description="d",
        )  # fmt: skip

    assert spec(30)["encoding"]["color"]["legend"]["columns"] == LEGEND_ROW
    assert "legend" not in spec(3)["encoding"]["color"]
