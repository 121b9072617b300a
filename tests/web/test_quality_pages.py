"""The data-quality page, the history of a report, and quality on the grid: who sees what."""

from __future__ import annotations

import csv
import datetime
import io

import pytest

from commonmeasure.interchange.definition import InitiativeDef, read_definition
from commonmeasure.reporting.initiative_file import load_definition
from commonmeasure.reporting.models import Submission, ValueChange
from commonmeasure.reporting.services import cell_name
from tests.conftest import FIXTURES

from .conftest import spec_from, table_rows

QUALITY = "/i/alpha/quality/?period=2024-02"
HISTORY_A = "/i/alpha/orgs/org-a/report/2024-02/history/"
GRID_A = "/i/alpha/orgs/org-a/report/2024-02/"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("backbone", 200),
        ("alice", 403),
        ("bob", 403),
        ("carol", 404),
        ("outsider", 404),
        ("anonymous", 404),
    ],
)
def test_only_the_backbone_sees_the_data_quality_page(data, client_for, who, status):
    assert client_for(who).get(QUALITY).status_code == status


def test_data_quality_page_lists_who_has_not_reported_with_a_chart_and_table(data, client_for):
    Submission.objects.filter(organisation=data.org_a, period="2024-02").update(
        status=Submission.SUBMITTED
    )
    html = client_for("backbone").get(QUALITY).content.decode()
    missing = table_rows(html, "missing")
    assert [r[0] for r in missing] == ["Organisation B"]
    assert missing[0][2] == "1 of 6"
    spec = spec_from(html, "spec-completeness")
    assert {"label": "2024-02", "value": 50.0} in spec["data"]["values"]
    assert ["2024-02", "1 of 2", "50%", "2 of 12"] in table_rows(html, "per-period")


def test_data_quality_page_lists_values_outside_declared_bounds(data, client_for):
    data.alpha.indicators.filter(code="enrolled").update(max_value=1000)
    html = client_for("backbone").get(QUALITY).content.decode()
    rows = table_rows(html, "outlier-list")
    assert [row[:5] for row in rows] == [
        [
            "Organisation B",
            "People enrolled",
            "Total",
            "987654",  # with the indicator's decimals (0), not "987654.0"
            "above the declared maximum 1,000 people",  # in the indicator's unit
        ]
    ]


def test_data_quality_page_shows_late_reports_and_the_on_time_rate(data, client_for):
    data.alpha.deadline_days = 10
    data.alpha.save()
    Submission.objects.filter(organisation=data.org_a, period="2024-02").update(
        status=Submission.SUBMITTED, submitted_at=datetime.datetime(2024, 3, 5, tzinfo=datetime.UTC)
    )
    html = client_for("backbone").get(QUALITY).content.decode()
    assert "Deadline 10 Mar 2024" in html
    assert "Late" in table_rows(html, "missing")[0][3]
    assert 'id="on-time-rate"' in html


def test_the_backbone_finds_the_page_in_the_initiative_menu(data, client_for):
    assert 'id="nav-quality"' in client_for("backbone").get("/i/alpha/").content.decode()
    assert 'id="nav-quality"' not in client_for("alice").get("/i/alpha/").content.decode()


def test_the_grid_has_no_rules_panel_when_the_initiative_has_no_rules(data, client_for):
    assert 'id="rule-results"' not in client_for("alice").get(GRID_A).content.decode()


def test_an_unknown_period_is_not_found(data, client_for):
    assert client_for("backbone").get("/i/alpha/quality/?period=2024-13").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("alice", 200),
        ("backbone", 200),
        ("bob", 403),
        ("carol", 404),
        ("outsider", 404),
        ("anonymous", 404),
    ],
)
def test_a_reports_history_is_for_those_who_may_see_its_unapproved_values(
    data, client_for, who, status
):
    assert client_for(who).get(HISTORY_A).status_code == status
    assert client_for(who).get(HISTORY_A + "?format=csv").status_code == status


def test_history_shows_each_change_and_exports_it(data, client_for):
    alice = client_for("alice")
    version = Submission.objects.get(organisation=data.org_a, period="2024-02").version
    alice.post(GRID_A, {"version": str(version), "action": "save", cell_name("enrolled", {}): "8"})
    rows = table_rows(alice.get(HISTORY_A).content.decode(), "history")
    assert [r[1:7] for r in rows] == [
        ["alice", "Web", "People enrolled", "Total", "7", "8"],
        ["—", "File", "People enrolled", "Total", "—", "7"],
    ]
    exported = alice.get(HISTORY_A + "?format=csv")
    assert (
        exported["Content-Disposition"] == 'attachment; filename="history-alpha-org-a-2024-02.csv"'
    )
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert lines[1][1:9] == ["alice", "web", "org-a", "2024-02", "enrolled", "", "7.0", "8.0"]
    xlsx = alice.get(HISTORY_A + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_history_of_one_value_leaves_out_the_others(data, client_for):
    ValueChange.objects.filter(indicator__code="enrolled").update(comment="kept")
    html = client_for("backbone").get(HISTORY_A + "?indicator=caseload&key=").content.decode()
    assert 'id="no-history"' in html
    assert client_for("backbone").get(HISTORY_A + "?indicator=nope").status_code == 404


@pytest.fixture
def rules(data):
    defn = read_definition(FIXTURES / "alpha.yaml").model_dump()
    defn["rules"] = [
        {
            "code": "max_enrolled",
            "left": "enrolled",
            "op": "<=",
            "right": "500",
            "severity": "error",
            "message": "More than 500 enrolled is implausible",
        }
    ]
    load_definition(InitiativeDef.model_validate(defn))
    return data


def test_the_grid_shows_failed_rules_and_blocks_submission(rules, client_for):
    bob = client_for("bob")
    html = bob.get("/i/alpha/orgs/org-b/report/2024-02/").content.decode()
    assert 'data-rule="max_enrolled"' in html and "More than 500 enrolled is implausible" in html
    version = Submission.objects.get(organisation=rules.org_b, period="2024-02").version
    response = bob.post(
        "/i/alpha/orgs/org-b/report/2024-02/",
        {"version": str(version), "action": "submit"},
        follow=True,
    )
    assert "cannot be submitted" in response.content.decode()
    assert (
        Submission.objects.get(organisation=rules.org_b, period="2024-02").status
        == Submission.DRAFT
    )


def test_the_inline_check_updates_the_rules_panel(rules, client_for):
    response = client_for("alice").post(
        GRID_A + "check/",
        {cell_name("enrolled", {}): "900"},
        headers={"HX-Request": "true", "HX-Trigger-Name": cell_name("enrolled", {})},
    )
    html = response.content.decode()
    assert 'hx-swap-oob="true"' in html and "More than 500 enrolled is implausible" in html


def test_the_grid_flags_a_value_outside_declared_bounds(data, client_for):
    data.alpha.indicators.filter(code="enrolled").update(max_value=1000)
    html = client_for("bob").get("/i/alpha/orgs/org-b/report/2024-02/").content.decode()
    assert "Check: above the declared maximum 1,000" in html


def test_after_the_deadline_the_reporter_needs_the_backbone_to_unlock(data, client_for):
    data.alpha.deadline_days = 10
    data.alpha.save()
    alice, backbone = client_for("alice"), client_for("backbone")
    html = alice.get(GRID_A).content.decode()
    assert 'id="deadline-locked"' in html and 'id="save"' not in html and 'id="late"' in html
    version = Submission.objects.get(organisation=data.org_a, period="2024-02").version
    response = alice.post(
        GRID_A,
        {"version": str(version), "action": "save", cell_name("enrolled", {}): "8"},
        follow=True,
    )
    assert "deadline for this report has passed" in response.content.decode()
    assert alice.post(GRID_A, {"action": "unlock"}).status_code == 403
    assert 'id="unlock-button"' in backbone.get(GRID_A).content.decode()
    backbone.post(GRID_A, {"action": "unlock"})
    sub = Submission.objects.get(organisation=data.org_a, period="2024-02")
    assert sub.unlocked_by == data.backbone
    html = alice.get(GRID_A).content.decode()
    assert 'id="save"' in html and 'id="unlocked"' in html


def test_a_note_for_the_backbone_is_saved_from_the_grid(data, client_for):
    version = Submission.objects.get(organisation=data.org_a, period="2024-02").version
    client_for("alice").post(
        GRID_A, {"version": str(version), "action": "save", "note": "Counted at month end"}
    )
    assert (
        Submission.objects.get(organisation=data.org_a, period="2024-02").note
        == "Counted at month end"
    )


# -- explaining and dismissing a flag -------------------------------------------------------


def _dismiss(client, comment="Confirmed with the provider: a data migration.", value="987654.0"):
    return client.post(
        "/i/alpha/quality/dismiss/",
        {
            "organisation": "org-b",
            "period": "2024-02",
            "indicator": "enrolled",
            "key": "",
            "value": value,
            "comment": comment,
        },
        follow=True,
    )


def test_the_backbone_dismisses_a_flag_with_a_reason_kept_in_the_history(data, client_for):
    data.alpha.indicators.filter(code="enrolled").update(max_value=1000)
    backbone = client_for("backbone")
    page = _dismiss(backbone).content.decode()
    assert "Dismissed the flag of People enrolled for Organisation B" in page
    assert 'id="outlier-list"' not in page and "No value is flagged for 2024-02." in page
    dismissed = table_rows(page, "dismissed-list")
    assert [row[:4] for row in dismissed] == [
        ["Organisation B", "People enrolled", "Total", "987654"]
    ]
    assert dismissed[0][5].startswith("Confirmed with the provider: a data migration.")
    # the grid no longer asks to check it, and the report's history keeps the reason
    grid = backbone.get("/i/alpha/orgs/org-b/report/2024-02/").content.decode()
    assert "above the declared maximum" not in grid
    history = backbone.get("/i/alpha/orgs/org-b/report/2024-02/history/").content.decode()
    rows = table_rows(history, "flag-reviews")
    assert [r[1:5] for r in rows] == [["backbone", "People enrolled", "Total", "987654"]]
    assert rows[0][5:] == [
        "above the declared maximum 1,000 people",
        "Confirmed with the provider: a data migration.",
    ]


def test_a_new_value_is_flagged_afresh_after_a_dismissal(data, client_for, import_csv):
    data.alpha.indicators.filter(code="enrolled").update(max_value=1000)
    backbone = client_for("backbone")
    _dismiss(backbone)
    assert import_csv(
        data.alpha, "organisation,indicator,period,value\norg-b,enrolled,2024-02,55555\n"
    ).ok
    rows = table_rows(backbone.get(QUALITY).content.decode(), "outlier-list")
    assert [row[:4] for row in rows] == [["Organisation B", "People enrolled", "Total", "55555"]]


def test_a_dismissal_needs_a_reason_and_the_value_the_page_showed(data, client_for):
    data.alpha.indicators.filter(code="enrolled").update(max_value=1000)
    backbone = client_for("backbone")
    page = _dismiss(backbone, comment="  ").content.decode()
    assert "The flag was not dismissed: Say why the value is right." in page
    page = _dismiss(backbone, value="12").content.decode()
    assert "changed since the page was loaded (it is now 987654)" in page
    assert [r[0] for r in table_rows(page, "outlier-list")] == ["Organisation B"]
    assert not data.alpha.indicators.get(code="enrolled").targets.exists()


@pytest.mark.parametrize(("who", "status"), [("alice", 403), ("bob", 403), ("outsider", 404)])
def test_only_the_backbone_may_dismiss_a_flag(data, client_for, who, status):
    from commonmeasure.reporting.models import FlagReview

    data.alpha.indicators.filter(code="enrolled").update(max_value=1000)
    assert _dismiss(client_for(who)).status_code == status
    assert not FlagReview.objects.exists()


def test_flags_name_the_breakdown_in_words_and_the_grid_shows_the_whole_reason(
    data, client_for, import_csv
):
    # Seen: the breakdown as its key ("gender=female"), and the grid's reasons cut at 48
    # characters.
    data.alpha.indicators.filter(code="enrolled").update(max_value=1000)
    assert import_csv(
        data.alpha,
        "organisation,indicator,period,value,gender\norg-b,enrolled,2024-02,4000,female\n",
    ).ok
    rows = table_rows(client_for("backbone").get(QUALITY).content.decode(), "outlier-list")
    assert ["Organisation B", "People enrolled", "Gender: Female", "4000"] in [r[:4] for r in rows]
    data.alpha.indicators.filter(code="enrolled").update(unit="young people on the programme")
    grid = client_for("backbone").get("/i/alpha/orgs/org-b/report/2024-02/").content.decode()
    assert "Check: above the declared maximum 1,000 young people on the programme<" in grid
