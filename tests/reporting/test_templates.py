"""Spreadsheet templates: what they hold, and filling one in and importing it back
(docs/reference/spreadsheet-template.md)."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from commonmeasure.initiatives.models import Indicator

from .helpers import stored


def make_template(cli, tmp_path, *extra, fmt="xlsx", period="2024-01", org="org-a"):
    path = tmp_path / f"template.{fmt}"
    code, _, err = cli(
        "template",
        "--initiative",
        "alpha",
        "--organisation",
        org,
        "--period",
        period,
        "--format",
        fmt,
        "-o",
        path,
        *extra,
    )
    assert code == 0, err
    return path


def fill(path, cells: dict, sheet="Values"):
    wb = load_workbook(path)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(path)
    return path


def import_json(cli, path, *extra):
    code, out, _ = cli("import", "values", path, "--initiative", "alpha", "--json", *extra)
    return code, json.loads(out)


def rows_of(ws):
    return {row[1]: row for row in ws.iter_rows(min_row=4, values_only=True)}


def test_the_template_has_a_sheet_to_fill_instructions_and_hidden_metadata(cast, cli, tmp_path):
    wb = load_workbook(make_template(cli, tmp_path))
    assert wb.sheetnames == ["Values", "Instructions", "cm_template"]
    assert [wb[n].sheet_state for n in wb.sheetnames] == ["visible", "visible", "hidden"]
    meta = {
        row[0]: row[1]
        for row in wb["cm_template"].iter_rows(values_only=True)
        if row[0] != "column"
    }
    assert (
        meta["format"],
        meta["version"],
        meta["initiative"],
        meta["organisation"],
        meta["periods"],
    ) == (
        "commonmeasure-template",
        1,
        "alpha",
        "org-a",
        "2024-01",
    )


def test_indicators_are_rows_and_categories_and_their_combinations_are_columns(cast, cli, tmp_path):
    ws = load_workbook(make_template(cli, tmp_path))["Values"]
    header = [c.value for c in ws[3]]
    assert header[:5] == ["Indicator", "Code", "Unit", "Period", "Total"]
    assert "Gender: Female" in header and "Age band: 25 and over" in header
    assert "Female × 16 to 24" in header and header[-1] == "Comment"
    assert list(rows_of(ws)) == [
        "enrolled",
        "job_starts",
        "caseload",
        "start_rate",
        "satisfaction",
        "wage",
    ]


def test_a_range_of_periods_repeats_each_indicator_for_each_period(cast, cli, tmp_path):
    ws = load_workbook(make_template(cli, tmp_path, "--to", "2024-03"))["Values"]
    periods = [row[3] for row in ws.iter_rows(min_row=4, values_only=True)]
    assert periods == ["2024-01"] * 6 + ["2024-02"] * 6 + ["2024-03"] * 6


def test_labels_are_locked_and_only_cells_that_apply_are_open_for_input(cast, cli, tmp_path):
    ws = load_workbook(make_template(cli, tmp_path))["Values"]
    assert ws.protection.sheet is True
    header = [c.value for c in ws[3]]
    female, age = header.index("Gender: Female") + 1, header.index("Age band: 16 to 24") + 1
    enrolled, job_starts = 4, 5
    assert ws.cell(enrolled, 1).protection.locked is True  # the indicator's name
    assert ws.cell(enrolled, female).protection.locked is False
    assert ws.cell(job_starts, female).protection.locked is False
    assert ws.cell(job_starts, age).protection.locked is True  # job starts are not split by age
    assert ws.cell(job_starts, age).fill.fgColor.rgb.endswith("D9D9D9")


def test_cells_are_validated_and_formatted_by_the_indicators_value_type(cast, cli, tmp_path):
    ws = load_workbook(make_template(cli, tmp_path))["Values"]
    by_cell = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            by_cell[rng.coord] = (dv.type, dv.operator, dv.formula1, dv.formula2)
    assert by_cell["E4"] == ("whole", "greaterThanOrEqual", "0", None)  # enrolled: a count
    assert by_cell["E8"] == ("decimal", "between", "0", "100")  # satisfaction: a percentage
    assert ws["E4"].number_format == "0" and ws["E9"].number_format == "#,##0.00"  # wage: currency


def test_the_instructions_give_each_indicators_definition_unit_and_rule(cast, cli, tmp_path):
    Indicator.objects.filter(code="enrolled").update(definition="People who signed up this month.")
    ws = load_workbook(make_template(cli, tmp_path))["Instructions"]
    rows = {row[0]: row for row in ws.iter_rows(values_only=True) if row and row[0]}
    assert rows["enrolled"][1:6] == (
        "People enrolled",
        "people",
        "count",
        "A whole number, 0 or more.",
        "People who signed up this month.",
    )
    assert rows["satisfaction"][4] == "A percentage from 0 to 100 (enter 45 for 45%)."


def test_text_that_could_become_a_formula_is_exported_as_text(cast, cli, tmp_path):
    Indicator.objects.filter(code="enrolled").update(
        name='=HYPERLINK("http://x")', definition="+1 trick"
    )
    wb = load_workbook(make_template(cli, tmp_path))
    name = wb["Values"]["A4"]
    assert (name.value, name.data_type, name.quotePrefix) == ('=HYPERLINK("http://x")', "s", True)
    definition = [row[5] for row in wb["Instructions"].iter_rows() if row[5].value == "+1 trick"]
    assert definition and definition[0].quotePrefix


def test_a_filled_template_imports_its_values(cast, cli, tmp_path):
    path = fill(
        make_template(cli, tmp_path),
        {"E4": 10, "F4": 6, "G4": 4, "J4": 3, "E6": 25, "N6": "a note"},
    )
    code, summary = import_json(cli, path)
    assert (code, summary["imported"], summary["errors"]) == (0, 5, [])
    assert stored()["values"] == [
        ("org-a", "caseload", "2024-01", "", 25.0, "a note"),
        ("org-a", "enrolled", "2024-01", "", 10.0, ""),
        ("org-a", "enrolled", "2024-01", "age_band=16-24;gender=female", 3.0, ""),
        ("org-a", "enrolled", "2024-01", "gender=female", 6.0, ""),
        ("org-a", "enrolled", "2024-01", "gender=male", 4.0, ""),
    ]


def test_a_new_template_comes_filled_with_the_stored_values_and_imports_unchanged(
    cast, cli, tmp_path
):
    import_json(cli, fill(make_template(cli, tmp_path), {"E4": 10, "E9": 12.5}))
    again = make_template(cli, tmp_path)
    ws = load_workbook(again)["Values"]
    assert (ws["E4"].value, ws["E9"].value) == (10, 12.5)
    code, summary = import_json(cli, again)
    assert (code, summary["imported"], summary["updated"], summary["unchanged"]) == (0, 0, 0, 2)


def test_errors_name_the_templates_own_cells(cast, cli, tmp_path):
    path = fill(make_template(cli, tmp_path), {"E5": 2.5, "E8": 101, "E6": "=E4+1", "H5": 1})
    before = stored()
    code, summary = import_json(cli, path)
    assert code == 1 and stored() == before
    where = {(e["row"], e["column"]): e["message"] for e in summary["errors"]}
    assert set(where) == {(5, "E"), (5, "H"), (6, "E"), (8, "E")}
    assert where[(5, "E")].startswith("sheet 'Values', cell E5: 2.5 is not a count")
    assert "job_starts cannot be disaggregated by age_band" in where[(5, "H")]
    assert "is a formula" in where[(6, "E")]


def test_a_value_outside_the_templates_columns_is_refused_naming_the_cell(cast, cli, tmp_path):
    path = fill(make_template(cli, tmp_path), {"E4": 1, "P4": 99})
    code, summary = import_json(cli, path)
    assert code == 1 and summary["imported"] == 0
    assert "cell P4 is outside the template's columns" in summary["errors"][0]["message"]


def set_meta(path, key, value):
    wb = load_workbook(path)
    ws = wb["cm_template"]
    for row in ws.iter_rows():
        if row[0].value == key:
            row[1].value = value
    wb.save(path)
    return path


def test_a_template_newer_than_this_installation_says_which_version_is_needed(cast, cli, tmp_path):
    path = set_meta(fill(make_template(cli, tmp_path), {"E4": 1}), "version", 7)
    code, summary = import_json(cli, path)
    message = summary["errors"][0]["message"]
    assert code == 1 and "is a version 7 template" in message and "(versions 1)" in message
    assert "download a new template (version 1)" in message


def test_a_template_of_an_unknown_version_says_which_version_is_needed(cast, cli, tmp_path):
    path = set_meta(fill(make_template(cli, tmp_path), {"E4": 1}), "version", "beta")
    code, summary = import_json(cli, path)
    assert (
        code == 1
        and "template version 'beta', which cannot be read" in summary["errors"][0]["message"]
    )


def test_a_template_for_another_initiative_is_refused(cast, cli, tmp_path):
    path = set_meta(fill(make_template(cli, tmp_path), {"E4": 1}), "initiative", "beta")
    code, summary = import_json(cli, path)
    assert (
        code == 1
        and "is a template for initiative 'beta', not 'alpha'" in summary["errors"][0]["message"]
    )


def test_every_template_version_has_a_reader():
    from commonmeasure.interchange import templates_xlsx

    assert templates_xlsx.VERSION in templates_xlsx.READERS


def test_the_csv_template_imports_the_rows_given_a_value_and_skips_the_rest(cast, cli, tmp_path):
    path = make_template(cli, tmp_path, fmt="csv")
    lines = path.read_text().splitlines()
    assert lines[0] == "# commonmeasure-template version 1"
    filled = [
        line.replace("org-a,caseload,2024-01,,,,", "org-a,caseload,2024-01,,,17,") for line in lines
    ]
    path.write_text("\n".join(filled) + "\n")
    code, summary = import_json(cli, path)
    assert (code, summary["imported"], summary["errors"]) == (0, 1, [])
    assert stored()["values"] == [("org-a", "caseload", "2024-01", "", 17.0, "")]


def test_csv_template_errors_name_the_line_of_the_file(cast, cli, tmp_path):
    path = make_template(cli, tmp_path, fmt="csv")
    lines = path.read_text().splitlines()
    assert lines[3] == "org-a,enrolled,2024-01,female,,,"  # line 4 of the file
    lines[3] = "org-a,enrolled,2024-01,female,,-1,"
    path.write_text("\n".join(lines) + "\n")
    code, summary = import_json(cli, path)
    assert code == 1 and (summary["errors"][0]["row"], summary["errors"][0]["column"]) == (
        4,
        "value",
    )


def test_a_csv_template_of_another_version_is_refused(cast, cli, tmp_path):
    path = make_template(cli, tmp_path, fmt="csv")
    path.write_text(path.read_text().replace("version 1", "version 3", 1))
    code, summary = import_json(cli, path)
    assert code == 1 and "reads version 1" in summary["errors"][0]["message"]


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ("--organisation", "org-c", "--period", "2024-01"),
            "organisation 'org-c' does not take part",
        ),
        (("--organisation", "org-a", "--period", "2024-Q1"), "monthly reporting"),
        (
            ("--organisation", "org-a", "--period", "2024-03", "--to", "2024-01"),
            "ends (2024-01) before it starts",
        ),
    ],
)
def test_the_template_command_names_what_is_wrong(cast, cli, tmp_path, args, message):
    code, _, err = cli("template", "--initiative", "alpha", *args, "-o", tmp_path / "t.xlsx")
    assert code == 1 and message in err
