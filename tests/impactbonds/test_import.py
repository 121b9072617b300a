"""`import indigo`: every table loaded, INDIGO ids kept, re-imports idempotent, newer bundles
update in place, messy values reported with file/row/column, broken layouts write nothing."""

from __future__ import annotations

import json
import zipfile

import pytest

from commonmeasure.impactbonds import models as m
from commonmeasure.impactbonds.services import import_bundle
from commonmeasure.interchange.indigo import BundleLayoutError

from .helpers import SAMPLE, copy_sample, drop_column, export_files, read_rows, set_cell, write_rows

pytestmark = pytest.mark.django_db

TYPED_TABLES = {
    "projects_delivery_locations.csv": m.DeliveryLocation,
    "projects_outcome_metrics.csv": m.OutcomeMetric,
    "projects_outcome_pricings.csv": m.OutcomePricing,
    "projects_outcome_payments.csv": m.OutcomePayment,
    "projects_results.csv": m.Result,
    "projects_investments.csv": m.Investment,
    "projects_service_provisions.csv": m.ServiceProvision,
    "projects_sources.csv": m.Source,
    "projects_documents.csv": m.Document,
    "projects_intermediary_services.csv": m.IntermediaryService,
    "projects_outcome_payment_commitments.csv": m.OutcomePaymentCommitment,
    "projects_outcome_funds.csv": m.ProjectFund,
}


def csv_rows(name: str, folder=SAMPLE) -> int:
    return len(read_rows(folder / name)[1])


def test_every_file_of_the_bundle_is_loaded_row_for_row():
    import_bundle(SAMPLE)
    assert m.Project.objects.count() == csv_rows("projects.csv") == 12
    assert m.Organisation.objects.count() == csv_rows("organisations.csv")
    assert m.Fund.objects.count() == csv_rows("funds.csv")
    for name, model in TYPED_TABLES.items():
        assert model.objects.count() == csv_rows(name), name
    for path in sorted(SAMPLE.glob("projects_*.csv")):
        if path.name not in TYPED_TABLES:
            assert m.ProjectRow.objects.filter(component=path.stem).count() == csv_rows(
                path.name
            ), path.name
    for path in sorted(SAMPLE.glob("organisations_*.csv")):
        assert m.OrganisationRow.objects.filter(component=path.stem).count() == csv_rows(
            path.name
        ), path.name
    for path in sorted(SAMPLE.glob("funds_*.csv")):
        assert m.FundRow.objects.filter(component=path.stem).count() == csv_rows(path.name), (
            path.name
        )


def test_indigo_ids_and_every_cell_are_kept_in_column_order():
    import_bundle(SAMPLE)
    header, rows = read_rows(SAMPLE / "projects.csv")
    for row in rows:
        project = m.Project.objects.get(indigo_id=row[0])
        assert project.cells == [[h, c] for h, c in zip(header, row, strict=True)]


def test_typed_fields_are_parsed_from_the_cells():
    import_bundle(SAMPLE)
    p = m.Project.objects.get(indigo_id="INDIGO-POJ-0001")
    assert (p.stage, p.jurisdiction, p.investment_currency) == ("Complete", "AR", "ARS")
    assert (p.outcomes_contract_signed, p.service_start, str(p.launch_date)) == (
        "2018",
        "2018-12",
        "2018-01-01",
    )
    assert (p.investment_min, p.investment_max, p.investment_exact) == (26620000, 48400000, None)
    assert (p.actual_service_users, p.targeted_service_users, p.sdg_goals) == (875, 1000, [8])
    assert m.DeliveryLocation.objects.filter(project=p).first().country == "AR"


def test_multi_line_cells_survive_unchanged():
    import_bundle(SAMPLE)
    multi = [c for p in m.Project.objects.all() for _, c in p.cells if "\n" in c]
    assert multi, "the sample has multi-line cells"
    raw = (SAMPLE / "projects.csv").read_text(encoding="utf-8")
    assert all(text in raw for text in multi)


def test_reimporting_the_same_bundle_changes_nothing(tmp_path):
    first = import_bundle(SAMPLE)
    assert first.changed
    before = export_files(tmp_path, "before", include_private=True)
    stamps = dict(m.Project.objects.values_list("indigo_id", "updated_at"))
    row_ids = sorted(m.OutcomePayment.objects.values_list("pk", flat=True))
    second = import_bundle(SAMPLE)
    assert not second.changed
    assert all(
        not c.get("created") and not c.get("updated") and not c.get("replaced")
        for c in second.tables.values()
    )
    assert dict(m.Project.objects.values_list("indigo_id", "updated_at")) == stamps
    assert sorted(m.OutcomePayment.objects.values_list("pk", flat=True)) == row_ids
    assert export_files(tmp_path, "after", include_private=True) == before


def test_a_newer_bundle_updates_in_place(tmp_path):
    import_bundle(SAMPLE)
    pk = m.Project.objects.get(indigo_id="INDIGO-POJ-0046").pk
    newer = copy_sample(tmp_path)
    set_cell(
        newer / "projects.csv",
        {"ID": "INDIGO-POJ-0046"},
        "Stage of Development - (Value)",
        "Complete",
    )
    header, rows = read_rows(newer / "projects_delivery_locations.csv")
    gb_rows = [r for r in rows if r[0] == "INDIGO-POJ-0184"]
    write_rows(
        newer / "projects_delivery_locations.csv",
        header,
        [r for r in rows if r[0] != "INDIGO-POJ-0184"] + gb_rows[:1],
    )
    report = import_bundle(newer)
    assert report.tables["projects"] == {"created": 0, "updated": 1, "unchanged": 11}
    assert report.tables["projects_delivery_locations"]["replaced"] == 1
    project = m.Project.objects.get(indigo_id="INDIGO-POJ-0046")
    assert (project.pk, project.stage) == (pk, "Complete")
    assert m.DeliveryLocation.objects.filter(project__indigo_id="INDIGO-POJ-0184").count() == 1


def test_a_zip_imports_like_the_folder(tmp_path):
    archive = tmp_path / "indigo.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in SAMPLE.glob("*.csv"):
            zf.write(
                path, f"all_data_per_data_type_csv/{path.name}"
            )  # one sub-folder, as downloads have
    import_bundle(archive)
    zipped = export_files(tmp_path, "from-zip", include_private=True)
    assert m.Project.objects.count() == 12
    assert not import_bundle(SAMPLE).changed
    assert export_files(tmp_path, "from-folder", include_private=True) == zipped


def test_messy_values_are_reported_with_file_row_and_column_and_kept(tmp_path, cli):
    bundle = copy_sample(tmp_path)
    set_cell(
        bundle / "projects.csv",
        {"ID": "INDIGO-POJ-0023"},
        "Overall project finance - Total investment commitment - Currency - (Value)",
        "Japanese Yen",
    )
    set_cell(
        bundle / "projects.csv",
        {"ID": "INDIGO-POJ-0046"},
        "Overall project finance - Total investment commitment - Currency - (Value)",
        "Doubloons",
    )
    set_cell(
        bundle / "projects.csv",
        {"ID": "INDIGO-POJ-0069"},
        "Dates - Start date of service provision - (Value)",
        "Spring 2018",
    )
    code, out, _ = cli("import", "indigo", bundle, "--json")
    assert code == 0
    report = json.loads(out)
    where = {(p["file"], p["row"], p["column"]): p for p in report["problems"]}
    # Rows are numbered as a spreadsheet shows them: header row 1, first project row 2.
    assert (
        "projects.csv",
        4,
        "Overall project finance - Total investment commitment - Currency - (Value)",
    ) in where
    assert (
        where[("projects.csv", 5, "Dates - Start date of service provision - (Value)")]["value"]
        == "Spring 2018"
    )
    assert (
        "projects_results.csv",
        3,
        "Period - Start - (Value)",
    ) in where  # '2018-13' in GO Lab's own data
    assert m.Project.objects.get(indigo_id="INDIGO-POJ-0023").investment_currency == "JPY"
    messy = m.Project.objects.get(indigo_id="INDIGO-POJ-0046")
    assert (
        messy.investment_currency == ""
        and [
            "Overall project finance - Total investment commitment - Currency - (Value)",
            "Doubloons",
        ]
        in messy.cells
    )


def test_empty_rows_are_skipped_and_counted(tmp_path):
    bundle = copy_sample(tmp_path)
    header, rows = read_rows(bundle / "projects_sources.csv")
    write_rows(
        bundle / "projects_sources.csv",
        header,
        rows[:3] + [[""] * len(header), [" "] * 3] + rows[3:],
    )
    report = import_bundle(bundle)
    assert report.empty_rows == 2
    assert m.Source.objects.count() == len(rows)


@pytest.mark.parametrize(
    "breakage", ["missing_required_column", "duplicate_column", "not_utf8", "no_projects_file"]
)
def test_a_bundle_with_a_broken_layout_writes_nothing(tmp_path, breakage):
    bundle = copy_sample(tmp_path)
    if breakage == "missing_required_column":
        drop_column(bundle / "projects_results.csv", "Period - Start - (Value)")
    elif breakage == "duplicate_column":
        header, rows = read_rows(bundle / "funds_documents.csv")
        write_rows(bundle / "funds_documents.csv", header[:-1] + ["Title"], rows)
    elif breakage == "not_utf8":
        (bundle / "organisations.csv").write_bytes(
            "ID,Name\r\nINDIGO-ORG-1,Caf\xe9\r\n".encode("latin-1")
        )
    else:
        (bundle / "projects.csv").unlink()
    with pytest.raises(BundleLayoutError) as caught:
        import_bundle(bundle)
    assert caught.value.problems and all(p.file for p in caught.value.problems)
    assert (
        not m.Project.objects.exists()
        and not m.Organisation.objects.exists()
        and not m.Source.objects.exists()
    )


def test_the_command_fails_on_a_broken_layout_naming_file_and_column(tmp_path, cli):
    bundle = copy_sample(tmp_path)
    drop_column(bundle / "projects_investments.csv", "Organisation ID - (Value)")
    code, _, err = cli("import", "indigo", bundle)
    assert code == 1
    assert (
        "projects_investments.csv" in err
        and "Organisation ID - (Value)" in err
        and "nothing was imported" in err
    )
    code, out, _ = cli("import", "indigo", bundle, "--json")
    assert (
        code == 1 and json.loads(out)["layout_errors"][0]["column"] == "Organisation ID - (Value)"
    )
    assert not m.Project.objects.exists()


def test_the_command_refuses_a_zip_bomb_before_unpacking_it(tmp_path, cli, monkeypatch):
    # A 0.6 MB zip once unpacked to 3.77 GB in memory: the workbook reader's guard applies.
    archive = tmp_path / "indigo.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in SAMPLE.glob("*.csv"):
            zf.write(path, path.name)
        zf.writestr("padding.csv", b"0" * (8 * 1024**2))  # 8 MB of one byte: ~1,000 times
    unpacked = []
    real_read = zipfile.ZipFile.read
    monkeypatch.setattr(
        zipfile.ZipFile, "read", lambda zf, *a, **k: unpacked.append(a) or real_read(zf, *a, **k)
    )
    code, _, err = cli("import", "indigo", archive)
    assert code == 1
    assert "indigo.zip" in err and "padding.csv would grow" in err and "zip bomb" in err
    assert unpacked == [] and not m.Project.objects.exists()


def test_a_broken_layout_leaves_an_earlier_import_untouched(tmp_path):
    import_bundle(SAMPLE)
    bundle = copy_sample(tmp_path)
    set_cell(
        bundle / "projects.csv", {"ID": "INDIGO-POJ-0001"}, "Impact Bond Name - (Value)", "Renamed"
    )
    drop_column(bundle / "projects_outcome_payments.csv", "Payments - Amount - (Value)")
    with pytest.raises(BundleLayoutError):
        import_bundle(bundle)
    assert m.Project.objects.get(indigo_id="INDIGO-POJ-0001").name.startswith("Proyecta Tu Futuro")


def test_rows_for_unknown_projects_are_reported_and_skipped(tmp_path):
    bundle = copy_sample(tmp_path)
    header, rows = read_rows(bundle / "projects_documents.csv")
    write_rows(
        bundle / "projects_documents.csv", header, rows + [["INDIGO-POJ-9999", "Lost", "", ""]]
    )
    report = import_bundle(bundle)
    assert any(
        p.file == "projects_documents.csv" and p.row == len(rows) + 2 and p.column == "Project ID"
        for p in report.problems
    )
    assert m.Document.objects.count() == len(rows)


def test_absent_component_files_leave_their_tables_as_they_were(tmp_path):
    import_bundle(SAMPLE)
    bundle = copy_sample(tmp_path)
    (bundle / "projects_sources.csv").unlink()
    report = import_bundle(bundle)
    assert "projects_sources.csv" in report.absent_files
    assert m.Source.objects.count() == csv_rows("projects_sources.csv")


def test_dry_run_writes_nothing(cli):
    code, out, _ = cli("import", "indigo", SAMPLE, "--dry-run", "--json")
    assert code == 0 and json.loads(out)["tables"]["projects"]["created"] == 12
    assert not m.Project.objects.exists()


def test_parties_get_their_roles_from_the_indigo_tables():
    import_bundle(SAMPLE)
    roles = set(m.ProjectParty.objects.values_list("role", flat=True))
    assert {"investor", "outcome_payer", "service_provider"} <= roles
    inv = m.Investment.objects.exclude(organisation=None).first()
    assert m.ProjectParty.objects.filter(
        project=inv.project, organisation=inv.organisation, role="investor"
    ).exists()


def test_superusers_can_browse_imported_projects_in_the_admin(client_for, django_user_model):
    import_bundle(SAMPLE)
    admin = django_user_model.objects.create_superuser("root", password="pw-123456789")
    client = client_for(admin)
    project = m.Project.objects.get(indigo_id="INDIGO-POJ-0184")
    listing = client.get("/admin/impactbonds/project/?q=West+London")
    assert listing.status_code == 200 and "INDIGO-POJ-0184" in listing.content.decode()
    page = client.get(f"/admin/impactbonds/project/{project.pk}/change/")
    assert page.status_code == 200 and "Westminster City Council" in page.content.decode()


PAYER = "Payer Organisation ID - (Value)"


def test_a_payer_cell_listing_several_ids_is_read_as_a_list_and_only_unknown_ids_are_reported(
    tmp_path,
):
    bundle = copy_sample(tmp_path)
    path = bundle / "projects_outcome_payments.csv"
    header, rows = read_rows(path)
    rows[0][header.index(PAYER)] = "INDIGO-ORG-0171, INDIGO-ORG-0009"
    rows[1][header.index(PAYER)] = "INDIGO-ORG-0171,INDIGO-ORG-9999; INDIGO-ORG-0009"
    write_rows(path, header, rows)
    report = import_bundle(bundle)
    about_payers = [p for p in report.problems if p.column == PAYER]
    assert [(p.file, p.row, p.value) for p in about_payers] == [
        ("projects_outcome_payments.csv", 3, "INDIGO-ORG-9999")
    ]
    assert "refers to organisation INDIGO-ORG-9999, which is neither" in about_payers[0].message
    first = m.OutcomePayment.objects.order_by("project_id", "position").first()
    assert first.payer.indigo_id == "INDIGO-ORG-0171"
    payers = set(
        m.ProjectParty.objects.filter(project=first.project, role="outcome_payer").values_list(
            "organisation__indigo_id", flat=True
        )
    )
    assert {"INDIGO-ORG-0171", "INDIGO-ORG-0009"} <= payers
