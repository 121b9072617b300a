"""Submit, approve, return with a comment, and reopen, from the grid page."""

from __future__ import annotations

import re

import pytest

from commonmeasure.reporting.models import StatusChange, Submission
from commonmeasure.reporting.services import cell_name

from .conftest import spec_from, table_rows

GRID_A = "/i/alpha/orgs/org-a/report/2024-02/"


def status_of(org_code="org-a", period="2024-02") -> str:
    return Submission.objects.get(organisation__code=org_code, period=period).status


def review(client, path: str, action: str, comment: str = "", **extra):
    """Post a review action with the version the page shows in its review form."""
    html = client.get(path).content.decode()
    form = html[html.index('id="review"') :]
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    data = {"action": action, "comment": comment, "version": version, **extra}
    return client.post(path, data, follow=True)


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
    response = review(backbone, GRID_A, "approve")
    assert status_of() == Submission.APPROVED
    assert "Approved Organisation A" in response.content.decode()
    step = StatusChange.objects.get(submission__period="2024-02", new_status="approved")
    assert (step.old_status, step.channel, step.changed_by) == ("submitted", "web", data.backbone)
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
    response = review(backbone, GRID_A, "return", "  ")
    assert status_of() == Submission.SUBMITTED
    assert "a comment is required" in response.content.decode()
    review(backbone, GRID_A, "return", "Enrolled looks too low; please check.")
    assert status_of() == Submission.RETURNED
    html = client_for("alice").get(GRID_A).content.decode()
    assert 'id="review-comment"' in html and "Enrolled looks too low; please check." in html
    assert f'name="{cell_name("enrolled", {})}"' in html  # editable again


def test_backbone_can_reopen_an_approved_report(data, client_for):
    backbone = client_for("backbone")
    html = backbone.get("/i/alpha/orgs/org-a/report/2024-01/").content.decode()
    assert 'value="reopen"' in html
    review(backbone, "/i/alpha/orgs/org-a/report/2024-01/", "reopen", "Typo in January")
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
    version = Submission.objects.get(organisation=data.org_a, period="2024-02").version
    response = client_for("backbone").post(
        GRID_A, {"action": "approve", "version": version}, follow=True
    )
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


@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
def test_a_review_of_a_report_changed_since_the_page_was_loaded_is_refused(
    data, client_for, action
):
    """The backbone loads a report, the organisation changes it, then the backbone acts on the
    page it loaded: nothing happens, and the page says why."""
    backbone = client_for("backbone")
    if action == "reopen":
        path = "/i/alpha/orgs/org-a/report/2024-01/"
        sub = Submission.objects.get(organisation=data.org_a, period="2024-01")
    else:
        path = GRID_A
        sub = Submission.objects.get(organisation=data.org_a, period="2024-02")
        submitted(data)
    html = backbone.get(path).content.decode()
    form = html[html.index('id="review"') :]
    seen = re.search(r'name="version" value="(\d+)"', form).group(1)
    assert int(seen) == sub.version
    before = status_of(period=sub.period)
    Submission.objects.filter(pk=sub.pk).update(version=sub.version + 1)  # changed meanwhile
    response = backbone.post(
        path, {"action": action, "comment": "Looks fine", "version": seen}, follow=True
    )
    assert status_of(period=sub.period) == before
    assert "changed since you saw it" in response.content.decode()


def test_a_review_without_the_version_is_refused(data, client_for):
    submitted(data)
    response = client_for("backbone").post(GRID_A, {"action": "approve"}, follow=True)
    assert status_of() == Submission.SUBMITTED
    assert "changed since you saw it" in response.content.decode()


def test_the_reports_history_lists_its_workflow_steps(data, client_for):
    submitted(data)  # set directly: no step recorded
    backbone = client_for("backbone")
    review(backbone, GRID_A, "return", "Check the total")
    html = client_for("alice").get(GRID_A + "history/").content.decode()
    steps = html[html.index('id="workflow-steps"') :]
    assert "Submitted" in steps and "Returned" in steps and "Check the total" in steps
    assert "backbone" in steps
