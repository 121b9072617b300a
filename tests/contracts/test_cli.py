"""`commonmeasure payments`, `returns` and `scenario`, run in-process: exit 0 with the
statement, or exit 1 with a message naming the file and the problem, and no statement."""

from __future__ import annotations

import json

from .builders import DWP_CONTRACT, DWP_PRICES, write_csv, write_json


def dwp_files(tmp_path, rows: str | None = None):
    contract = write_json(tmp_path / "dwp.json", DWP_CONTRACT)
    if rows is None:
        rows = "\n".join(f"P001,{m},2013-{i + 1:02d}-15,yes" for i, m in enumerate(DWP_PRICES))
    data = write_csv(tmp_path / "achievements.csv", "participant,metric,date,validated\n" + rows)
    return contract, data


def test_payments_prints_the_statement_as_json(cli, tmp_path):
    contract, data = dwp_files(tmp_path)
    code, out, err = cli("payments", contract, data, "--json", "--by", "quarter")
    assert code == 0, err
    statement = json.loads(out)
    assert statement["total"] == "11700.00" and statement["currency"] == "GBP"
    assert statement["by_payer"] == {"DWP": "9360.00", "LA": "2340.00"}
    assert statement["by_period"]["2013-Q1"] == "3400.00"
    assert {a["kind"] for a in statement["adjustments"]} == {"cap_per_participant"}


def test_payments_prints_a_readable_statement(cli, tmp_path):
    contract, data = dwp_files(tmp_path)
    code, out, _ = cli("payments", contract, data)
    assert code == 0
    assert "Total due: 11,700.00 GBP" in out and "before caps and thresholds: 20,200.00" in out
    assert "cap_per_participant" in out and "at most 11700 GBP per participant" in out


def test_payments_with_a_bad_data_file_exits_1_and_computes_nothing(cli, tmp_path):
    contract, data = dwp_files(
        tmp_path,
        "P001,attendance,2013-01-15,yes\nP002,reading,2013-01-16,yes\nP003,attendance,15/01/2013,yes",
    )
    code, out, err = cli("payments", contract, data, "--json")
    assert code == 1 and out == ""
    assert "achievements.csv: 2 problems; nothing was computed." in err
    assert (
        "achievements.csv: row 3, column 'metric': 'reading' is not a metric of the contract" in err
    )
    assert (
        "achievements.csv: row 4, column 'date': '15/01/2013' is not a date written YYYY-MM-DD"
        in err
    )


def test_payments_with_a_bad_contract_exits_1(cli, tmp_path):
    bad = dict(DWP_CONTRACT, payers=[{"id": "DWP", "share": "0.8"}, {"id": "LA", "share": "0.1"}])
    contract = write_json(tmp_path / "c.json", bad)
    _, data = dwp_files(tmp_path)
    code, out, err = cli("payments", contract, data)
    assert code == 1 and out == ""
    assert "c.json: payers: the shares must add up to exactly 1 (they add up to 0.9)" in err


def test_payments_for_a_missing_file_exits_1(cli, tmp_path):
    contract, _ = dwp_files(tmp_path)
    code, _, err = cli("payments", contract, tmp_path / "nothing.csv")
    assert code == 1 and "nothing.csv" in err


def test_payments_for_a_comparison_contract(cli, tmp_path):
    contract = write_json(
        tmp_path / "p.json",
        {
            "mechanism": "comparison",
            "currency": "GBP",
            "price_per_unit": "1000",
            "threshold": "0.10",
        },
    )
    data = write_csv(tmp_path / "cohorts.csv", "cohort,treated_events,comparison_events\n1,142,155")
    code, out, _ = cli("payments", contract, data)
    assert code == 0
    assert "8.39%" in out and "Total due: 0.00 GBP" in out


def test_returns_prints_money_multiple_and_xirr(cli, tmp_path):
    flows = write_csv(tmp_path / "flows.csv", "date,amount\n2015-06-01,-270000\n2018-07-01,414085")
    code, out, _ = cli("returns", flows, "--json")
    assert code == 0
    result = json.loads(out)["all"]
    assert result["money_multiple"] == "1.534" and abs(result["xirr"] - 0.149) < 0.0005
    code, out, _ = cli("returns", flows)
    assert code == 0 and "14.9%" in out and "1.534" in out


def test_returns_with_a_bad_amount_exits_1(cli, tmp_path):
    flows = write_csv(tmp_path / "flows.csv", "date,amount\n2015-06-01,£270k")
    code, out, err = cli("returns", flows)
    assert code == 1 and out == "" and "row 2, column 'amount': '£270k' is not a number" in err


def test_scenario_at_one_success_rate_and_across_all(cli, tmp_path):
    contract, _ = dwp_files(tmp_path)
    code, out, _ = cli(
        "scenario",
        contract,
        "--participants",
        "100",
        "--success-rate",
        "50%",
        "--investment",
        "500000",
        "--json",
    )
    assert code == 0
    result = json.loads(out)
    assert result["total_paid"] == "585000.00"  # 50 participants x 11,700
    assert result["investor"]["money_multiple"] == "1.170"
    code, out, _ = cli(
        "scenario", contract, "--participants", "100", "--sweep", "--investment", "500000"
    )
    assert code == 0 and "100%" in out and out.count("\n") >= 12


def test_scenario_with_a_bad_rate_exits_1(cli, tmp_path):
    contract, _ = dwp_files(tmp_path)
    code, _, err = cli(
        "scenario", contract, "--participants", "10", "--success-rate", "reading=0.5"
    )
    assert code == 1 and "'reading': not a metric of the contract" in err
