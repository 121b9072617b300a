"""GET /initiatives/{code}/submissions and the workflow actions submit, approve, return, reopen."""

from __future__ import annotations

import pytest

from commonmeasure.reporting.models import Submission

from .helpers import publish, submission

S = "/initiatives/alpha/submissions"


def listed(response) -> list[tuple[str, str, str]]:
    assert response.status_code == 200, response.content
    return [(s["organisation"], s["period"], s["status"]) for s in response.json()]


def test_reporter_cannot_read_other_organisations_draft_submissions_via_api(reported, as_):
    for how in ("session", "token"):
        rows = listed(as_("alice", how).get(S))
        assert rows == [("org-a", "2024-02", "draft"), ("org-a", "2024-01", "approved")]
        assert all(org == "org-a" for org, _, _ in rows)


def test_a_viewer_sees_their_own_organisations_submissions(reported, as_, viewer):
    assert {org for org, _, _ in listed(as_("vera").get(S))} == {"org-a"}


def test_backbone_sees_every_organisations_submissions(reported, as_):
    assert listed(as_("backbone", "token").get(S)) == [
        ("org-a", "2024-02", "draft"),
        ("org-b", "2024-02", "draft"),
        ("org-a", "2024-01", "approved"),
        ("org-b", "2024-01", "approved"),
    ]


def test_a_submission_carries_its_status_version_and_value_count(reported, as_):
    row = as_("bob").get(S, period="2024-01").json()[0]
    assert row["organisation"] == "org-b" and row["organisation_name"] == "Organisation B"
    assert row["status"] == "approved" and row["values"] == 2 and row["version"] >= 1


@pytest.mark.parametrize(
    "who, how", [("carol", "session"), ("outsider", "token"), (None, "anonymous")]
)
def test_non_members_get_404_for_an_unpublished_initiatives_submissions(reported, as_, who, how):
    assert as_(who, how).get(S).status_code == 404


@pytest.mark.parametrize("who, how", [("outsider", "session"), (None, "anonymous")])
def test_the_public_sees_no_submissions_of_a_published_initiative(reported, as_, who, how):
    publish(reported.alpha)
    assert listed(as_(who, how).get(S)) == []


def test_a_revoked_token_cannot_list_submissions(reported, as_):
    assert as_("backbone", "revoked").get(S).status_code == 401


def test_submissions_can_be_filtered_by_period_organisation_and_status(reported, as_):
    backbone = as_("backbone")
    assert listed(backbone.get(S, period="2024-02", organisation="org-b")) == [
        ("org-b", "2024-02", "draft")
    ]
    assert [r[2] for r in listed(backbone.get(S, status="approved"))] == ["approved", "approved"]


@pytest.mark.parametrize(
    "params, field", [({"period": "2024-Q1"}, "period"), ({"status": "lost"}, "status")]
)
def test_a_bad_filter_is_a_400_naming_it(reported, as_, params, field):
    response = as_("backbone").get(S, **params)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")


# -- workflow -----------------------------------------------------------------------------------


def act(caller, sub, action: str, **body):
    return caller.post(f"{S}/{sub.id}/{action}", body)


def status_of(sub) -> str:
    return Submission.objects.get(pk=sub.pk).status


@pytest.mark.parametrize("how", ["session", "token"])
def test_a_reporter_submits_their_own_draft(reported, as_, how):
    sub = submission(reported.alpha, reported.org_a, "2024-02")
    response = act(as_("alice", how), sub, "submit")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted" and status_of(sub) == "submitted"


@pytest.mark.parametrize(
    "who, how", [("bob", "session"), ("carol", "token"), ("outsider", "session")]
)
def test_others_cannot_submit_organisation_as_draft(reported, as_, who, how):
    sub = submission(reported.alpha, reported.org_a, "2024-02")
    assert act(as_(who, how), sub, "submit").status_code == 404
    assert status_of(sub) == "draft"


def test_a_viewer_cannot_submit(reported, as_, viewer):
    sub = submission(reported.alpha, reported.org_a, "2024-02")
    response = act(as_("vera"), sub, "submit")
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not submit this organisation's report."}


@pytest.mark.parametrize("how, code", [("revoked", 401), ("anonymous", 401)])
def test_revoked_tokens_and_anonymous_callers_cannot_submit(reported, as_, how, code):
    publish(reported.alpha)
    sub = submission(reported.alpha, reported.org_a, "2024-02")
    caller = as_(None) if how == "anonymous" else as_("alice", how)
    assert act(caller, sub, "submit").status_code == code
    assert status_of(sub) == "draft"


def test_backbone_approves_a_submitted_report(reported, as_):
    sub = submission(reported.alpha, reported.org_a, "2024-02")
    act(as_("alice"), sub, "submit")
    response = act(as_("backbone", "token"), sub, "approve", comment="Thanks")
    assert response.status_code == 200
    assert response.json()["status"] == "approved" and response.json()["review_comment"] == "Thanks"
    rows = as_("alice").get("/initiatives/alpha/query", indicator="enrolled", by="period").json()
    assert rows == [
        {"key": "2024-01", "value": 15, "suppressed": False, "provisional": False},
        {"key": "2024-02", "value": 7, "suppressed": False, "provisional": True},  # only A approved
    ]


@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
@pytest.mark.parametrize("who, how", [("alice", "session"), ("alice", "token")])
def test_reporters_cannot_review_their_own_reports(reported, as_, action, who, how):
    sub = submission(reported.alpha, reported.org_a, "2024-01" if action == "reopen" else "2024-02")
    if action != "reopen":
        act(as_("alice"), sub, "submit")
    before = status_of(sub)
    response = act(as_(who, how), sub, action, comment="because")
    assert response.status_code == 403
    assert "Only the initiative's backbone" in response.json()["detail"]
    assert status_of(sub) == before


def test_approving_a_draft_is_a_409(reported, as_):
    sub = submission(reported.alpha, reported.org_b, "2024-02")
    response = act(as_("backbone"), sub, "approve")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This report is draft; it must be submitted for this action."
    }


def test_returning_a_report_needs_a_comment(reported, as_):
    sub = submission(reported.alpha, reported.org_b, "2024-02")
    act(as_("bob"), sub, "submit")
    response = act(as_("backbone"), sub, "return", comment="  ")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("comment: ")
    assert status_of(sub) == "submitted"
    response = act(as_("backbone"), sub, "return", comment="Check February")
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert response.json()["review_comment"] == "Check February"


def test_backbone_reopens_an_approved_report(reported, as_):
    sub = submission(reported.alpha, reported.org_a, "2024-01")
    response = act(as_("backbone"), sub, "reopen", comment="Typo in January")
    assert response.status_code == 200
    assert response.json()["status"] == "returned" and status_of(sub) == "returned"


def test_an_action_from_an_old_version_is_a_409_with_the_current_version(reported, as_):
    sub = submission(reported.alpha, reported.org_a, "2024-02")
    seen = as_("alice").get(S, period="2024-02").json()[0]["version"]
    act(as_("alice"), sub, "submit", version=seen)
    response = act(as_("backbone"), sub, "approve", version=seen)
    assert response.status_code == 409
    assert response.json()["version"] == seen + 1 and response.json()["status_now"] == "submitted"
    assert status_of(sub) == "submitted"


def test_an_unknown_submission_is_404(reported, as_):
    response = as_("backbone").post(f"{S}/99999/approve", {})
    assert response.status_code == 404
    assert response.json() == {"detail": "No submission 99999 in initiative alpha."}


def test_a_submission_of_another_initiative_is_404(reported, as_):
    sub = submission(reported.beta, reported.org_c, "2024-Q1")
    assert as_("backbone").post(f"{S}/{sub.id}/reopen", {}).status_code == 404
    assert status_of(sub) == "approved"


@pytest.mark.parametrize("body", [[{"version": 1}], [], 7, "approve"])
def test_a_body_that_is_not_an_object_is_refused_and_nothing_happens(reported, as_, body):
    """An array (or any other non-object) once passed for "no body", skipping the version check."""
    sub = submission(reported.alpha, reported.org_a, "2024-02")
    act(as_("alice"), sub, "submit")
    response = as_("backbone").post(f"{S}/{sub.id}/approve", body)
    assert response.status_code == 422, response.content
    assert status_of(sub) == "submitted"


def test_an_approval_through_the_api_is_recorded_with_its_channel(reported, as_):
    from commonmeasure.conversation.models import Event, Notification
    from commonmeasure.reporting.models import StatusChange

    sub = submission(reported.alpha, reported.org_a, "2024-02")
    seen = act(as_("alice"), sub, "submit").json()["version"]
    assert act(as_("backbone", "token"), sub, "approve", version=seen).status_code == 200
    steps = list(
        StatusChange.objects.filter(submission=sub).values_list(
            "old_status", "new_status", "channel", "changed_by__username"
        )
    )
    assert steps == [
        ("draft", "submitted", "api", "alice"),
        ("submitted", "approved", "api", "backbone"),
    ]
    report = "Organisation A's report for 2024-02"
    assert Event.objects.filter(kind="approved", text=f"backbone approved {report}").count() == 1
    assert Notification.objects.filter(
        user=reported.alice, kind="approved", text__endswith=report
    ).exists()
