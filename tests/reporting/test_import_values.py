"""Importing values in bulk: `commonmeasure import values FILE --initiative CODE` and import_table,
from CSV and XLSX in the long layout (docs/reference/values-file.md)."""

from __future__ import annotations

import pytest

from commonmeasure.reporting.models import DataValue, Submission

from .helpers import HEADER, import_json, stored, write_xlsx


def value_of(org: str, indicator: str, period: str, key: str = "") -> float:
    return DataValue.objects.get(
        submission__organisation__code=org,
        indicator__code=indicator,
        submission__period=period,
        disaggregation__key=key,
    ).value


def test_the_json_summary_has_exactly_the_documented_keys(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(f"{HEADER}\norg-a,enrolled,2024-01,10\norg-b,enrolled,2024-01,5\n")
    code, summary = import_json(cli, path)
    assert code == 0
    assert summary == {"imported": 2, "updated": 0, "unchanged": 0, "errors": []}
    assert value_of("org-a", "enrolled", "2024-01") == 10
    assert value_of("org-b", "enrolled", "2024-01") == 5


def test_importing_the_same_file_again_leaves_every_value_unchanged(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(
        f"{HEADER},comment\norg-a,enrolled,2024-01,10,late\norg-a,caseload,2024-01,3,\n"
    )
    assert import_json(cli, path)[1]["imported"] == 2
    before = stored()
    code, summary = import_json(cli, path)
    assert (code, summary) == (0, {"imported": 0, "updated": 0, "unchanged": 2, "errors": []})
    assert stored() == before


def test_a_changed_value_or_comment_is_updated(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(
        f"{HEADER},comment\norg-a,enrolled,2024-01,10,\norg-a,caseload,2024-01,3,\norg-b,caseload,2024-01,4,\n"
    )
    import_json(cli, path)
    path.write_text(
        f"{HEADER},comment\norg-a,enrolled,2024-01,11,\norg-a,caseload,2024-01,3,checked\norg-b,caseload,2024-01,4,\n"
    )
    code, summary = import_json(cli, path)
    assert (code, summary) == (0, {"imported": 0, "updated": 2, "unchanged": 1, "errors": []})
    assert value_of("org-a", "enrolled", "2024-01") == 11
    assert (
        DataValue.objects.get(
            indicator__code="caseload", submission__organisation__code="org-a"
        ).comment
        == "checked"
    )


def test_a_dry_run_counts_but_writes_nothing(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(f"{HEADER}\norg-a,enrolled,2024-01,10\norg-a,enrolled,2024-02,12\n")
    before = stored()
    code, summary = import_json(cli, path, "--dry-run")
    assert (code, summary) == (0, {"imported": 2, "updated": 0, "unchanged": 0, "errors": []})
    assert stored() == before


def test_a_dry_run_prints_that_nothing_was_written(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(f"{HEADER}\norg-a,enrolled,2024-01,10\n")
    code, out, _ = cli("import", "values", path, "--initiative", "alpha", "--dry-run")
    assert code == 0
    assert "would import 1 new" in out and "nothing written" in out


def test_imported_reports_stay_drafts_unless_approved(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(f"{HEADER}\norg-a,enrolled,2024-01,10\n")
    import_json(cli, path)
    assert Submission.objects.get().status == Submission.DRAFT


def test_approve_marks_every_report_the_file_touches_approved(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(
        f"{HEADER}\norg-a,enrolled,2024-01,10\norg-b,enrolled,2024-01,5\norg-a,enrolled,2024-02,7\n"
    )
    code, out, _ = cli(
        "import", "values", path, "--initiative", "alpha", "--approve", "--user", "backbone"
    )
    assert code == 0
    assert "3 report(s) approved" in out
    subs = Submission.objects.all()
    assert {(s.organisation.code, s.period, s.status) for s in subs} == {
        ("org-a", "2024-01", "approved"),
        ("org-b", "2024-01", "approved"),
        ("org-a", "2024-02", "approved"),
    }
    assert all(s.reviewed_by == cast.backbone for s in subs)


def test_approve_leaves_reports_the_file_does_not_touch(cast, cli, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text(f"{HEADER}\norg-b,enrolled,2024-01,5\n")
    import_json(cli, first)
    second = tmp_path / "second.csv"
    second.write_text(f"{HEADER}\norg-a,enrolled,2024-01,10\n")
    import_json(cli, second, "--approve")
    assert dict(Submission.objects.values_list("organisation__code", "status")) == {
        "org-a": "approved",
        "org-b": "draft",
    }


def test_an_approved_report_cannot_be_changed_by_an_import(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(f"{HEADER}\norg-a,enrolled,2024-01,10\n")
    import_json(cli, path, "--approve")
    path.write_text(f"{HEADER}\norg-b,enrolled,2024-01,4\norg-a,enrolled,2024-01,11\n")
    before = stored()
    code, summary = import_json(cli, path)
    assert code == 1
    assert summary["errors"] == [
        {"row": 3, "column": "value", "message": summary["errors"][0]["message"]}
    ]
    assert (
        "approved" in summary["errors"][0]["message"] and "org-a" in summary["errors"][0]["message"]
    )
    assert stored() == before


def test_a_blank_dimension_cell_means_not_disaggregated_by_that_dimension(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(
        "organisation,indicator,period,value,gender,age_band\n"
        "org-a,enrolled,2024-01,10,,\n"
        "org-a,enrolled,2024-01,6,female,\n"
        "org-a,enrolled,2024-01,4,,25+\n"
        "org-a,enrolled,2024-01,3,female,16-24\n"
        "org-a,caseload,2024-01,9,,\n"
    )
    code, summary = import_json(cli, path)
    assert (code, summary["imported"]) == (0, 5)
    assert value_of("org-a", "enrolled", "2024-01", "") == 10
    assert value_of("org-a", "enrolled", "2024-01", "gender=female") == 6
    assert value_of("org-a", "enrolled", "2024-01", "age_band=25+") == 4
    assert value_of("org-a", "enrolled", "2024-01", "age_band=16-24;gender=female") == 3
    assert value_of("org-a", "caseload", "2024-01", "") == 9


def test_columns_may_come_in_any_order_and_any_case_and_categories_by_name(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(
        "Value,Gender,PERIOD,Organisation,Indicator,Comment\n8,Female,2024-01,ORG-A,Enrolled,note\n"
    )
    code, summary = import_json(cli, path)
    assert (code, summary["imported"]) == (0, 1)
    assert value_of("org-a", "enrolled", "2024-01", "gender=female") == 8


def test_a_byte_order_mark_is_accepted(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_bytes(("\ufeff" + f"{HEADER}\norg-a,enrolled,2024-01,10\n").encode("utf-8"))
    assert import_json(cli, path) == (
        0,
        {"imported": 1, "updated": 0, "unchanged": 0, "errors": []},
    )


def test_an_xlsx_workbook_imports_like_csv(cast, cli, tmp_path):
    path = write_xlsx(
        tmp_path / "v.xlsx",
        [
            ["organisation", "indicator", "period", "value", "gender", "comment"],
            ["org-a", "enrolled", "2024-01", 10, None, None],
            ["org-a", "enrolled", "2024-01", 4, "male", "from the register"],
            [None, None, None, None, None, None],
            ["org-b", "wage", "2024-01", 11.25, None, None],
        ],
    )
    code, summary = import_json(cli, path)
    assert (code, summary) == (0, {"imported": 3, "updated": 0, "unchanged": 0, "errors": []})
    assert value_of("org-a", "enrolled", "2024-01", "gender=male") == 4
    assert value_of("org-b", "wage", "2024-01") == 11.25
    assert import_json(cli, path)[1]["unchanged"] == 3


def test_an_xlsx_date_cell_is_read_as_its_month(cast, cli, tmp_path):
    from datetime import date

    path = write_xlsx(
        tmp_path / "v.xlsx", [HEADER.split(","), ["org-a", "enrolled", date(2024, 3, 1), 5]]
    )
    assert import_json(cli, path)[1]["imported"] == 1
    assert value_of("org-a", "enrolled", "2024-03") == 5


def test_a_year_number_in_an_xlsx_cell_is_a_year_code(cast, tmp_path):
    from commonmeasure.interchange.tabular import open_table
    from commonmeasure.reporting.importing import import_table

    path = write_xlsx(tmp_path / "v.xlsx", [HEADER.split(","), ["org-c", "enrolled", "2024-Q1", 5]])
    result = import_table(cast.beta, open_table(path))
    assert (result.errors, result.imported) == ([], 1)
    path = write_xlsx(tmp_path / "w.xlsx", [HEADER.split(","), ["org-c", "enrolled", 2024, 5]])
    result = import_table(cast.beta, open_table(path))
    assert result.errors[0].column == "period" and "quarter" in result.errors[0].message


def test_import_table_reports_the_same_counts_as_the_command(cast, import_csv):
    text = f"{HEADER}\norg-a,enrolled,2024-01,10\n"
    first = import_csv(cast.alpha, text)
    again = import_csv(cast.alpha, text)
    assert (first.imported, again.imported, again.unchanged) == (1, 0, 1)


def test_values_are_stored_against_the_initiative(cast, import_csv):
    import_csv(cast.alpha, f"{HEADER}\norg-a,enrolled,2024-01,10\n")
    assert list(DataValue.objects.values_list("initiative__code", flat=True)) == ["alpha"]


def test_the_human_summary_names_the_counts(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(f"{HEADER}\norg-a,enrolled,2024-01,10\n")
    code, out, _ = cli("import", "values", path, "--initiative", "alpha")
    assert code == 0
    assert out.strip() == "v.csv: imported 1 new, 0 updated, 0 unchanged values."


def test_an_unknown_initiative_is_an_error(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(f"{HEADER}\norg-a,enrolled,2024-01,10\n")
    code, _, err = cli("import", "values", path, "--initiative", "gamma")
    assert code == 1
    assert "no initiative with code 'gamma'" in err and "alpha" in err


@pytest.mark.parametrize("user", ["nobody"])
def test_an_unknown_user_is_an_error(cast, cli, tmp_path, user):
    path = tmp_path / "v.csv"
    path.write_text(f"{HEADER}\norg-a,enrolled,2024-01,10\n")
    code, _, err = cli("import", "values", path, "--initiative", "alpha", "--user", user)
    assert code == 1 and f"no user '{user}'" in err
    assert DataValue.objects.count() == 0


def test_one_file_can_add_to_and_change_a_stored_report_and_create_another(cast, import_csv):
    head = "organisation,indicator,period,value,gender\n"
    assert import_csv(cast.alpha, head + "org-a,enrolled,2024-01,10,\n").ok
    result = import_csv(
        cast.alpha,
        head
        + "org-a,enrolled,2024-01,12,\n"  # changed
        + "org-a,enrolled,2024-01,5,female\n"  # new in a stored report
        + "org-b,enrolled,2024-01,7,\n"  # new report
        + "org-b,enrolled,2024-01,3,male\n",
    )
    assert (result.errors, result.imported, result.updated, result.unchanged) == ([], 3, 1, 0)
    assert sorted(
        DataValue.objects.values_list(
            "submission__organisation__code", "disaggregation__key", "value", "created_channel"
        )
    ) == [
        ("org-a", "", 12.0, "file"),
        ("org-a", "gender=female", 5.0, "file"),
        ("org-b", "", 7.0, "file"),
        ("org-b", "gender=male", 3.0, "file"),
    ]
