"""Submit, approve, return with a comment, and reopen, from the grid page."""

from __future__ import annotations

import pytest

from commonmeasure.reporting.models import Submission
from commonmeasure.reporting.services import cell_name

from .conftest import spec_from, table_rows

GRID_A = "/i/alpha/orgs/org-a/report/2024-02/"


def status_of(org_code="org-a", period="2024-02") -> str:
    return Submission.objects.get(organisation__code=org_code, period=period).status


def submitted(cast):
    Submission.objects.filter(organisation=cast.org_a, period="2024-02").update(
        status=Submission.SUBMITTED
    )


def test_backbone_can_approve_and_value_appears_on_indicator_page(data, client_for):
    alice, backbone = client_for("alice"), client_for("backbone")
    before = spec_from(alice.get("/i/alpha/indicators/enrolled/").content.decode())
    assert [v["period"] for v in before["data"]["values"]] == ["2024-01"]
    version = Submission.objects.get(organisation=data.org_a, period="2024-02").version
    alice.post(
        GRID_A, {"version": str(version), "action": "submit", cell_name("enrolled", {}): "7"}
    )
    assert status_of() == Submission.SUBMITTED
    html = backbone.get(GRID_A).content.decode()
    assert 'value="approve"' in html and 'value="return"' in html
    response = backbone.post(GRID_A, {"action": "approve", "comment": ""}, follow=True)
    assert status_of() == Submission.APPROVED
    assert "Approved Organisation A" in response.content.decode()
    html = alice.get("/i/alpha/indicators/enrolled/").content.decode()
    # Only A's February is approved: the month is drawn, marked as still being reported.
    points = {
        p["period"]: (p["value"], p["provisional"]) for p in spec_from(html)["data"]["values"]
    }
    assert points["2024-02"] == (7, True)
    assert ["2024-02 (provisional)", "7"] in table_rows(html, "numbers")


def test_return_needs_a_comment_and_the_reporter_sees_it(data, client_for):
    submitted(data)
    backbone = client_for("backbone")
    response = backbone.post(GRID_A, {"action": "return", "comment": "  "}, follow=True)
    assert status_of() == Submission.SUBMITTED
    assert "a comment is required" in response.content.decode()
    backbone.post(GRID_A, {"action": "return", "comment": "Enrolled looks too low; please check."})
    assert status_of() == Submission.RETURNED
    html = client_for("alice").get(GRID_A).content.decode()
    assert 'id="review-comment"' in html and "Enrolled looks too low; please check." in html
    assert f'name="{cell_name("enrolled", {})}"' in html  # editable again


def test_backbone_can_reopen_an_approved_report(data, client_for):
    backbone = client_for("backbone")
    html = backbone.get("/i/alpha/orgs/org-a/report/2024-01/").content.decode()
    assert 'value="reopen"' in html
    backbone.post(
        "/i/alpha/orgs/org-a/report/2024-01/", {"action": "reopen", "comment": "Typo in January"}
    )
    assert status_of(period="2024-01") == Submission.RETURNED


@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
def test_reporter_cannot_approve_return_or_reopen(data, client_for, action):
    submitted(data)
    Submission.objects.filter(organisation=data.org_a, period="2024-01").update(
        status=Submission.APPROVED
    )
    alice = client_for("alice")
    html = alice.get(GRID_A).content.decode()
    assert 'value="approve"' not in html and 'value="reopen"' not in html
    period = "2024-01" if action == "reopen" else "2024-02"
    response = alice.post(
        f"/i/alpha/orgs/org-a/report/{period}/", {"action": action, "comment": "x"}
    )
    assert response.status_code == 403
    assert status_of(period=period) == (
        Submission.APPROVED if action == "reopen" else Submission.SUBMITTED
    )


def test_reporter_cannot_submit_another_organisations_report(data, client_for):
    response = client_for("alice").post(
        "/i/alpha/orgs/org-b/report/2024-02/", {"action": "submit", "version": "1"}
    )
    assert response.status_code == 403
    assert status_of("org-b") == Submission.DRAFT


def test_approving_a_draft_is_refused_with_a_message(data, client_for):
    response = client_for("backbone").post(GRID_A, {"action": "approve"}, follow=True)
    assert status_of() == Submission.DRAFT
    assert "it must be submitted" in response.content.decode()


def test_submitting_an_empty_report_is_refused_with_a_message(cast, client_for):
    response = client_for("alice").post(
        "/i/alpha/orgs/org-a/report/2024-05/", {"action": "submit", "version": "1"}, follow=True
    )
    assert "An empty report cannot be submitted" in response.content.decode()
    assert not Submission.objects.filter(
        organisation=cast.org_a, period="2024-05", status=Submission.SUBMITTED
    ).exists()


def test_workflow_actions_are_not_done_by_get(data, client_for):
    submitted(data)
    client_for("backbone").get(GRID_A + "?action=approve")
    assert status_of() == Submission.SUBMITTED
