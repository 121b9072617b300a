"""A period still being reported is never drawn as a collapse (docs/reference/periods.md).

Seen: job starts "fell" from 158 to 81 in the month still being reported, on the indicator
page, the explorer and the public embed; the benchmark page opened on that month. Here A and B
report January and February (158 each month); in March only A's report (81) is approved, so
March is provisional (1 of 2 organisations, below three quarters)."""

from __future__ import annotations

import pytest

from .conftest import publish, spec_from, table_rows

VALUES = """organisation,indicator,period,value
org-a,job_starts,2024-01,100
org-b,job_starts,2024-01,58
org-a,job_starts,2024-02,90
org-b,job_starts,2024-02,68
org-a,job_starts,2024-03,81
"""


@pytest.fixture
def march(cast, import_csv):
    result = import_csv(cast.alpha, VALUES, approve=True, user=cast.backbone)
    assert result.errors == [], result.errors
    return cast


def test_the_indicator_page_marks_the_month_still_being_reported(march, client_for):
    html = client_for("alice").get("/i/alpha/indicators/job_starts/").content.decode()
    spec = spec_from(html)
    flags = {p["period"]: p["provisional"] for p in spec["data"]["values"]}
    assert flags == {"2024-01": False, "2024-02": False, "2024-03": True}
    assert "opacity" in str(spec)  # the mark of a provisional period is faded
    assert table_rows(html, "numbers")[0] == ["2024-03 (provisional)", "81"]
    assert 'id="provisional-note"' in html


def test_the_explorer_marks_the_month_still_being_reported(march, client_for):
    url = "/i/alpha/explore/?indicator=job_starts&rows=period"
    html = client_for("alice").get(url).content.decode()
    rows = {row[0]: row[1:] for row in table_rows(html, "pivot")}
    assert rows["2024-03 (provisional)"] == ["81", "provisional"]
    assert rows["2024-02"] == ["158", ""]
    flags = {p["x"]: p["provisional"] for p in spec_from(html, "spec-pivot")["data"]["values"]}
    assert flags == {"2024-01": False, "2024-02": False, "2024-03": True}
    csv = client_for("alice").get(url + "&format=csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0].endswith(",Provisional")
    assert "2024-03,81,yes" in csv and "2024-02,158,no" in csv


def test_the_public_page_and_embed_leave_the_month_out_by_default(march, client_for):
    publish(march.alpha)
    publish(march.alpha.indicators.get(code="job_starts"))
    anonymous = client_for("anonymous")
    html = anonymous.get("/public/alpha/job_starts/").content.decode()
    assert [row[0] for row in table_rows(html, "values")] == ["2024-02", "2024-01"]
    assert [p["period"] for p in spec_from(html, "spec-values")["data"]["values"]] == [
        "2024-01",
        "2024-02",
    ]
    assert 'id="provisional-left-out"' in html
    shown = anonymous.get("/public/alpha/job_starts/?provisional=1").content.decode()
    assert table_rows(shown, "values")[0] == ["2024-03 (provisional)", "81", "provisional"]
    csv = anonymous.get("/public/alpha/job_starts/?format=csv").content.decode("utf-8-sig")
    assert "2024-03" not in csv and "2024-02,158,no" in csv


def test_the_benchmark_opens_on_the_latest_complete_period(march, client_for):
    html = client_for("alice").get("/i/alpha/benchmarks/job_starts/").content.decode()
    picked = html.split('id="select-period"', 1)[1].split("</select>", 1)[0]
    assert 'value="2024-02" selected' in picked
    assert "2024-03 (provisional)" in picked  # still there to choose
    assert {row[1] for row in table_rows(html, "peers")} >= {"90"}


def test_the_api_and_the_cli_flag_the_month(march, client_for, cli):
    rows = client_for("alice").get(
        "/api/v1/initiatives/alpha/query", {"indicator": "job_starts", "by": "period"}
    )
    assert [(r["key"], r["provisional"]) for r in rows.json()] == [
        ("2024-01", False),
        ("2024-02", False),
        ("2024-03", True),
    ]
    code, out, _ = cli(
        "query", "--initiative", "alpha", "--indicator", "job_starts", "--by", "period"
    )
    assert code == 0 and "2024-03  81 (provisional)" in out


def test_a_breakdown_over_time_marks_the_month_too(march, client_for):
    html = client_for("backbone").get("/i/alpha/indicators/job_starts/?by=gender").content.decode()
    assert [row[0] for row in table_rows(html, "numbers")] == [
        "2024-03 (provisional)",
        "2024-02",
        "2024-01",
    ]


def test_a_quarter_is_provisional_until_every_month_in_it_is_complete(march, client_for):
    html = client_for("alice").get("/i/alpha/indicators/job_starts/?period_type=quarter")
    assert table_rows(html.content.decode(), "numbers") == [["2024-Q1 (provisional)", "397"]]
