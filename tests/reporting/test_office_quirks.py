"""Files saved by real office programs, each as it was seen going wrong: read exactly as typed,
or refused naming the row and column, nothing written (docs/reference/values-file.md, "Files
from other programs"; docs/reference/spreadsheet-template.md)."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from tests.office.writers import Fx, Pct, write_ods

from .helpers import HEADER, import_json, stored, write_xlsx
from .test_templates import make_template


def imported(cli, path) -> dict:
    code, summary = import_json(cli, path)
    assert (code, summary["errors"]) == (0, [])
    return summary


def refused(cli, path) -> list[dict]:
    before = stored()
    code, summary = import_json(cli, path)
    assert code == 1 and summary["errors"]
    assert (summary["imported"], summary["updated"], summary["unchanged"]) == (0, 0, 0)
    assert stored() == before
    return summary["errors"]


# -- the CSV template's marker line, padded by the program that saved it ------------------------


@pytest.mark.parametrize("separator", [",", ";"])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_csv_template_saved_by_a_spreadsheet_program_pads_its_marker_and_is_read(
    cast, cli, tmp_path, separator, encoding
):
    path = make_template(cli, tmp_path, fmt="csv")
    lines = path.read_text().splitlines()
    width = len(lines[1].split(","))
    body = [
        line.replace("org-a,caseload,2024-01,,,,", "org-a,caseload,2024-01,,,17,café")
        for line in lines[1:]
    ]
    saved = [lines[0] + "," * (width - 1), *body]  # what LibreOffice writes back
    text = "\r\n".join(line.replace(",", separator) for line in saved) + "\r\n"
    path.write_bytes(text.encode(encoding))
    summary = imported(cli, path)
    assert summary["imported"] == 1
    assert stored()["values"] == [("org-a", "caseload", "2024-01", "", 17.0, "café")]


def test_a_padded_marker_of_another_version_still_says_which_version_it_is(cast, cli, tmp_path):
    path = make_template(cli, tmp_path, fmt="csv")
    lines = path.read_text().splitlines()
    path.write_text("\n".join(["# commonmeasure-template version 3;;;;;;", *lines[1:]]) + "\n")
    errors = refused(cli, path)
    assert "has CSV template version 3;" in errors[0]["message"]


# -- the 1904 date system ---------------------------------------------------------------------


def test_a_workbook_in_the_1904_date_system_is_read_on_the_right_dates(cast, cli, tmp_path):
    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(["org-a", "caseload", datetime(2024, 2, 1), 5])  # noqa: DTZ001 (a cell's date)
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    assert b'date1904="1"' in __import__("zipfile").ZipFile(path).read("xl/workbook.xml")
    imported(cli, path)
    assert stored()["values"] == [("org-a", "caseload", "2024-02", "", 5.0, "")]


# -- the template's round trip -----------------------------------------------------------------


COMMENTS = {
    "enrolled": "=sum of the two lists",
    "job_starts": "+3 since March",
    "caseload": "- see the note",
    "start_rate": "@Ana please check",
}


@pytest.fixture
def commented(cast, import_csv):
    rows = "\n".join(
        f'org-a,{code},2024-01,{n},"{text}"' for n, (code, text) in enumerate(COMMENTS.items())
    )
    result = import_csv(cast.alpha, f"{HEADER},comment\n{rows}\n")
    assert result.errors == []
    return stored()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_untouched_template_changes_nothing_even_with_comments_a_spreadsheet_takes_for_formulas(
    commented, cli, tmp_path, fmt
):
    path = make_template(cli, tmp_path, fmt=fmt)
    summary = imported(cli, path)
    assert (summary["imported"], summary["updated"], summary["unchanged"]) == (0, 0, 4)
    assert stored() == commented


def test_the_template_marks_such_text_as_text_instead_of_adding_an_apostrophe(
    commented, cli, tmp_path
):
    ws = load_workbook(make_template(cli, tmp_path))["Values"]
    cells = [row[-1] for row in ws.iter_rows(min_row=4) if row[-1].value]
    assert sorted(c.value for c in cells) == sorted(COMMENTS.values())
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


# -- ODS ----------------------------------------------------------------------------------------


def test_an_ods_values_file_is_read(cast, cli, tmp_path):
    path = write_ods(
        tmp_path / "values.ods",
        {
            "Values": [
                [*HEADER.split(","), "comment"],
                ["org-a", "caseload", "2024-01", 4, "two  spaces"],
                ["org-a", "wage", datetime(2024, 2, 1), 12.5, None],  # noqa: DTZ001
            ],
            "Notes": [["not read"]],
        },
    )
    summary = imported(cli, path)
    assert summary["imported"] == 2
    assert stored()["values"] == [
        ("org-a", "caseload", "2024-01", "", 4.0, "two  spaces"),
        ("org-a", "wage", "2024-02", "", 12.5, ""),
    ]


def test_in_an_ods_file_hidden_sheets_are_skipped(cast, cli, tmp_path):
    path = write_ods(
        tmp_path / "values.ods",
        {"Old": [["x"]], "Values": [HEADER.split(","), ["org-a", "caseload", "2024-01", 4]]},
        hidden=("Old",),
    )
    assert imported(cli, path)["imported"] == 1


# -- formulas, in every column ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_a_formula_in_the_comment_column_is_refused_naming_its_row_and_column(
    cast, cli, tmp_path, kind
):
    if kind == "xlsx":
        path = write_xlsx(
            tmp_path / "v.xlsx",
            [[*HEADER.split(","), "comment"], ["org-a", "caseload", "2024-01", 4, '="seen"']],
        )
    else:
        path = write_ods(
            tmp_path / "v.ods",
            {
                "S": [
                    [*HEADER.split(","), "comment"],
                    ["org-a", "caseload", "2024-01", 4, Fx("of:=1+1")],
                ]
            },
        )
    errors = refused(cli, path)
    assert [(e["row"], e["column"]) for e in errors] == [(2, "comment")]
    assert "is a formula; formulas are never calculated" in errors[0]["message"]


def test_a_formula_in_a_key_column_is_refused_too(cast, cli, tmp_path):
    path = write_xlsx(
        tmp_path / "v.xlsx", [HEADER.split(","), ["org-a", '=LOWER("CASELOAD")', "2024-01", 4]]
    )
    errors = refused(cli, path)
    assert [(e["row"], e["column"]) for e in errors] == [(2, "indicator")]


# -- values typed with % ------------------------------------------------------------------------


def percent_workbook(path, indicator, value=0.214):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(["org-a", indicator, "2024-01", value])
    ws["D2"].number_format = "0.0%"
    wb.save(path)
    return path


def test_a_percentage_typed_with_a_percent_sign_is_read_as_typed_and_noted(cast, cli, tmp_path):
    summary = imported(cli, percent_workbook(tmp_path / "p.xlsx", "satisfaction"))
    assert stored()["values"] == [("org-a", "satisfaction", "2024-01", "", 21.4, "")]
    assert any("21.4% as 21.4" in note for note in summary["notes"])


@pytest.mark.parametrize("kind", ["csv", "ods"])
def test_the_same_from_csv_text_and_from_ods(cast, cli, tmp_path, kind):
    if kind == "csv":
        path = tmp_path / "p.csv"
        path.write_text(f"{HEADER}\norg-a,satisfaction,2024-01,21.4%\n")
    else:
        path = write_ods(
            tmp_path / "p.ods",
            {"S": [HEADER.split(","), ["org-a", "satisfaction", "2024-01", Pct(0.214)]]},
        )
    imported(cli, path)
    assert stored()["values"] == [("org-a", "satisfaction", "2024-01", "", 21.4, "")]


def test_a_percentage_where_one_makes_no_sense_is_refused(cast, cli, tmp_path):
    errors = refused(cli, percent_workbook(tmp_path / "p.xlsx", "caseload", 0.5))
    assert (errors[0]["row"], errors[0]["column"]) == (2, "value")
    assert (
        "50% is a percentage, but Active caseload (caseload) is not a percentage indicator"
        in errors[0]["message"]
    )


def test_plain_numbers_in_a_percentage_indicator_get_no_note(cast, cli, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(f"{HEADER}\norg-a,satisfaction,2024-01,21.4\n")
    assert imported(cli, path).get("notes", []) == []


# -- the decimal-comma note ---------------------------------------------------------------------


def test_the_decimal_comma_note_is_given_only_when_a_decimal_comma_was_read(cast, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("organisation;indicator;period;value\norg-a;caseload;2024-01;4\n")
    assert imported(cli, path)["notes"] == ["Columns are separated by semicolons."]
    path.write_text("organisation;indicator;period;value\norg-a;wage;2024-01;4,5\n")
    assert imported(cli, path)["notes"] == [
        "Columns are separated by semicolons.",
        "Decimal commas in the value column were read as decimal points.",
    ]


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_the_csv_template_opened_and_saved_as_a_workbook_is_still_a_template(
    cast, cli, tmp_path, kind
):
    lines = make_template(cli, tmp_path, fmt="csv").read_text().splitlines()
    rows = [[lines[0]]] + [line.split(",") for line in lines[1:]]
    for row in rows[2:]:
        if row[1:4] == ["caseload", "2024-01", ""]:
            row[5] = 17
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "t.xlsx", rows)
    else:
        path = write_ods(tmp_path / "t.ods", {"template": rows})
    summary = imported(cli, path)
    assert summary["imported"] == 1
    assert stored()["values"] == [("org-a", "caseload", "2024-01", "", 17.0, "")]
