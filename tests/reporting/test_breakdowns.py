"""Breakdowns agree with totals on every write path: the services the grid calls (save and
submit), the values import (CSV and XLSX), and `commonmeasure import values`; one check,
``reporting.breakdowns`` (docs/reference/validation-rules.md, "Breakdowns and totals")."""

from __future__ import annotations

import pytest

from commonmeasure.initiatives.access import Access
from commonmeasure.initiatives.models import Indicator
from commonmeasure.reporting import services
from commonmeasure.reporting.models import DataValue, Disaggregation, Submission
from commonmeasure.reporting.services import CellInput

from .helpers import import_json, stored, write_xlsx

LONG = "organisation,indicator,period,value,gender,age_band"


def job_starts(cast):
    return cast.alpha.indicators.get(code="job_starts")


def save(cast, cells: dict[tuple, str], period="2024-03", user=None):
    access = Access(cast.alpha, is_backbone=True)
    sub = services.get_or_create_submission(access, cast.org_a, period)
    ind = {i.code: i for i in cast.alpha.indicators.all()}
    inputs = [CellInput(ind[code], dict(cats), raw) for (code, cats), raw in cells.items()]
    return sub, services.save_values(
        access, sub, inputs, expected_version=sub.version, user=user or cast.alice
    )


def test_a_total_of_33_whose_breakdown_adds_up_to_32_is_not_saved(cast):
    sub, result = save(
        cast,
        {
            ("job_starts", ()): "33",
            ("job_starts", (("gender", "female"),)): "16",
            ("job_starts", (("gender", "male"),)): "16",
        },
    )
    assert result.errors == {
        "v:job_starts:": "job_starts: the breakdown by gender adds up to 32 (every category "
        "given) but the total is 33"
    }
    assert not DataValue.objects.filter(submission=sub).exists()


def test_female_30_against_a_total_of_8_is_not_saved(cast):
    sub, result = save(
        cast, {("job_starts", ()): "8", ("job_starts", (("gender", "female"),)): "30"}
    )
    assert (
        "adds up to 30 (1 of 2 categories given), more than the total of 8"
        in (result.errors["v:job_starts:"])
    )
    assert not DataValue.objects.filter(submission=sub).exists()


def test_a_breakdown_that_agrees_is_saved_and_a_later_change_is_checked_against_stored_cells(
    cast,
):
    cells = {
        ("job_starts", ()): "33",
        ("job_starts", (("gender", "female"),)): "16",
        ("job_starts", (("gender", "male"),)): "17",
    }
    sub, result = save(cast, cells)
    assert result.errors == {} and result.saved == 3
    _, again = save(cast, {("job_starts", (("gender", "male"),)): "20"})
    assert "adds up to 36" in again.errors["v:job_starts:"]
    assert DataValue.objects.get(submission=sub, disaggregation__key="gender=male").value == 17


def test_a_warning_severity_saves_but_blocks_the_submission_until_explained(cast):
    Indicator.objects.filter(pk=job_starts(cast).pk).update(breakdown_check="warning")
    sub, result = save(
        cast, {("job_starts", ()): "8", ("job_starts", (("gender", "female"),)): "30"}
    )
    assert result.errors == {} and result.saved == 2
    assert [o.code for o in result.rules if o.failed] == ["breakdown:job_starts"]
    access = Access(cast.alpha, is_backbone=True)
    with pytest.raises(services.WorkflowError, match="breakdown by gender adds up to 30"):
        services.submit(access, Submission.objects.get(pk=sub.pk), cast.alice)
    Submission.objects.filter(pk=sub.pk).update(note="Thirty women started; the total is late.")
    assert services.submit(access, Submission.objects.get(pk=sub.pk), cast.alice).status == (
        Submission.SUBMITTED
    )


def test_off_turns_the_check_off(cast):
    Indicator.objects.filter(pk=job_starts(cast).pk).update(breakdown_check="off")
    _, result = save(cast, {("job_starts", ()): "8", ("job_starts", (("gender", "female"),)): "30"})
    assert result.errors == {} and result.rules == []


def test_an_indicator_not_summed_across_organisations_is_not_checked(cast):
    Indicator.objects.filter(pk=job_starts(cast).pk).update(aggregation="max")
    _, result = save(cast, {("job_starts", ()): "8", ("job_starts", (("gender", "female"),)): "30"})
    assert result.errors == {}


def test_a_report_stored_with_a_disagreeing_breakdown_cannot_be_submitted(cast):
    """Values stored before the check existed: the submit checks every indicator."""
    access = Access(cast.alpha, is_backbone=True)
    sub = services.get_or_create_submission(access, cast.org_a, "2024-03")
    total = Disaggregation.objects.get_or_create(initiative=cast.alpha, key="", dims="")[0]
    for key, value in (("", 33), ("gender=female", 16), ("gender=male", 16)):
        did = (
            total
            if not key
            else Disaggregation.objects.get_or_create(
                initiative=cast.alpha,
                key=key,
                dims="gender",
                categories={"gender": key.split("=")[1]},
            )[0]
        )
        DataValue.objects.create(
            initiative=cast.alpha,
            submission=sub,
            indicator=job_starts(cast),
            disaggregation=did,
            value=value,
            updated_at=sub.created_at,
        )
    with pytest.raises(services.WorkflowError) as refused:
        services.submit(access, sub, cast.alice)
    assert "the breakdown by gender adds up to 32 (every category given) but the total is 33" in (
        str(refused.value)
    )
    assert Submission.objects.get(pk=sub.pk).status == Submission.DRAFT


def test_an_import_whose_breakdown_disagrees_names_the_row_and_column_and_writes_nothing(
    cast, import_csv
):
    before = stored()
    result = import_csv(
        cast.alpha,
        f"{LONG}\norg-a,caseload,2024-01,4,,\norg-a,job_starts,2024-01,33,,\n"
        "org-a,job_starts,2024-01,16,female,\norg-a,job_starts,2024-01,16,male,\n",
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "value")]
    assert result.errors[0].message == (
        "breakdown check (error): job_starts: the breakdown by gender adds up to 32 (every "
        "category given) but the total is 33; the breakdown and the total must agree"
    )
    assert stored() == before


def test_an_import_of_a_partial_breakdown_above_a_stored_total_names_the_breakdowns_row(
    cast, import_csv
):
    assert import_csv(cast.alpha, f"{LONG}\norg-a,job_starts,2024-01,8,,\n").ok
    result = import_csv(
        cast.alpha, f"{LONG}\norg-a,caseload,2024-01,3,,\norg-a,job_starts,2024-01,30,female,\n"
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "value")]
    assert "adds up to 30 (1 of 2 categories given), more than the total of 8" in (
        result.errors[0].message
    )
    assert not DataValue.objects.filter(indicator__code="caseload").exists()


def test_an_import_that_agrees_is_written_cross_breakdowns_included(cast, import_csv):
    rows = [
        "org-a,enrolled,2024-01,10,,",
        "org-a,enrolled,2024-01,6,female,",
        "org-a,enrolled,2024-01,4,male,",
        "org-a,enrolled,2024-01,1,female,16-24",
        "org-a,enrolled,2024-01,5,female,25+",
        "org-a,enrolled,2024-01,2,male,16-24",
        "org-a,enrolled,2024-01,2,male,25+",
    ]
    result = import_csv(cast.alpha, LONG + "\n" + "\n".join(rows) + "\n")
    assert result.ok and result.imported == 7
    rows[4] = "org-a,enrolled,2024-01,6,female,25+"
    result = import_csv(cast.alpha, LONG + "\n" + "\n".join(rows) + "\n")
    assert [(e.row, e.column) for e in result.errors] == [(2, "value")]
    assert "breakdown by age_band × gender adds up to 11" in result.errors[0].message


def test_a_warning_severity_imports_and_reports_the_warning(cast, import_csv):
    Indicator.objects.filter(pk=job_starts(cast).pk).update(breakdown_check="warning")
    result = import_csv(
        cast.alpha, f"{LONG}\norg-a,job_starts,2024-01,8,,\norg-a,job_starts,2024-01,30,female,\n"
    )
    assert result.ok and result.imported == 2
    assert [(w.row, w.column) for w in result.warnings] == [(2, "value")]
    assert "breakdown check (warning)" in result.warnings[0].message


def test_an_xlsx_values_file_is_checked_the_same_way(cast, import_csv, cli, tmp_path):
    path = write_xlsx(
        tmp_path / "v.xlsx",
        [
            ["organisation", "indicator", "period", "value", "gender"],
            ["org-a", "job_starts", "2024-01", 33, ""],
            ["org-a", "job_starts", "2024-01", 16, "female"],
            ["org-a", "job_starts", "2024-01", 16, "male"],
        ],
    )
    code, summary = import_json(cli, path)
    assert code == 1 and summary["imported"] == 0
    assert [(e["row"], e["column"]) for e in summary["errors"]] == [(2, "value")]
    assert "adds up to 32" in summary["errors"][0]["message"]


def test_the_import_command_prints_the_row_and_column_and_exits_1(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(f"{LONG}\norg-a,job_starts,2024-01,8,,\norg-a,job_starts,2024-01,30,female,\n")
    code, out, err = cli("import", "values", path, "--initiative", "alpha")
    assert code == 1 and out == ""
    assert "row 2, column 'value': breakdown check (error): job_starts" in err
    assert not DataValue.objects.exists()
