"""Suppression of small numbers and anonymised peer labels on the insight pages
(docs/reference/benchmarking.md)."""

from __future__ import annotations

from commonmeasure.domain.suppression import peer_labels

from .conftest import publish, spec_from, table_rows

PIVOT = "/i/alpha/explore/?indicator=enrolled&rows=organisation&cols=period"


def _pivot(client, url=PIVOT):
    return {row[0]: row[1:] for row in table_rows(client.get(url).content.decode(), "pivot")}


def test_other_organisations_are_anonymised_with_the_same_label_on_every_page(data, client_for):
    names = {"org-a": "Organisation A", "org-b": "Organisation B"}
    expected = peer_labels(["org-a", "org-b"], names, named={"org-a"}, salt="alpha")
    assert expected["org-b"].startswith("Organisation ")
    alice = client_for("alice")
    assert set(_pivot(alice)) == {"Organisation A", expected["org-b"]}
    html = alice.get("/i/alpha/benchmarks/enrolled/").content.decode()
    labels = [row[0] for row in table_rows(html, "peers")]
    assert labels == ["Organisation A", expected["org-b"]]
    assert "Organisation B" not in html


def test_an_organisation_that_opted_in_is_named(data, client_for):
    part = data.alpha.participations.get(organisation=data.org_b)
    part.named_in_benchmarks = True
    part.save()
    assert "Organisation B" in _pivot(client_for("alice"))


def test_peers_are_named_when_the_initiative_does_not_anonymise(data, client_for):
    data.alpha.anonymise_peers = False
    data.alpha.save()
    assert set(_pivot(client_for("bob"))) == {"Organisation A", "Organisation B"}


def test_the_backbone_sees_organisation_names(data, client_for):
    assert set(_pivot(client_for("backbone"))) == {"Organisation A", "Organisation B"}


def test_a_cell_of_fewer_than_five_people_is_suppressed_for_others(data, client_for):
    rows = _pivot(client_for("alice"))
    other = next(k for k in rows if k != "Organisation A")
    assert rows[other] == ["suppressed", "10"]  # B had 4 people in January
    assert rows["Organisation A"] == ["30", "20"]


def test_an_organisation_always_sees_its_own_small_cell(data, client_for):
    rows = _pivot(client_for("bob"))
    assert rows["Organisation B"] == ["4", "10"]
    # A's January cell stays visible to B: B's own cell is not hidden from B, so nothing
    # needs hiding to protect it.
    other = next(k for k in rows if k != "Organisation B")
    assert rows[other] == ["30", "20"]


def test_complementary_suppression_hides_a_second_cell_when_the_total_is_shown(dora):
    rows = list(_pivot(dora).values())
    # January: B (4) is below 5; A would be the total 34 minus nothing hidden, so it goes too.
    assert sorted(rows) == [["suppressed", "10"], ["suppressed", "20"]]


def test_the_backbone_sees_every_figure(data, client_for):
    rows = _pivot(client_for("backbone"))
    assert rows == {"Organisation A": ["30", "20"], "Organisation B": ["4", "10"]}


def test_the_threshold_is_the_initiatives_setting(data, client_for):
    data.alpha.small_number_threshold = 4
    data.alpha.save()
    rows = _pivot(client_for("alice"))
    other = next(k for k in rows if k != "Organisation A")
    assert rows[other] == ["4", "10"]


def test_rate_cells_are_suppressed_by_their_denominator(data, rate, client_for):
    url = "/i/alpha/explore/?indicator=start_pct&rows=organisation&cols=period"
    rows = _pivot(client_for("alice"), url)
    other = next(k for k in rows if k != "Organisation A")
    assert rows[other][0] == "suppressed"  # 1 of 4 enrolled
    assert rows["Organisation A"] == ["40", "40"]  # 12/30 and 8/20, per 100


def test_benchmarking_page_says_a_value_is_suppressed_and_leaves_it_out_of_the_quartiles(
    data, client_for
):
    html = client_for("alice").get("/i/alpha/benchmarks/enrolled/?period=2024-01").content.decode()
    assert 'id="suppression-message"' in html and "fewer than 5 people" in html
    rows = {row[0]: row[1] for row in table_rows(html, "peers")}
    assert rows["Organisation A"] == "30"
    assert "suppressed" in rows.values()
    # The peer distribution is what every member may see: B is suppressed, and A with it
    # (complementary suppression against the community total), so there are no quartiles.
    assert table_rows(html, "summary") == []
    values = [
        p["value"]
        for layer in spec_from(html, "spec-peers")["layer"]
        for p in layer["data"]["values"]
        if "value" in p
    ]
    assert 4 not in values


def test_suppressed_values_are_not_in_the_charts_or_downloads(data, client_for):
    alice = client_for("alice")
    spec = spec_from(alice.get(PIVOT).content.decode(), "spec-pivot")
    assert {(p["x"], p["series"]) for p in spec["data"]["values"]} >= {
        ("2024-01", "Organisation A")
    }
    assert all(p["value"] != 4 for p in spec["data"]["values"])
    csv = alice.get(PIVOT + "&format=csv").content.decode("utf-8-sig")
    assert "suppressed" in csv and ",4," not in csv and not csv.rstrip().endswith(",4")


def test_public_page_suppresses_small_community_totals(data, client_for, import_csv):
    text = "organisation,indicator,period,value\norg-b,enrolled,2024-04,3\n"
    assert import_csv(data.alpha, text, approve=True, user=data.backbone).errors == []
    publish(data.alpha)
    publish(data.alpha.indicators.get(code="enrolled"))
    # April (only B has reported) is still being reported: left out unless asked for.
    html = client_for("anonymous").get("/public/alpha/enrolled/?provisional=1").content.decode()
    assert table_rows(html, "values") == [
        ["2024-04 (provisional)", "suppressed", "provisional"],
        ["2024-02", "30", ""],
        ["2024-01", "34", ""],
    ]
    assert [p["period"] for p in spec_from(html, "spec-values")["data"]["values"]] == [
        "2024-01",
        "2024-02",
    ]


def test_suppression_does_not_depend_on_which_axis_is_the_rows(dora):
    across = _pivot(dora)  # organisations as rows, periods as columns
    html = dora.get(
        "/i/alpha/explore/?indicator=enrolled&rows=period&cols=organisation"
    ).content.decode()
    # (With D expected to report too, 2 of 3 is below three quarters: every month is
    # provisional, the last column says so.)
    down = {row[0].split(" ")[0]: row[1:3] for row in table_rows(html, "pivot")}
    assert down["2024-01"] == [across[label][0] for label in sorted(across)]
    assert down["2024-01"] == ["suppressed", "suppressed"]
