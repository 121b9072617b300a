"""POST /initiatives/{code}/values checks breakdowns against totals as a values file is checked
(docs/reference/validation-rules.md, "Breakdowns and totals")."""

from __future__ import annotations

from commonmeasure.reporting.models import DataValue

V = "/initiatives/alpha/values"


def row(value, **categories) -> dict:
    out = {"organisation": "org-a", "indicator": "job_starts", "period": "2024-03", "value": value}
    if categories:
        out["categories"] = categories
    return out


def test_a_breakdown_that_disagrees_with_its_total_is_refused_naming_the_row(cast, as_):
    body = {"values": [row(33), row(16, gender="female"), row(16, gender="male")]}
    response = as_("alice", "token").post(V, body)
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert (error["row"], error["column"]) == (1, "value")
    assert error["message"] == (
        "breakdown check (error): job_starts: the breakdown by gender adds up to 32 (every "
        "category given) but the total is 33; the breakdown and the total must agree"
    )
    assert not DataValue.objects.exists()


def test_a_partial_breakdown_above_a_stored_total_is_refused(cast, as_):
    alice = as_("alice", "token")
    assert alice.post(V, {"values": [row(8)]}).status_code == 200
    response = alice.post(V, {"values": [row(30, gender="female")]})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["row"], error["column"]) == (1, "value")
    assert "adds up to 30 (1 of 2 categories given), more than the total of 8" in error["message"]
    assert list(DataValue.objects.values_list("value", flat=True)) == [8.0]


def test_a_breakdown_that_agrees_is_written(cast, as_):
    body = {"values": [row(33), row(16, gender="female"), row(17, gender="male")]}
    response = as_("alice", "token").post(V, body)
    assert response.status_code == 200 and response.json()["imported"] == 3
