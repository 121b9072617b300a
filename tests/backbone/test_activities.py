"""Activities and the matrix of organisations x goals: gaps, overlaps, the chart, and the
CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from commonmeasure.backbone import matrix
from commonmeasure.backbone.models import Activity
from commonmeasure.initiatives.models import Organisation, Participation


def add(cast, org, name, goals, indicators=()):
    a = Activity.objects.create(
        initiative=cast.alpha, organisation=org, name=name, goals=list(goals)
    )
    a.indicators.set(cast.alpha.indicators.filter(code__in=indicators))
    return a


@pytest.fixture
def org_d(cast):
    org = Organisation.objects.create(code="org-d", name="Organisation D")
    Participation.objects.create(initiative=cast.alpha, organisation=org)
    return org


@pytest.fixture
def spread(goals, cast, org_d):
    """G1 served by A, B and D (an overlap), G2 by A only (twice), G3 by nobody (a gap)."""
    add(cast, cast.org_a, "Job club", ["G1", "G2"], ["enrolled"])
    add(cast, cast.org_a, "Mentoring", ["G2"])
    add(cast, cast.org_b, "CV workshop", ["G1"])
    add(cast, org_d, '=HYPERLINK("x")', ["G1"])
    return cast


def test_a_reporter_adds_an_activity_for_their_organisation(goals, cast, client_for):
    response = client_for(cast.alice).post(
        "/i/alpha/activities/new/?organisation=org-a",
        {
            "name": "Job club",
            "description": "Weekly",
            "goals": ["G2", "G1"],
            "indicators": ["enrolled", "job_starts"],
        },
    )
    assert response.status_code == 302
    a = Activity.objects.get()
    assert (a.organisation, a.name, a.goals, a.updated_by) == (
        cast.org_a,
        "Job club",
        ["G1", "G2"],
        cast.alice,
    )
    assert sorted(a.indicators.values_list("code", flat=True)) == ["enrolled", "job_starts"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "goals": ["G1"]}, "Give the activity a name."),
        ({"name": "X", "goals": ["G9"]}, "Not a goal of Alpha Partnership: G9."),
        ({"name": "X", "indicators": ["nope"]}, "Not an indicator of Alpha Partnership: nope."),
        ({"name": "X"}, "Choose at least one goal or indicator the activity serves."),
    ],
)
def test_a_bad_activity_is_refused_with_a_message_and_nothing_saved(
    goals, cast, client_for, data, message
):
    response = client_for(cast.alice).post("/i/alpha/activities/new/?organisation=org-a", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Activity.objects.exists()


def test_an_indicator_of_another_initiative_cannot_be_attached(goals, cast, client_for):
    # beta also has an indicator called "enrolled"; only alpha's may be chosen
    client_for(cast.alice).post(
        "/i/alpha/activities/new/?organisation=org-a", {"name": "X", "indicators": ["enrolled"]}
    )
    assert Activity.objects.get().indicators.get().initiative == cast.alpha


def test_the_backbone_edits_and_deletes_any_organisations_activity(goals, cast, client_for):
    a = add(cast, cast.org_b, "CV workshop", ["G1"])
    c = client_for(cast.backbone)
    c.post(f"/i/alpha/activities/{a.id}/", {"name": "CV clinic", "goals": ["G3"]})
    a.refresh_from_db()
    assert (a.name, a.goals) == ("CV clinic", ["G3"])
    assert c.post(f"/i/alpha/activities/{a.id}/delete/").status_code == 302
    assert not Activity.objects.exists()


def test_the_matrix_counts_activities_and_finds_gaps_and_overlaps(spread, client_for):
    page = client_for(spread.bob).get("/i/alpha/activities/").content.decode()
    cell = lambda org, goal: re.search(  # noqa: E731
        rf'data-organisation="{org}">.*?data-goal="{goal}">(\d+)<', page, re.S
    ).group(1)
    assert (cell("org-a", "G1"), cell("org-a", "G2"), cell("org-a", "G3")) == ("1", "2", "0")
    assert (cell("org-b", "G1"), cell("org-d", "G1")) == ("1", "1")
    footer = dict(re.findall(r'data-goal="(G\d)" data-state="(\w*)">', page))
    assert footer == {"G1": "overlap", "G2": "", "G3": "gap"}
    assert re.search(r'id="gaps">Gaps: <strong data-goal="G3">', page)
    assert re.search(
        r'id="overlaps">Overlaps: <strong data-goal="G1">G1 People find work</strong> \(3 organisations\)',
        page,
    )


def test_two_organisations_on_a_goal_are_not_an_overlap(goals, cast, client_for):
    add(cast, cast.org_a, "One", ["G1"])
    add(cast, cast.org_b, "Two", ["G1"])
    page = client_for(cast.bob).get("/i/alpha/activities/").content.decode()
    assert 'data-goal="G1" data-state="">2<' in page and "No overlaps." in page


def test_the_chart_carries_the_same_figures_as_the_table(spread, client_for):
    page = client_for(spread.backbone).get("/i/alpha/activities/").content.decode()
    spec = json.loads(
        re.search(
            r'<script id="spec-matrix" type="application/json">(.*?)</script>', page, re.S
        ).group(1)
    )
    values = {
        (v["organisation"], v["goal"].split()[0]): v["activities"] for v in spec["data"]["values"]
    }
    assert values[("Organisation A", "G2")] == 2 and values[("Organisation D", "G3")] == 0
    assert sum(values.values()) == 5  # Job club counts in G1 and G2
    assert "http" not in json.dumps(spec).replace(spec["$schema"], "")


def test_the_csv_export_has_one_row_per_cell_and_no_formulas(spread, client_for):
    response = client_for(spread.alice).get("/i/alpha/activities/matrix.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 3 * 3  # organisations A, B, D x goals G1..G3
    a_g2 = next(r for r in rows if r["organisation"] == "org-a" and r["goal"] == "G2")
    assert (a_g2["activities"], a_g2["goal_state"]) == ("2", "")
    assert {r["goal_state"] for r in rows if r["goal"] == "G3"} == {"gap"}


def test_the_xlsx_export_is_readable_and_text_never_becomes_a_formula(spread, client_for):
    Organisation.objects.filter(code="org-d").update(name="=cmd|' /C calc'!A0")
    response = client_for(spread.alice).get("/i/alpha/activities/matrix.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Matrix"]
    grid = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert grid[0] == [
        "Organisation",
        "G1 People find work",
        "G2 People stay in work",
        "G3 Fewer young people out of work",
    ]
    # organisations sorted by name: the one named "=cmd…" comes first, shown as text
    assert grid[1] == ["'=cmd|' /C calc'!A0", 1, 0, 0]
    assert grid[2] == ["Organisation A", 1, 2, 0]
    assert grid[4] == ["Organisations serving", 3, 1, 0]
    assert grid[5] == ["Goal", "overlap", "", "gap"] or grid[5] == ["Goal", "overlap", None, "gap"]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert wb["Cells"].max_row == 1 + 9


def test_goal_codes_no_longer_in_the_initiative_are_ignored():
    m = matrix.build([("G1", "One")], [("a", "A")], [("a", ["G1", "G1", "OLD"]), ("zz", ["G1"])])
    assert m.count("a", "G1") == 1 and m.gaps == [] and m.organisations_serving("G1") == 1


def test_the_overlap_threshold_is_three_organisations():
    orgs = [("a", "A"), ("b", "B"), ("c", "C")]
    m = matrix.build(
        [("G1", ""), ("G2", "")],
        orgs,
        [("a", ["G1"]), ("b", ["G1", "G2"]), ("c", ["G1"]), ("a", ["G2"])],
    )
    assert matrix.OVERLAP_THRESHOLD == 3
    assert m.overlaps == ["G1"] and m.state("G2") == "" and m.activities_for_goal("G2") == 2
