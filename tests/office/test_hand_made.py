"""Workbooks in the XML habits of Excel, Google Sheets and Numbers that LibreOffice never writes
(tests/fixtures/office/make.py): read exactly, or refused naming row and column."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES
from tests.reporting.helpers import stored

OFFICE = FIXTURES / "office"


def import_values(cli, name: str) -> tuple[int, dict]:
    code, out, _ = cli("import", "values", OFFICE / name, "--initiative", "alpha", "--json")
    return code, json.loads(out)


def test_inline_strings_rich_text_phonetic_guides_typed_dates_and_cells_without_references(
    cast, cli
):
    code, summary = import_values(cli, "excel-google-numbers-habits.xlsx")
    assert (code, summary["errors"]) == (0, [])
    assert stored()["values"] == [
        ("org-a", "caseload", "2024-01", "", 25.0, "株式"),
        ("org-a", "satisfaction", "2024-01", "", 21.4, ""),
        ("org-a", "wage", "2024-02", "", 12.5, "R&D pay"),
    ]


def test_the_1904_date_system_of_numbers_and_old_mac_excel(cast, cli):
    code, summary = import_values(cli, "numbers-1904.xlsx")
    assert (code, summary["errors"]) == (0, [])
    assert stored()["values"] == [("org-a", "caseload", "2024-01", "", 7.0, "")]


def test_shared_formulas_are_refused_in_every_row_they_reach(cast, cli):
    before = stored()
    code, summary = import_values(cli, "excel-shared-formula.xlsx")
    assert code == 1 and stored() == before
    assert [(e["row"], e["column"]) for e in summary["errors"]] == [(2, "comment"), (3, "comment")]
    assert all("is a formula" in e["message"] for e in summary["errors"])


@pytest.mark.parametrize("name", sorted(p.name for p in OFFICE.glob("*.xlsx")))
def test_each_hand_made_workbook_is_remade_by_its_script(name, tmp_path):
    import importlib.util
    import zipfile

    from tests.office.writers import write_xlsx_xml

    spec = importlib.util.spec_from_file_location("make_office_fixtures", OFFICE / "make.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    parts = dict(make.FILES[name])
    write_xlsx_xml(tmp_path / name, parts.pop("sheet_data"), **parts)
    with zipfile.ZipFile(OFFICE / name) as kept, zipfile.ZipFile(tmp_path / name) as remade:
        assert {n: kept.read(n) for n in kept.namelist()} == {
            n: remade.read(n) for n in remade.namelist()
        }
