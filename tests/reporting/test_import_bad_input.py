"""Bad input to the values import: every problem is named by row and column, the exit code is 1
and nothing is written (docs/reference/values-file.md, "What is checked")."""

from __future__ import annotations

import pytest

from .helpers import HEADER, import_json, stored, write_xlsx

DIMS = "organisation,indicator,period,value,gender,age_band"


@pytest.fixture
def existing(cast, import_csv):
    """One value already stored, so that "nothing written" is checked against a non-empty database."""
    result = import_csv(cast.alpha, f"{HEADER}\norg-b,caseload,2024-01,3\n")
    assert result.errors == []
    return stored()


def refused(cli, path) -> list[dict]:
    """Import ``path`` expecting failure; return the errors after checking nothing was written."""
    before = stored()
    code, summary = import_json(cli, path)
    assert code == 1
    assert (summary["imported"], summary["updated"], summary["unchanged"]) == (0, 0, 0)
    assert summary["errors"], "an error was expected"
    assert stored() == before
    return summary["errors"]


def csv_file(tmp_path, text: str, name: str = "bad.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# Each case: the file's rows after the header, and the (row, column, words in the message) expected.
ROW_CASES = {
    "unknown organisation": (
        "org-z,enrolled,2024-01,1,,",
        3,
        "organisation",
        "unknown organisation 'org-z'",
    ),
    "organisation of another initiative": (
        "org-c,enrolled,2024-01,1,,",
        3,
        "organisation",
        "unknown organisation 'org-c'",
    ),
    "unknown indicator": (
        "org-a,wellbeing,2024-01,1,,",
        3,
        "indicator",
        "unknown indicator 'wellbeing'",
    ),
    "unknown period": ("org-a,enrolled,2024-13,1,,", 3, "period", "month must be 01-12"),
    "period of another type": (
        "org-a,enrolled,2024-Q1,1,,",
        3,
        "period",
        "a month such as 2024-03",
    ),
    "period not started": ("org-a,enrolled,2999-01,1,,", 3, "period", "has not started"),
    "empty period": ("org-a,enrolled,,1,,", 3, "period", "the period is empty"),
    "dimension not allowed": (
        "org-a,job_starts,2024-01,1,,16-24",
        3,
        "age_band",
        "cannot be disaggregated by age_band",
    ),
    "dimension on an undisaggregated indicator": (
        "org-a,caseload,2024-01,1,male,",
        3,
        "gender",
        "cannot be disaggregated by gender",
    ),
    "unknown category": (
        "org-a,enrolled,2024-01,1,other,",
        3,
        "gender",
        "unknown category 'other'",
    ),
    "not a number": ("org-a,enrolled,2024-01,ten,,", 3, "value", "'ten' is not a number"),
    "decimal comma": ('org-a,wage,2024-01,"12,5",,', 3, "value", "'12,5' is not a number"),
    "empty value": ("org-a,enrolled,2024-01,,,", 3, "value", "the value is empty"),
    "fraction of a count": ("org-a,enrolled,2024-01,2.5,,", 3, "value", "2.5 is not a count"),
    "negative count": ("org-a,enrolled,2024-01,-1,,", 3, "value", "-1 is not a count"),
    "infinite value": ("org-a,wage,2024-01,1e999,,", 3, "value", "too large"),
    "percentage above 100": (
        "org-a,satisfaction,2024-01,100.5,,",
        3,
        "value",
        "100.5 is not a percentage",
    ),
    "percentage below 0": (
        "org-a,satisfaction,2024-01,-0.1,,",
        3,
        "value",
        "-0.1 is not a percentage",
    ),
    "short row": ("org-a,enrolled,2024-01", 3, None, "the row has 3 cells but the header has 6"),
}


@pytest.mark.parametrize("case", ROW_CASES, ids=list(ROW_CASES))
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    cast, existing, cli, tmp_path, case
):
    line, row, column, words = ROW_CASES[case]
    # A good row first: it must not be written either.
    path = csv_file(tmp_path, f"{DIMS}\norg-a,enrolled,2024-01,10,,\n{line}\n")
    errors = refused(cli, path)
    assert len(errors) == 1, errors
    assert (errors[0]["row"], errors[0]["column"]) == (row, column)
    assert words in errors[0]["message"]


def test_a_percentage_of_exactly_0_or_100_is_accepted(cast, import_csv):
    result = import_csv(
        cast.alpha, f"{HEADER}\norg-a,satisfaction,2024-01,0\norg-b,satisfaction,2024-01,100\n"
    )
    assert (result.errors, result.imported) == ([], 2)


def test_duplicate_rows_in_one_file_name_the_first_row(cast, existing, cli, tmp_path):
    path = csv_file(
        tmp_path,
        f"{DIMS}\norg-a,enrolled,2024-01,10,female,\norg-a,enrolled,2024-01,5,,\nORG-A,enrolled,2024-01,11,Female,\n",
    )
    errors = refused(cli, path)
    assert [(e["row"], e["column"]) for e in errors] == [(4, None)]
    assert "duplicate of row 2" in errors[0]["message"]


def test_every_bad_row_is_listed_not_only_the_first(cast, existing, cli, tmp_path):
    path = csv_file(
        tmp_path,
        f"{HEADER}\norg-z,enrolled,2024-01,1\norg-a,enrolled,2024-01,x\norg-a,nope,2024-99,1\n",
    )
    errors = refused(cli, path)
    assert [(e["row"], e["column"]) for e in errors] == [
        (2, "organisation"),
        (3, "value"),
        (4, "indicator"),
        (4, "period"),
    ]


@pytest.mark.parametrize(
    ("header", "column", "words"),
    [
        ("organisation,indicator,period", "value", "required column is missing"),
        ("organisation,indicator,period,value,colour", "colour", "unknown column"),
        ("organisation,indicator,period,value,value", "value", "the column appears twice"),
        ("organisation,indicator,,period,value", "#3", "the header cell is empty"),
    ],
)
def test_a_bad_header_is_named_by_column(cast, existing, cli, tmp_path, header, column, words):
    path = csv_file(
        tmp_path,
        f"{header}\n"
        + ",".join(["org-a", "enrolled", "2024-01", "1", "1"][: header.count(",") + 1])
        + "\n",
    )
    errors = refused(cli, path)
    assert {"row": 1, "column": column} == {k: errors[0][k] for k in ("row", "column")}
    assert words in errors[0]["message"]


def test_an_empty_file_is_refused(cast, existing, cli, tmp_path):
    errors = refused(cli, csv_file(tmp_path, ""))
    assert "bad.csv: the file is empty" in errors[0]["message"]


def test_a_file_with_only_blank_lines_is_refused(cast, existing, cli, tmp_path):
    errors = refused(cli, csv_file(tmp_path, "\n\n"))
    assert errors[0]["row"] == 1


def test_a_header_without_any_rows_is_refused_as_empty(cast, existing, cli, tmp_path):
    errors = refused(cli, csv_file(tmp_path, f"{HEADER}\n"))
    assert errors[0]["message"] == "bad.csv: the file has a header but no rows of values"


def test_an_unterminated_quote_is_refused_as_a_truncated_file(cast, existing, cli, tmp_path):
    errors = refused(
        cli,
        csv_file(
            tmp_path,
            f'{HEADER},comment\norg-a,enrolled,2024-01,10,ok\norg-a,enrolled,2024-02,11,"cut off',
        ),
    )
    assert errors[0]["row"] == 3
    assert "truncated" in errors[0]["message"]


def test_a_row_cut_short_at_the_end_of_the_file_is_refused(cast, existing, cli, tmp_path):
    errors = refused(
        cli, csv_file(tmp_path, f"{HEADER}\norg-a,enrolled,2024-01,10\norg-a,enrolled,20")
    )
    assert (errors[0]["row"], errors[0]["column"]) == (3, None)
    assert "truncated" in errors[0]["message"]


def test_windows_1252_text_is_read_as_windows_1252(cast, existing, cli, tmp_path):
    from commonmeasure.reporting.models import DataValue

    text = f"{HEADER},comment\norg-a,enrolled,2024-01,10,fine\norg-a,enrolled,2024-02,11,caf\u00e9 d\u00e9j\u00e0 vu\n"
    path = tmp_path / "latin.csv"
    path.write_bytes(text.encode("cp1252"))
    code, summary = import_json(cli, path)
    assert (code, summary["errors"], summary["imported"]) == (0, [], 2)
    stored_comment = DataValue.objects.get(
        submission__period="2024-02", indicator__code="enrolled"
    ).comment
    assert stored_comment == "caf\u00e9 d\u00e9j\u00e0 vu"


def test_text_that_is_neither_utf8_nor_windows_1252_is_refused_naming_its_line(
    cast, existing, cli, tmp_path
):
    rows = "".join(f"org-a,enrolled,{1700 + n // 12}-{n % 12 + 1:02d},{n}\n" for n in range(3000))
    path = tmp_path / "bad.csv"
    path.write_bytes(
        f"{HEADER},comment\n".encode()
        + rows.replace("\n", ",\n").encode()
        + b"org-b,enrolled,2024-01,1,\x81\n"
    )
    errors = refused(cli, path)
    assert errors[0]["row"] == 3002 and "0x81 on line 3002" in errors[0]["message"]
    assert "neither UTF-8 nor Windows-1252" in errors[0]["message"]


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(cast, existing, cli, tmp_path):
    errors = refused(
        cli, csv_file(tmp_path, f"{HEADER}\norg-a,enrolled,2024-01,10\n", "values.xlsx")
    )
    assert "values.xlsx: is named .xlsx but is not an XLSX workbook" == errors[0]["message"]


def test_a_workbook_cut_in_half_is_refused(cast, existing, cli, tmp_path):
    path = write_xlsx(
        tmp_path / "values.xlsx", [HEADER.split(","), ["org-a", "enrolled", "2024-01", 10]]
    )
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    errors = refused(cli, path)
    assert "values.xlsx" in errors[0]["message"] and "truncated" in errors[0]["message"]


def test_bad_cells_in_a_workbook_are_named_by_row_and_column(cast, existing, cli, tmp_path):
    path = write_xlsx(
        tmp_path / "values.xlsx",
        [
            DIMS.split(","),
            ["org-a", "enrolled", "2024-01", 10, None, None],
            ["org-a", "enrolled", "2024-02", 2.5, None, None],
            ["org-a", "satisfaction", "2024-02", 101, None, None],
            ["org-a", "enrolled", "2024-03", "=A1+1", None, None],
            ["org-a", "enrolled", "2024-03", True, None, None],
            ["org-a", "job_starts", "2024-03", 1, None, "25+"],
        ],
    )
    errors = refused(cli, path)
    assert [(e["row"], e["column"]) for e in errors] == [
        (3, "value"),
        (4, "value"),
        (5, "value"),
        (6, "value"),
        (7, "age_band"),
    ]


def test_an_error_in_row_50001_of_a_large_file_still_writes_nothing(db, tmp_path):
    """More rows than one write chunk: the chunks already written are rolled back."""
    from commonmeasure.interchange.definition import parse_definition
    from commonmeasure.interchange.tabular import open_table
    from commonmeasure.reporting.importing import CHUNK, import_table
    from commonmeasure.reporting.initiative_file import load_definition

    areas = [f"a{n}" for n in range(1000)]
    definition = {
        "code": "big",
        "name": "Big",
        "dimensions": [
            {"code": "area", "name": "Area", "categories": [{"code": a, "name": a} for a in areas]}
        ],
        "organisations": [{"code": "o", "name": "O"}],
        "indicators": [{"code": "n", "name": "N", "dimensions": ["area"]}],
    }
    import json

    initiative, _ = load_definition(parse_definition(json.dumps(definition), fmt="json"))
    lines = ["organisation,indicator,period,value,area"]
    for month in range(1, 13):
        for year in range(2010, 2015):
            lines += [f"o,n,{year}-{month:02d},{i},{a}" for i, a in enumerate(areas)]
    lines = lines[:50_000]
    lines.append("o,n,2020-01,-5,a1")  # row 50,001
    assert len(lines) - 1 > 2 * CHUNK
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n")
    before = stored()
    result = import_table(initiative, open_table(path))
    assert [(e.row, e.column) for e in result.errors] == [(50_001, "value")]
    assert (result.imported, result.updated, result.unchanged) == (0, 0, 0)
    assert stored() == before


@pytest.mark.parametrize("kind", ["formula", "composite"])
def test_values_of_a_computed_indicator_are_refused_naming_row_and_column(
    cast, existing, cli, tmp_path, kind
):
    from commonmeasure.initiatives.models import Indicator

    Indicator.objects.filter(initiative=cast.alpha, code="caseload").update(kind=kind)
    path = csv_file(tmp_path, f"{HEADER}\norg-a,enrolled,2024-01,10\norg-a,caseload,2024-01,4\n")
    errors = refused(cli, path)
    assert [(e["row"], e["column"]) for e in errors] == [(3, "indicator")]
    assert f"caseload is a {kind} indicator" in errors[0]["message"]
    assert "not imported" in errors[0]["message"]
