"""Files as people really send them: each is read correctly or refused with a clear message,
and nothing is half-imported (docs/reference/values-file.md, "Files from other programs")."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook

from .helpers import HEADER, import_json, stored, write_xlsx


@pytest.fixture
def existing(cast, import_csv):
    result = import_csv(cast.alpha, f"{HEADER}\norg-b,caseload,2024-01,3\n")
    assert result.errors == []
    return stored()


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


def value_of(indicator, period="2024-01", org="org-a"):
    return [v for v in stored()["values"] if v[:3] == (org, indicator, period)][0][4]


def test_a_csv_with_a_byte_order_mark_is_read(existing, cli, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeff".encode() + f"{HEADER}\norg-a,caseload,2024-01,4\n".encode())
    assert imported(cli, path)["imported"] == 1


def test_semicolons_and_decimal_commas_are_read_and_noted(existing, cli, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        "organisation;indicator;period;value\norg-a;wage;2024-01;12,5\norg-a;caseload;2024-01;4\n"
    )
    summary = imported(cli, path)
    assert summary["imported"] == 2 and value_of("wage") == 12.5
    assert "Columns are separated by semicolons." in summary["notes"]


def test_a_thousands_separator_is_not_taken_for_a_decimal_comma(existing, cli, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("organisation;indicator;period;value\norg-a;caseload;2024-01;1.234,5\n")
    errors = refused(cli, path)
    assert (errors[0]["row"], errors[0]["column"]) == (
        2,
        "value",
    ) and "'1.234,5' is not a number" in errors[0]["message"]


def test_with_comma_separators_a_quoted_decimal_comma_is_refused(existing, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(f'{HEADER}\norg-a,wage,2024-01,"12,5"\n')
    assert "'12,5' is not a number" in refused(cli, path)[0]["message"]


def test_tab_separated_values_are_read(existing, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("organisation\tindicator\tperiod\tvalue\norg-a\tcaseload\t2024-01\t4\n")
    assert imported(cli, path)["notes"] == ["Columns are separated by tabs."]


def test_windows_1252_is_read_and_the_summary_says_so(existing, cli, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(
        f"{HEADER},comment\norg-a,caseload,2024-01,4,\u00a3 spent on caf\u00e9\n".encode("cp1252")
    )
    summary = imported(cli, path)
    assert summary["notes"] == ["The file is not UTF-8; it was read as Windows-1252."]
    assert stored()["values"][0][5] == "\u00a3 spent on caf\u00e9"


def test_all_of_them_at_once_bom_semicolons_decimal_commas(existing, cli, tmp_path):
    path = tmp_path / "all.csv"
    path.write_bytes(
        b"\xef\xbb\xbforganisation;indicator;period;value;comment\r\norg-a;satisfaction;2024-01;45,5;ok\r\n"
    )
    imported(cli, path)
    assert value_of("satisfaction") == 45.5


def test_a_formula_in_a_workbook_is_never_calculated_and_is_named(existing, cli, tmp_path):
    path = write_xlsx(
        tmp_path / "v.xlsx", [HEADER.split(","), ["org-a", "caseload", "2024-01", "=2+2"]]
    )
    errors = refused(cli, path)
    assert (errors[0]["row"], errors[0]["column"]) == (2, "value")
    assert "'=2+2' is a formula; formulas are never calculated" in errors[0]["message"]


def test_merged_cells_are_refused_naming_the_range(existing, cli, tmp_path):
    wb = Workbook()
    ws = wb.active
    for row in (
        HEADER.split(","),
        ["org-a", "caseload", "2024-01", 4],
        ["org-a", "caseload", "2024-02", 5],
    ):
        ws.append(row)
    ws.merge_cells("A2:A3")
    wb.save(tmp_path / "merged.xlsx")
    errors = refused(cli, tmp_path / "merged.xlsx")
    assert "has merged cells (A2:A3)" in errors[0]["message"]


def test_hidden_sheets_are_ignored_and_the_visible_one_is_read(existing, cli, tmp_path):
    wb = Workbook()
    notes = wb.active
    notes.title = "Old values"
    notes.append(["anything", "at", "all"])
    notes.sheet_state = "hidden"
    values = wb.create_sheet("Values")
    values.append(HEADER.split(","))
    values.append(["org-a", "caseload", "2024-01", 4])
    wb.active = 1
    wb.save(tmp_path / "hidden.xlsx")
    assert imported(cli, tmp_path / "hidden.xlsx")["imported"] == 1


def test_an_extra_column_is_refused_by_name(existing, cli, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(f"{HEADER},notes\norg-a,caseload,2024-01,4,hi\n")
    errors = refused(cli, path)
    assert (errors[0]["row"], errors[0]["column"]) == (1, "notes") and "unknown column" in errors[
        0
    ]["message"]


def test_blank_columns_after_the_last_in_a_workbook_are_ignored(existing, cli, tmp_path):
    path = write_xlsx(
        tmp_path / "v.xlsx",
        [[*HEADER.split(","), None, None], ["org-a", "caseload", "2024-01", 4, None, None]],
    )
    assert imported(cli, path)["imported"] == 1


def test_a_pdf_renamed_to_xlsx_is_refused(existing, cli, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert "is named .xlsx but is not an XLSX workbook" in refused(cli, path)[0]["message"]


def test_a_binary_file_renamed_to_csv_is_refused(existing, cli, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert (
        "is neither a CSV text file nor an XLSX or ODS spreadsheet"
        in refused(cli, path)[0]["message"]
    )


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_unpacked(
    existing, cli, tmp_path, monkeypatch
):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    unpacked = []
    real_testzip = zipfile.ZipFile.testzip
    monkeypatch.setattr(
        zipfile.ZipFile, "testzip", lambda self: unpacked.append(1) or real_testzip(self)
    )
    message = refused(cli, path)[0]["message"]
    assert "would grow" in message and "times when unpacked" in message
    assert unpacked == []  # refused from the sizes the zip declares, before decompressing anything


def test_a_workbook_that_would_unpack_too_large_is_refused(existing, cli, tmp_path, monkeypatch):
    from commonmeasure.interchange import tabular

    monkeypatch.setattr(tabular, "MAX_XLSX_UNCOMPRESSED", 1000)
    path = write_xlsx(tmp_path / "v.xlsx", [HEADER.split(","), ["org-a", "caseload", "2024-01", 4]])
    assert "would unpack to" in refused(cli, path)[0]["message"]


def test_a_template_holding_a_zip_bomb_is_refused_too(existing, cli, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "xl/workbook.xml", '<workbook><sheets><sheet name="cm_template"/></sheets></workbook>'
        )
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    assert "would grow" in refused(cli, path)[0]["message"]


def test_an_export_prefixes_cells_that_would_become_formulas():
    import io

    from commonmeasure.interchange.tabular import write_csv

    out = io.StringIO()
    write_csv(out, ["a", "b", "c", "d", "e"], [["=1+1", "+cmd", "-x", "@SUM(A1)", "-5"]])
    assert out.getvalue().splitlines()[1] == "'=1+1,'+cmd,'-x,'@SUM(A1),-5"
