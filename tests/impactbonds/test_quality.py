"""The data-quality report: errors (priority 0) and missing fields by the INDIGO priorities."""

from __future__ import annotations

import json

import pytest

from commonmeasure.impactbonds import models as m
from commonmeasure.impactbonds.quality import reports
from commonmeasure.impactbonds.services import import_bundle
from commonmeasure.interchange.indigo import layout

from .helpers import SAMPLE, copy_sample, read_rows, set_cell, write_rows

pytestmark = pytest.mark.django_db


def report_for(indigo_id: str) -> dict:
    return reports(m.Project.objects.filter(indigo_id=indigo_id))[0]


def test_uninterpretable_values_are_priority_0_errors():
    import_bundle(SAMPLE)
    errors = report_for("INDIGO-POJ-0001")["errors"]
    assert {(e["where"].split()[0], e["field"]) for e in errors} == {
        ("projects_results.csv", "Period - Start - (Value)")
    }
    assert len(errors) == 4  # 2018-13 ... 2018-16 in GO Lab's data


def test_blank_fields_are_listed_at_the_priority_the_standard_gives_them(tmp_path):
    bundle = copy_sample(tmp_path)
    set_cell(
        bundle / "projects.csv", {"ID": "INDIGO-POJ-0069"}, "Stage of Development - (Value)", ""
    )
    import_bundle(bundle)
    before = report_for("INDIGO-POJ-0069")
    priorities = {c["name"]: c["priority"] for c in layout()["projects"]["columns"]}
    assert priorities["Stage of Development - (Value)"] == 1
    assert "Stage of Development - (Value)" in before["missing"]["1"]
    assert (
        "Investment Details - Internal Rate of Return - Target - (Value)" in before["missing"]["3"]
    )
    assert before["counts"]["1"] == len(before["missing"]["1"])


def test_a_per_project_table_without_rows_is_missing_at_its_priority(tmp_path):
    bundle = copy_sample(tmp_path)
    header, rows = read_rows(bundle / "projects_delivery_locations.csv")
    write_rows(
        bundle / "projects_delivery_locations.csv",
        header,
        [r for r in rows if r[0] != "INDIGO-POJ-0069"],
    )
    import_bundle(bundle)
    assert "delivery locations (no rows)" in report_for("INDIGO-POJ-0069")["missing"]["2"]
    assert "delivery locations (no rows)" not in report_for("INDIGO-POJ-0207")["missing"]["2"]


def test_unknown_organisations_and_sources_are_errors(tmp_path):
    bundle = copy_sample(tmp_path)
    set_cell(
        bundle / "projects_investments.csv",
        {"Project ID": "INDIGO-POJ-0207"},
        "Organisation ID - (Value)",
        "INDIGO-ORG-9999",
    )
    set_cell(
        bundle / "projects.csv",
        {"ID": "INDIGO-POJ-0207"},
        "Dates - (Source ID's)",
        "source1, source404",
    )
    import_bundle(bundle)
    errors = report_for("INDIGO-POJ-0207")["errors"]
    assert any("INDIGO-ORG-9999" in e["message"] for e in errors)
    assert any(e["field"] == "source404" for e in errors)


def test_the_quality_command_reports_one_project_or_all(cli):
    import_bundle(SAMPLE)
    code, out, _ = cli("stats", "impact-bond-quality", "--json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == sorted(
        m.Project.objects.values_list("indigo_id", flat=True)
    )
    code, out, _ = cli("stats", "impact-bond-quality", "INDIGO-POJ-0001")
    assert code == 0 and "missing (priority 1)" in out and "month 13" in out
    code, _, err = cli("stats", "impact-bond-quality", "INDIGO-POJ-4040")
    assert code == 1 and "INDIGO-POJ-4040" in err
