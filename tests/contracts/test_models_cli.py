"""`commonmeasure contract load` and `contract achievements`: the managed contract from files."""

from __future__ import annotations

import json
from decimal import Decimal

from commonmeasure.contracts.models import Achievement, ManagedContract

from .conftest import ACHIEVEMENTS, DEFINITION, write


def test_contract_load_creates_the_contract_of_a_managed_project_by_its_indigo_id(
    cli, project, tmp_path
):
    path = write(tmp_path, json.dumps(DEFINITION), "contract.json")
    code, out, err = cli("contract", "load", path, "--project", "CM-TEST-0001")
    assert (code, err) == (0, "")
    assert "created contract" in out
    assert ManagedContract.objects.get(project=project).definition == DEFINITION


def test_contract_load_names_the_bad_field_and_saves_nothing(cli, project, tmp_path):
    bad = {**DEFINITION, "payers": [{"id": "Council", "share": "0.5"}]}
    code, _out, err = cli(
        "contract", "load", write(tmp_path, json.dumps(bad), "c.json"), "--project", str(project.pk)
    )
    assert code == 1
    assert "c.json: payers: the shares must add up to exactly 1 (they add up to 0.5)" in err
    assert not ManagedContract.objects.exists()


def test_contract_load_refuses_an_unknown_project(cli, project, tmp_path):
    code, _out, err = cli("contract", "load", write(tmp_path, "{}", "c.json"), "--project", "NOPE")
    assert code == 1 and "no project 'NOPE'" in err


def test_achievements_dry_run_records_nothing_then_the_real_run_records_them(
    cli, contract, tmp_path
):
    path = write(tmp_path, ACHIEVEMENTS)
    code, out, _err = cli(
        "contract", "achievements", path, "--project", "CM-TEST-0001", "--dry-run", "--json"
    )
    summary = json.loads(out)
    assert code == 0 and summary["added"] == 8 and summary["dry_run"] is True
    assert Decimal(summary["due_after"]) == Decimal("4800.00")
    assert Achievement.objects.count() == 0
    code, out, _err = cli("contract", "achievements", path, "--project", "CM-TEST-0001")
    assert code == 0 and "Recorded 8 of 8 achievements" in out and "4800.00 GBP" in out
    assert Achievement.objects.count() == 8


def test_a_bad_achievements_file_exits_1_naming_the_row_and_records_nothing(
    cli, contract, tmp_path
):
    path = write(tmp_path, "participant,metric,date\nP1,job_start,2024-13-01\n", "bad.csv")
    code, _out, err = cli("contract", "achievements", path, "--project", "CM-TEST-0001")
    assert code == 1
    assert "bad.csv: row 2, column 'date': '2024-13-01' is not a date written YYYY-MM-DD" in err
    assert Achievement.objects.count() == 0
