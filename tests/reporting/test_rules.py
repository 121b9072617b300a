"""Validation rules: declared in the initiative file, checked on entry, on import and on submit."""

from __future__ import annotations

import pytest

from commonmeasure.initiatives.access import access_for
from commonmeasure.interchange.definition import DefinitionError, InitiativeDef, read_definition
from commonmeasure.reporting import rules, services
from commonmeasure.reporting.initiative_file import dump_definition, load_definition
from commonmeasure.reporting.models import DataValue, Submission, ValidationRule
from tests.conftest import FIXTURES

RULES = [
    {
        "code": "starts_within_enrolled",
        "left": "job_starts",
        "op": "<=",
        "right": "enrolled",
        "severity": "error",
        "message": "Job starts cannot exceed people enrolled",
    },
    {
        "code": "caseload_covers",
        "left": "caseload",
        "op": ">=",
        "right": "enrolled",
        "severity": "warning",
        "message": "The caseload is usually at least the number enrolled",
    },
]


@pytest.fixture
def with_rules(cast):
    data = read_definition(FIXTURES / "alpha.yaml").model_dump()
    data["rules"] = RULES
    load_definition(InitiativeDef.model_validate(data))
    return cast


def _save(cast, user, period="2024-02", **values):
    access = access_for(user, cast.alpha)
    sub = services.get_or_create_submission(access, cast.org_a, period)
    cells = []
    for code, raw in values.items():
        comment = ""
        if isinstance(raw, tuple):
            raw, comment = raw
        cells.append(
            services.CellInput(cast.alpha.indicators.get(code=code), {}, str(raw), comment)
        )
    return services.save_values(access, sub, cells, expected_version=sub.version, user=user)


def test_rules_in_the_definition_file_are_loaded_and_dumped_back(with_rules):
    stored = list(
        ValidationRule.objects.filter(initiative=with_rules.alpha).values_list(
            "code", "op", "severity"
        )
    )
    assert stored == [
        ("starts_within_enrolled", "<=", "error"),
        ("caseload_covers", ">=", "warning"),
    ]
    assert dump_definition(with_rules.alpha)["rules"] == RULES


def test_a_rule_naming_an_unknown_indicator_is_refused_with_its_place(cast):
    data = read_definition(FIXTURES / "alpha.yaml").model_dump()
    data["rules"] = [
        {"code": "r1", "left": "job_starts", "op": "<=", "right": "enroled", "message": "m"}
    ]
    with pytest.raises(Exception) as caught:
        InitiativeDef.model_validate(data)
    assert "rules.0 (r1)" in str(caught.value) and "unknown indicator 'enroled'" in str(
        caught.value
    )


def test_a_rule_with_an_unknown_operator_is_refused(cast):
    data = read_definition(FIXTURES / "alpha.yaml").model_dump()
    data["rules"] = [{"code": "r1", "left": "a", "op": "=", "right": "b", "message": "m"}]
    with pytest.raises(Exception) as caught:
        InitiativeDef.model_validate(data)
    assert "op" in str(caught.value)
    assert isinstance(DefinitionError("f", ["x"]), ValueError)


def test_rules_removed_from_the_file_are_removed(with_rules):
    data = read_definition(FIXTURES / "alpha.yaml").model_dump()
    data["rules"] = RULES[:1]
    load_definition(InitiativeDef.model_validate(data))
    assert list(ValidationRule.objects.values_list("code", flat=True)) == ["starts_within_enrolled"]


def test_rule_set_reports_failures_with_the_values_compared(with_rules):
    rule_set = rules.RuleSet.for_initiative(with_rules.alpha)
    outcomes = {o.code: o for o in rule_set.check({"job_starts": 12, "enrolled": 10})}
    assert outcomes["starts_within_enrolled"].is_error
    assert "job_starts is 12 and enrolled is 10" in outcomes["starts_within_enrolled"].reason
    assert outcomes["caseload_covers"].status == "not applicable"
    assert [o.code for o in rule_set.failures({"job_starts": 12, "enrolled": 10})] == [
        "starts_within_enrolled"
    ]


def test_saving_returns_the_rules_outcomes_without_blocking_the_save(with_rules):
    result = _save(with_rules, with_rules.alice, job_starts=12, enrolled=10)
    assert result.saved == 2
    failed = [o.code for o in result.rules if o.failed]
    assert failed == ["starts_within_enrolled"]


def test_an_error_rule_blocks_submission_with_its_message(with_rules):
    result = _save(with_rules, with_rules.alice, job_starts=12, enrolled=10, caseload=20)
    with pytest.raises(services.WorkflowError, match="Job starts cannot exceed people enrolled"):
        services.submit(
            access_for(with_rules.alice, with_rules.alpha), result.submission, with_rules.alice
        )
    assert Submission.objects.get(pk=result.submission.pk).status == Submission.DRAFT


def test_a_warning_blocks_submission_until_a_value_is_commented(with_rules):
    access = access_for(with_rules.alice, with_rules.alpha)
    result = _save(with_rules, with_rules.alice, job_starts=5, enrolled=10, caseload=8)
    with pytest.raises(services.WorkflowError, match="a warning: explain it"):
        services.submit(access, result.submission, with_rules.alice)
    result = _save(
        with_rules, with_rules.alice, caseload=(8, "Two people left the programme early")
    )
    assert (
        services.submit(access, result.submission, with_rules.alice).status == Submission.SUBMITTED
    )


def test_a_warning_is_also_explained_by_the_note_for_the_backbone(with_rules):
    access = access_for(with_rules.alice, with_rules.alpha)
    result = _save(with_rules, with_rules.alice, job_starts=5, enrolled=10, caseload=8)
    sub = result.submission
    services.save_values(
        access,
        sub,
        [],
        expected_version=sub.version,
        user=with_rules.alice,
        note="Caseload counted at month end",
    )
    assert services.submit(access, sub, with_rules.alice).status == Submission.SUBMITTED


def test_import_fails_on_a_broken_error_rule_naming_the_row_and_column(with_rules, import_csv):
    before = DataValue.objects.count()
    result = import_csv(
        with_rules.alpha,
        "organisation,indicator,period,value\norg-a,enrolled,2024-02,10\norg-a,job_starts,2024-02,12\n",
    )
    assert not result.ok
    (error,) = result.errors
    assert error.row in (2, 3) and error.column == "value"
    assert "starts_within_enrolled" in error.message and "rows 2, 3" in error.message
    assert DataValue.objects.count() == before


def test_import_reports_a_warning_but_writes_the_values(with_rules, import_csv):
    result = import_csv(
        with_rules.alpha,
        "organisation,indicator,period,value\norg-a,enrolled,2024-02,10\norg-a,caseload,2024-02,8\n",
    )
    assert result.ok and result.imported == 2
    (warning,) = result.warnings
    assert warning.column == "value" and "caseload_covers" in warning.message
    assert result.as_dict()["warnings"][0]["message"] == warning.message


def test_import_checks_rules_against_values_already_stored(with_rules, import_csv):
    assert import_csv(
        with_rules.alpha, "organisation,indicator,period,value\norg-a,enrolled,2024-02,10\n"
    ).ok
    result = import_csv(
        with_rules.alpha, "organisation,indicator,period,value\norg-a,job_starts,2024-02,11\n"
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "value")]


def test_import_into_another_report_is_not_blocked_by_a_rule_it_does_not_touch(
    with_rules, import_csv
):
    _save(with_rules, with_rules.alice, job_starts=12, enrolled=10)  # already breaks the error rule
    result = import_csv(
        with_rules.alpha, "organisation,indicator,period,value\norg-a,wage,2024-02,11.5\n"
    )
    assert result.ok


def test_the_api_returns_warnings_and_refuses_errors(with_rules, client_for):
    import json

    client = client_for(with_rules.alice)

    def send(*rows):
        body = {
            "values": [
                {"organisation": "org-a", "indicator": i, "period": "2024-02", "value": v}
                for i, v in rows
            ]
        }
        return client.post(
            "/api/v1/initiatives/alpha/values", json.dumps(body), content_type="application/json"
        )

    response = send(("enrolled", 10), ("caseload", 8))
    assert response.status_code == 200
    (warning,) = response.json()["warnings"]
    assert (
        warning["row"] == 1
        and "caseload_covers" in warning["message"]
        and "(rows 1, 2)" in warning["message"]
    )
    response = send(("job_starts", 12))
    assert response.status_code == 400
    assert "starts_within_enrolled" in response.json()["errors"][0]["message"]
