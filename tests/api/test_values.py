"""POST /initiatives/{code}/values: bulk, idempotent upsert, checked exactly as a values file is."""

from __future__ import annotations

import json

import pytest

from commonmeasure.reporting.models import DataValue, Submission

from .helpers import publish, submission

V = "/initiatives/alpha/values"


def row(org="org-a", ind="enrolled", period="2024-03", value=12, **extra) -> dict:
    return {"organisation": org, "indicator": ind, "period": period, "value": value, **extra}


def stored() -> dict[tuple, tuple]:
    return {
        (
            v.submission.organisation.code,
            v.indicator.code,
            v.submission.period,
            v.disaggregation.key,
        ): (v.value, v.comment)
        for v in DataValue.objects.select_related(
            "submission__organisation", "indicator", "disaggregation"
        )
    }


def summary(response) -> dict:
    body = response.json()
    return {k: body[k] for k in ("imported", "updated", "unchanged", "errors")}


def test_bulk_upsert_is_idempotent(cast, as_):
    body = {
        "values": [
            row(),
            row(value=7, categories={"gender": "female"}),
            row(ind="caseload", value=40, comment="est."),
        ]
    }
    alice = as_("alice", "token")
    first = alice.post(V, body)
    assert first.status_code == 200, first.content
    assert summary(first) == {"imported": 3, "updated": 0, "unchanged": 0, "errors": []}
    before = stored()
    again = alice.post(V, body)
    assert summary(again) == {"imported": 0, "updated": 0, "unchanged": 3, "errors": []}
    assert stored() == before
    body["values"][0]["value"] = 13
    assert summary(alice.post(V, body)) == {
        "imported": 0,
        "updated": 1,
        "unchanged": 2,
        "errors": [],
    }
    assert stored()[("org-a", "enrolled", "2024-03", "")] == (13.0, "")
    assert stored()[("org-a", "enrolled", "2024-03", "gender=female")] == (7.0, "")
    assert stored()[("org-a", "caseload", "2024-03", "")] == (40.0, "est.")


def test_bulk_upsert_with_one_bad_row_writes_nothing(cast, as_):
    body = {"values": [row(), row(ind="job_starts", value=-1), row(ind="caseload", value=3)]}
    response = as_("alice").post(V, body)
    assert response.status_code == 400
    assert summary(response) == {
        "imported": 0,
        "updated": 0,
        "unchanged": 0,
        "errors": [
            {
                "row": 2,
                "column": "value",
                "message": "-1 is not a count: Job starts (job_starts) takes whole numbers of 0 or more",
            }
        ],
    }
    assert response.json()["detail"] == "1 error(s) in the values; nothing was written."
    assert DataValue.objects.count() == 0 and Submission.objects.count() == 0


def test_every_bad_row_is_reported_with_its_position_and_field(cast, as_):
    body = {
        "values": [
            row(org="org-z"),
            row(period="2024-13"),
            row(categories={"gender": "unknown"}),
            row(ind="job_starts", categories={"age_band": "16-24"}),
            row(categories={"colour": "blue"}),
            row(value="twelve"),
            row(value=None),
            row(),
            row(),
        ]
    }
    errors = as_("backbone").post(V, body).json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [
        (1, "organisation"),
        (2, "period"),
        (3, "categories.gender"),
        (4, "categories.age_band"),
        (5, "categories.colour"),
        (6, "value"),
        (7, "value"),
        (9, None),
    ]
    assert errors[0]["message"] == "unknown organisation 'org-z' in initiative alpha"
    assert errors[4]["message"] == "unknown dimension 'colour'; expected one of gender, age_band"
    assert errors[7]["message"].startswith("duplicate of row 8")
    assert DataValue.objects.count() == 0


def test_ids_work_as_well_as_codes(cast, as_):
    enrolled = cast.alpha.indicators.get(code="enrolled")
    body = {"values": [row(org=cast.org_a.id, ind=enrolled.id, value=5)]}
    response = as_("backbone").post(V, body)
    assert summary(response)["imported"] == 1
    assert stored() == {("org-a", "enrolled", "2024-03", ""): (5.0, "")}


def test_unknown_ids_are_errors_naming_the_field(cast, as_):
    body = {"values": [row(org=cast.org_c.id), row(ind=99999)]}
    errors = as_("backbone").post(V, body).json()["errors"]
    assert errors == [
        {
            "row": 1,
            "column": "organisation",
            "message": f"no organisation with id {cast.org_c.id} in initiative alpha",
        },
        {
            "row": 2,
            "column": "indicator",
            "message": "no indicator with id 99999 in initiative alpha",
        },
    ]


def test_a_dry_run_reports_what_would_change_and_writes_nothing(cast, as_):
    response = as_("alice").post(V, {"values": [row(), row(ind="caseload")], "dry_run": True})
    assert response.status_code == 200
    assert summary(response)["imported"] == 2 and response.json()["dry_run"] is True
    assert DataValue.objects.count() == 0


@pytest.mark.parametrize("how", ["session", "token"])
def test_a_reporter_cannot_upsert_into_another_organisation(cast, as_, how):
    response = as_("alice", how).post(V, {"values": [row(), row(org="org-b")]})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "row": 2,
            "column": "organisation",
            "message": "you may not enter values for organisation org-b",
        }
    ]
    assert DataValue.objects.count() == 0


@pytest.mark.parametrize("how", ["session", "token"])
def test_backbone_can_upsert_into_any_organisation(cast, as_, how):
    response = as_("backbone", how).post(V, {"values": [row(), row(org="org-b", value=4)]})
    assert summary(response)["imported"] == 2
    assert {k[0] for k in stored()} == {"org-a", "org-b"}


def test_values_record_who_wrote_them(cast, as_):
    as_("bob", "token").post(V, {"values": [row(org="org-b")]})
    assert DataValue.objects.get().updated_by == cast.bob


def test_a_reporter_cannot_change_an_approved_report(reported, as_):
    response = as_("alice").post(V, {"values": [row(period="2024-01", value=11)]})
    assert response.status_code == 400
    assert "is approved" in response.json()["errors"][0]["message"]
    assert stored()[("org-a", "enrolled", "2024-01", "")] == (10.0, "")


def test_sending_an_approved_value_unchanged_is_not_an_error(reported, as_):
    response = as_("alice").post(V, {"values": [row(period="2024-01", value=10)]})
    assert response.status_code == 200 and summary(response)["unchanged"] == 1


def test_a_reporter_can_correct_a_returned_report(reported, as_):
    sub = submission(reported.alpha, reported.org_a, "2024-02")
    as_("alice").post(f"/initiatives/alpha/submissions/{sub.id}/submit", {})
    as_("backbone").post(f"/initiatives/alpha/submissions/{sub.id}/return", {"comment": "Too low"})
    response = as_("alice").post(V, {"values": [row(period="2024-02", value=8)]})
    assert summary(response)["updated"] == 1


def test_a_viewer_cannot_upsert(cast, as_, viewer):
    response = as_("vera").post(V, {"values": [row()]})
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not enter values in this initiative."}


@pytest.mark.parametrize("who, how", [("carol", "session"), ("outsider", "token")])
def test_non_members_get_404(cast, as_, who, how):
    assert as_(who, how).post(V, {"values": [row()]}).status_code == 404


def test_non_members_get_403_for_a_published_initiative(cast, as_):
    publish(cast.alpha)
    assert as_("outsider").post(V, {"values": [row()]}).status_code == 403
    assert DataValue.objects.count() == 0


@pytest.mark.parametrize("who, how", [("alice", "revoked"), (None, "anonymous")])
def test_revoked_tokens_and_anonymous_callers_get_401(cast, as_, who, how):
    assert as_(who, how).post(V, {"values": [row()]}).status_code == 401
    assert DataValue.objects.count() == 0


def test_a_malformed_body_is_a_422_naming_each_field(cast, as_):
    response = as_("alice").post(V, {"values": [{"organisation": "org-a", "value": True}]})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"body.values.0.indicator", "body.values.0.period"} <= fields
    assert any(f.startswith("body.values.0.value") for f in fields)


def test_values_by_dimension_are_queryable_once_approved(cast, as_):
    values = [
        row(value=10),
        row(value=6, categories={"gender": "female"}),
        row(value=4, categories={"gender": "male"}),
    ]
    assert as_("alice").post(V, {"values": values}).status_code == 200
    sub = submission(cast.alpha, cast.org_a, "2024-03")
    as_("alice").post(f"/initiatives/alpha/submissions/{sub.id}/submit", {})
    as_("backbone").post(f"/initiatives/alpha/submissions/{sub.id}/approve", {})
    # The backbone: for bob, 4 men is a small number, suppressed (docs/reference/disclosure.md).
    rows = as_("backbone").get("/initiatives/alpha/query", indicator="enrolled", by="gender")
    assert [(r["key"], r["value"]) for r in rows.json()] == [("female", 6), ("male", 4)]


def test_a_body_over_the_size_limit_is_a_413_and_writes_nothing(cast, as_, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    response = as_("backbone").post(
        V, {"values": [row(period=f"2023-{m:02d}") for m in range(1, 13)] * 3}
    )
    assert response.status_code == 413
    assert "smaller batches" in response.json()["detail"]
    assert DataValue.objects.count() == 0


def test_errors_are_capped_with_a_count_of_the_rest(cast, as_):
    from commonmeasure.reporting.importing import MAX_ERRORS

    body = {
        "values": [
            row(period=f"2023-{1 + n % 12:02d}", categories={"colour": "blue"})
            for n in range(MAX_ERRORS + 5)
        ]
    }
    errors = as_("backbone").post(V, body).json()["errors"]
    assert len(errors) == MAX_ERRORS + 1
    assert errors[-1] == {"row": None, "column": None, "message": "... and 5 more errors"}


def test_an_integer_of_hundreds_of_digits_is_a_400_naming_the_value(cast, as_):
    # JSON numbers have no size limit: a 400-digit integer used to be a 500 (OverflowError).
    alice = as_("alice", "token")
    body = '{"values": [' + json.dumps(row()) + ', {"organisation": "org-a", '
    body += '"indicator": "caseload", "period": "2024-03", "value": ' + "9" * 400 + "}]}"
    response = alice.client.post(
        "/api/v1" + V, body, content_type="application/json", headers=alice.headers
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [
        {"row": 2, "column": "value", "message": "the value is too large"}
    ]
    assert DataValue.objects.count() == 0
