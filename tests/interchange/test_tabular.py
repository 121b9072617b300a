"""Reading CSV and XLSX tables (commonmeasure/interchange/tabular.py)."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from commonmeasure.interchange.errors import FileProblem, RowError
from commonmeasure.interchange.tabular import open_table, write_csv


def rows(table) -> list[tuple[int, list]]:
    return list(table.rows)


def test_a_csv_file_gives_its_header_and_numbered_rows(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text('a,b\n1,"two, quoted"\n\n3,4\n', encoding="utf-8")
    table = open_table(path)
    assert table.header == ["a", "b"]
    assert [r for r in rows(table) if r[1]] == [(2, ["1", "two, quoted"]), (4, ["3", "4"])]
    assert table.position() == path.stat().st_size


def test_a_quoted_cell_may_hold_a_line_break(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text('a,b\n1,"line one\nline two"\n', encoding="utf-8")
    assert rows(open_table(path)) == [(2, ["1", "line one\nline two"])]


def test_a_display_name_is_used_in_messages(tmp_path):
    path = tmp_path / "upload-123.tmp"
    path.write_bytes(b"")
    with pytest.raises(FileProblem, match="^values.csv: the file is empty$"):
        open_table(path, display_name="values.csv")


def test_a_missing_file_is_a_file_problem(tmp_path):
    with pytest.raises(FileProblem, match="nope.csv: cannot be read"):
        open_table(tmp_path / "nope.csv")


def test_a_blank_header_is_refused(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(",,\n1,2,3\n")
    with pytest.raises(FileProblem, match="the first row must be a header") as exc:
        open_table(path)
    assert exc.value.error == RowError(1, None, "v.csv: the first row must be a header")


def test_a_header_that_is_neither_utf8_nor_windows_1252_names_line_1(tmp_path):
    path = tmp_path / "v.csv"
    path.write_bytes(b"organisation,indicator,period,value,caf\x8d\n")
    with pytest.raises(FileProblem) as exc:
        open_table(path)
    assert exc.value.error.row == 1
    assert "byte 0x8d on line 1" in str(exc.value)


def test_a_bad_byte_after_the_first_block_is_found_on_its_line(tmp_path):
    path = tmp_path / "v.csv"
    lines = ["a,b"] + [f"{n},x" for n in range(200_000)]
    path.write_bytes(("\n".join(lines) + "\n").encode() + b"9,\x90\n")
    with pytest.raises(FileProblem) as exc:  # the whole file is checked before any row is read
        open_table(path)
    assert exc.value.error.row == 200_002


def workbook(path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()):
    wb = Workbook()
    wb.remove(wb.active)
    for title, data in sheets.items():
        ws = wb.create_sheet(title)
        for row in data:
            ws.append(row)
        if title in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def test_an_xlsx_file_reads_the_first_visible_sheet(tmp_path):
    path = workbook(
        tmp_path / "v.xlsx",
        {"Notes": [["read me"]], "Values": [["a", "b"], [1, 2.5], [None, None], ["x", None]]},
        hidden=("Notes",),
    )
    table = open_table(path)
    assert table.header == ["a", "b"]
    assert rows(table) == [(2, [1, 2.5]), (4, ["x", ""])]


def test_a_formula_is_read_as_its_text_never_evaluated(tmp_path):
    """The import then refuses it as a formula (tests/reporting/test_messy_files.py)."""
    path = workbook(tmp_path / "v.xlsx", {"S": [["a"], ["=1+1"], ["x"]]})
    assert rows(open_table(path))[0] == (2, ["=1+1"])


def test_a_workbook_whose_sheets_are_all_hidden_is_refused(tmp_path):
    path = workbook(tmp_path / "v.xlsx", {"Notes": [["a"]], "Values": [["b"]]}, hidden=("Notes",))
    # openpyxl insists on one visible sheet when saving; hide the other in the XML itself.
    with zipfile.ZipFile(path) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    assert b'state="visible" r:id="rId2"' in parts["xl/workbook.xml"]
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b'state="visible" r:id="rId2"', b'state="hidden" r:id="rId2"'
    )
    with zipfile.ZipFile(path, "w") as zout:
        for n, data in parts.items():
            zout.writestr(n, data)
    with pytest.raises(FileProblem, match="no visible sheet"):
        open_table(path)


def test_an_empty_sheet_is_refused(tmp_path):
    path = workbook(tmp_path / "v.xlsx", {"Values": []})
    with pytest.raises(FileProblem, match="v.xlsx: sheet 'Values' is empty"):
        open_table(path)


def test_a_workbook_with_a_header_and_no_rows_is_refused(tmp_path):
    path = workbook(tmp_path / "v.xlsx", {"Values": [["a", "b"], [None, None]]})
    with pytest.raises(FileProblem, match="v.xlsx: the file has a header but no rows of values"):
        open_table(path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "v.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    with pytest.raises(FileProblem, match="v.xlsx: is not a readable XLSX workbook"):
        open_table(path)


def test_a_workbook_with_a_corrupt_part_is_refused(tmp_path):
    path = workbook(tmp_path / "v.xlsx", {"Values": [["a"], [1]]})
    data = bytearray(path.read_bytes())
    # Flip bytes inside the first compressed part; its checksum no longer matches.
    with zipfile.ZipFile(path) as zf:
        info = zf.infolist()[0]
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start, start + min(info.compress_size, 20)):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(
        FileProblem, match="v.xlsx: (the workbook is damaged|is not a readable XLSX workbook)"
    ):
        open_table(path)


def test_a_workbook_sent_as_csv_is_still_read_as_a_workbook(tmp_path):
    path = workbook(tmp_path / "v.xlsx", {"Values": [["a"], [1]]})
    renamed = path.rename(tmp_path / "v.csv")
    assert open_table(renamed).header == ["a"]


def test_written_csv_cells_cannot_become_formulas(tmp_path):
    out = io.StringIO()
    write_csv(out, ["name", "value"], [['=HYPERLINK("x")', -5], ["@cmd", "+1.5"], ["plain", "-x"]])
    assert out.getvalue().splitlines() == [
        "name,value",
        '"\'=HYPERLINK(""x"")",-5',
        "'@cmd,+1.5",
        "plain,'-x",
    ]
