"""`export indigo`: the same bundle back, byte for byte; public exports never carry private or
disputed data."""

from __future__ import annotations

import zipfile

import pytest

from commonmeasure.impactbonds import models as m
from commonmeasure.impactbonds.services import import_bundle

from .helpers import SAMPLE, copy_sample, empty_database, export_files, read_rows, set_cell

pytestmark = pytest.mark.django_db

DATE = "Dates - Date outcomes contract signed - (Value)"
DATE_STATUS = "Dates - Date outcomes contract signed - (Status)"
SOURCES_OF_DATES = "Dates - (Source ID's)"


def test_exporting_the_sample_gives_go_labs_files_byte_for_byte(tmp_path):
    import_bundle(SAMPLE)
    files = export_files(tmp_path, "out")
    assert sorted(files) == sorted(p.name for p in SAMPLE.glob("*.csv"))
    for name, data in files.items():
        assert data == (SAMPLE / name).read_bytes(), name


@pytest.mark.parametrize("include_private", [False, True])
def test_export_import_export_into_an_empty_database_gives_identical_files(
    tmp_path, include_private
):
    bundle = private_bundle(tmp_path)
    import_bundle(bundle)
    first = export_files(tmp_path, "first", include_private)
    empty_database()
    import_bundle(tmp_path / "first")
    second = export_files(tmp_path, "second", include_private)
    assert second == first
    assert len(first) == 29


def test_a_zip_export_holds_the_same_files(tmp_path, cli):
    import_bundle(SAMPLE)
    code, out, _ = cli("export", "indigo", tmp_path / "indigo.zip")
    assert code == 0 and "public" in out
    with zipfile.ZipFile(tmp_path / "indigo.zip") as zf:
        assert {n: zf.read(n) for n in zf.namelist()} == export_files(tmp_path, "folder")


def private_bundle(tmp_path):
    """The sample with INDIGO status columns: project 0092 private, 0046's contract date private,
    0023's contract date disputed, and one delivery location of 0184 private."""
    bundle = copy_sample(tmp_path, "private-bundle")
    projects = bundle / "projects.csv"
    set_cell(projects, {"ID": "INDIGO-POJ-0092"}, "Status", "PRIVATE")
    set_cell(projects, {"ID": "INDIGO-POJ-0046"}, DATE_STATUS, "PRIVATE")
    set_cell(projects, {"ID": "INDIGO-POJ-0023"}, DATE_STATUS, "Disputed")
    set_cell(projects, {"ID": "INDIGO-POJ-0001"}, "Internal remark", "not for publication")
    set_cell(
        bundle / "projects_delivery_locations.csv",
        {"Project ID": "INDIGO-POJ-0184", "Location - Name - (Value)": "Westminster City Council"},
        "Status",
        "PRIVATE",
    )
    return bundle


def test_private_and_disputed_data_never_appear_in_the_public_export(tmp_path):
    import_bundle(private_bundle(tmp_path))
    files = export_files(tmp_path, "public")
    everything = b"".join(files.values()).decode("utf-8")
    assert "INDIGO-POJ-0092" not in everything  # the private project, and all its rows
    assert "NW8 8LF" not in everything  # the postcode of the private delivery location
    assert (
        "not for publication" not in everything and "Internal remark" not in everything
    )  # an unknown column
    assert "(Status)" not in everything and "PRIVATE" not in everything
    header, rows = read_rows(tmp_path / "public" / "projects.csv")
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert by_id["INDIGO-POJ-0046"][DATE] == "" and by_id["INDIGO-POJ-0023"][DATE] == ""
    assert (
        by_id["INDIGO-POJ-0046"][SOURCES_OF_DATES] != ""
    )  # the section's sources are not the date's
    assert by_id["INDIGO-POJ-0069"][DATE] == "2018-08"  # public dates stay
    assert header == read_rows(SAMPLE / "projects.csv")[0]


def test_the_full_export_keeps_private_data_with_its_status_columns(tmp_path, cli):
    import_bundle(private_bundle(tmp_path))
    code, _, _ = cli("export", "indigo", tmp_path / "full", "--include-private")
    assert code == 0
    header, rows = read_rows(tmp_path / "full" / "projects.csv")
    assert header[1] == "Status" and header.index(DATE_STATUS) == header.index(DATE) + 1
    assert header[-1] == "Internal remark"
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert by_id["INDIGO-POJ-0092"]["Status"] == "PRIVATE"
    assert (
        by_id["INDIGO-POJ-0046"][DATE] == "2015-11"
        and by_id["INDIGO-POJ-0046"][DATE_STATUS] == "PRIVATE"
    )
    assert "NW8 8LF" in (tmp_path / "full" / "projects_delivery_locations.csv").read_text(
        encoding="utf-8"
    )


def test_typed_fields_hold_only_the_public_view(tmp_path):
    import_bundle(private_bundle(tmp_path))
    p = m.Project.objects.get(indigo_id="INDIGO-POJ-0046")
    assert (
        p.outcomes_contract_signed == ""
        and ["Dates - Date outcomes contract signed - (Value)", "2015-11"] in p.cells
    )
    assert str(p.launch_date) == "2016-01-01"  # from the public start of service provision
    assert m.Project.objects.get(indigo_id="INDIGO-POJ-0092").status == "PRIVATE"
    assert m.DeliveryLocation.objects.get(name="Westminster City Council").status == "PRIVATE"


def test_an_unknown_status_is_treated_as_private_and_reported(tmp_path):
    bundle = copy_sample(tmp_path)
    set_cell(bundle / "projects.csv", {"ID": "INDIGO-POJ-0069"}, "Status", "secret")
    report = import_bundle(bundle)
    assert any(p.column == "Status" and p.row == 5 for p in report.problems)
    assert "INDIGO-POJ-0069" not in export_files(tmp_path, "out")["projects.csv"].decode()


NAME = "Impact Bond Name - (Value)"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_safe_for_spreadsheets_neutralises_cells_a_spreadsheet_would_run_as_formulas(
    tmp_path, cli, start
):
    bundle = copy_sample(tmp_path)
    text = f'{start}HYPERLINK("http://x")'
    set_cell(bundle / "projects.csv", {"ID": "INDIGO-POJ-0001"}, NAME, text)
    import_bundle(bundle)
    code, _, err = cli("export", "indigo", tmp_path / "safe", "--safe-for-spreadsheets")
    assert code == 0, err
    header, rows = read_rows(tmp_path / "safe" / "projects.csv")
    _, plain = read_rows(bundle / "projects.csv")
    at = header.index(NAME)
    assert {r[0]: r[at] for r in rows}["INDIGO-POJ-0001"] == "'" + text
    changed = [
        (r[0], c)
        for r, p in zip(rows, plain, strict=True)
        for c, (x, y) in enumerate(zip(r, p, strict=True))
        if x != y
    ]
    assert changed == [("INDIGO-POJ-0001", at)]  # every other cell as it was


def test_without_the_option_the_same_bundle_comes_back_byte_for_byte(tmp_path, cli):
    bundle = copy_sample(tmp_path)
    set_cell(bundle / "projects.csv", {"ID": "INDIGO-POJ-0001"}, NAME, '=HYPERLINK("http://x")')
    import_bundle(bundle)
    code, _, _ = cli("export", "indigo", tmp_path / "plain")
    assert code == 0
    for path in sorted(bundle.glob("*.csv")):
        assert (tmp_path / "plain" / path.name).read_bytes() == path.read_bytes(), path.name
