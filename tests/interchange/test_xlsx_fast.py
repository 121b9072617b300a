"""The streaming XLSX reader returns what openpyxl returns, for the cells spreadsheet programs write."""

from __future__ import annotations

import zipfile
from datetime import datetime

from openpyxl import Workbook, load_workbook

from commonmeasure.interchange import xlsx_fast
from commonmeasure.interchange.tabular import open_table


def read(path) -> list[tuple[int, list]]:
    with zipfile.ZipFile(path) as zf:
        sheet = xlsx_fast.sheets(zf)[0]
        counter = {"rows": 0}
        return list(
            xlsx_fast.iter_rows(
                zf, sheet.path, xlsx_fast.shared_strings(zf), xlsx_fast.date_styles(zf), counter
            )
        )


def test_values_match_openpyxl_for_text_numbers_dates_booleans_and_formulas(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "a & b <c>",
            10,
            2.5,
            True,
            datetime(2024, 3, 1),  # noqa: DTZ001 (spreadsheet dates have no time zone)
            "=SUM(B1:C1)",
            None,
            "x",
        ]
    )
    ws.append([None, -3, 1e20, False, "  spaced  ", '=A1&"q"', "café", None])
    path = tmp_path / "v.xlsx"
    wb.save(path)
    expected = [
        (n, list(row))
        for n, row in enumerate(
            load_workbook(path, read_only=True).active.iter_rows(values_only=True), start=1
        )
    ]
    got = read(path)
    assert [(n, r + [None] * (8 - len(r))) for n, r in got] == expected


def test_hand_written_xml_with_other_attribute_orders_prefixes_and_rich_text_is_read(tmp_path):
    sheet = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        '<x:row r="1"><x:c t="inlineStr" r="A1"><x:is><x:r><x:t>ab</x:t></x:r><x:r><x:t xml:space="preserve">c </x:t></x:r></x:is></x:c>'
        '<x:c r="C1" t="s"><x:v>0</x:v></x:c></x:row>'
        '<x:row r="3"><x:c r="B3"><x:v>7</x:v></x:c><x:c r="D3" t="b"><x:v>1</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    path = tmp_path / "hand.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "xl/workbook.xml",
            '<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        zf.writestr("xl/sharedStrings.xml", "<sst><si><t>shared &amp; one</t></si></sst>")
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    assert read(path) == [(1, ["abc ", None, "shared & one"]), (3, [None, 7, None, True])]


def test_a_large_sheet_is_read_across_blocks_without_losing_a_row(tmp_path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Values")
    ws.append(["organisation", "indicator", "period", "value"])
    for n in range(30_000):
        ws.append([f"org-{n % 7}", "enrolled", "2024-01", n])
    wb.save(tmp_path / "big.xlsx")
    rows = list(open_table(tmp_path / "big.xlsx").rows)
    assert len(rows) == 30_000 and rows[-1] == (
        30_001,
        [f"org-{29_999 % 7}", "enrolled", "2024-01", 29_999],
    )
    assert [r[1][3] for r in rows] == list(range(30_000))
