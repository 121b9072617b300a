"""Reading contract definitions and data files: every bad input of issue 5, section 8, is
refused with a message naming the file and the field, or the row and column."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest

from commonmeasure.domain.payments import Comparison, RateCard, WeightedTargets
from commonmeasure.interchange.contracts import (
    ContractFileError,
    parse_contract,
    read_achievements,
    read_cashflows,
    read_cohorts,
    read_contract,
    read_target_results,
)

from .builders import DWP_CONTRACT, write_csv, write_json


def problems_of(data: dict) -> list[str]:
    with pytest.raises(ContractFileError) as err:
        parse_contract(data, "contract.json")
    return err.value.problems


def dwp(**changes) -> dict:
    data = copy.deepcopy(DWP_CONTRACT)
    data.update(changes)
    return data


def test_the_issues_rate_card_example_is_read_with_decimal_amounts():
    contract = parse_contract(
        {
            "currency": "GBP",
            "start": "2012-04-01",
            "end": "2015-03-31",
            "cap_total": "2629000",
            "cap_per_participant": "11700",
            "payers": [{"id": "DWP", "share": "0.8"}, {"id": "LA", "share": "0.2"}],
            "metrics": [
                {
                    "id": "attendance",
                    "price": "1400",
                    "once_per_participant": True,
                    "cap_count": 300,
                }
            ],
        }
    )
    assert isinstance(contract, RateCard)
    assert contract.cap_total == Decimal("2629000") and contract.start == date(2012, 4, 1)
    assert contract.metrics[0].once_per_participant and contract.metrics[0].cap_count == 300
    assert [p.share for p in contract.payers] == [Decimal("0.8"), Decimal("0.2")]


def test_amounts_may_be_json_numbers_and_are_read_exactly():
    contract = parse_contract(dwp(cap_per_participant=11700.10, payers=[{"id": "X", "share": 1}]))
    assert contract.cap_per_participant == Decimal("11700.10")


def test_the_other_mechanisms_are_read():
    c = parse_contract(
        {
            "mechanism": "comparison",
            "currency": "GBP",
            "price_per_unit": "1000",
            "threshold": "0.10",
        }
    )
    assert isinstance(c, Comparison) and c.threshold == Decimal("0.10")
    w = parse_contract(
        {
            "mechanism": "weighted_targets",
            "currency": "GBP",
            "max_payment": 100,
            "targets": [{"id": "learning", "weight": "1", "target": "5592"}],
        }
    )
    assert isinstance(w, WeightedTargets) and w.targets[0].cap_ratio == 1


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"metrics": [{"id": "a", "price": "-1"}]},
            "metrics.0.price: must not be negative (got -1)",
        ),
        ({"cap_total": "-5"}, "cap_total: must not be negative (got -5)"),
        ({"cap_per_participant": -1}, "cap_per_participant: must not be negative (got -1)"),
        (
            {"metrics": [{"id": "a", "price": "1", "cap_count": -3}]},
            "metrics.0.cap_count: must not be negative (got -3)",
        ),
        (
            {"payers": [{"id": "A", "share": "-0.2"}, {"id": "B", "share": "1.2"}]},
            "payers.0.share: must not be negative (got -0.2)",
        ),
        (
            {"payers": [{"id": "A", "share": "0.8"}, {"id": "B", "share": "0.3"}]},
            "payers: the shares must add up to exactly 1 (they add up to 1.1)",
        ),
        (
            {"metrics": [{"id": "a", "price": "12.345"}]},
            "metrics.0.price: 12.345 has more decimal places than GBP has (2)",
        ),
        (
            {"currency": "XYZ"},
            "currency: 'XYZ' is not an ISO 4217 currency code (such as GBP, USD, EUR, JPY)",
        ),
        (
            {"start": "2015-04-01", "end": "2015-03-31"},
            "end: 2015-03-31 is before start 2015-04-01",
        ),
        ({"start": "01/04/2012"}, 'start: "01/04/2012" is not a date written YYYY-MM-DD'),
        ({"start": "2012-02-30"}, 'start: "2012-02-30" is not a date written YYYY-MM-DD'),
        ({"cap_total": "lots"}, "cap_total: 'lots' is not a number"),
        ({"cap_total": True}, "cap_total: must be a number or a number in quotes (got true)"),
        ({"cap_per_particpant": "1"}, "cap_per_particpant: not a field of a rate_card contract"),
        ({"metrics": [{"id": "a", "price": "1", "once": True}]}, "metrics.0.once: not a field"),
        (
            {"metrics": [{"id": "a", "price": "1"}, {"id": "a", "price": "2"}]},
            "metrics.1.id: metric 'a' appears twice",
        ),
        ({"metrics": [{"price": "1"}]}, "metrics.0.id: required"),
        ({"metrics": []}, "metrics: at least one metric is needed"),
        (
            {"mechanism": "lottery"},
            "mechanism: 'lottery' is not one of rate_card, comparison, weighted_targets",
        ),
    ],
)
def test_bad_rate_card_definitions_name_the_field(changes, problem):
    found = problems_of(dwp(**changes))
    assert any(p.startswith(problem) for p in found), found


def test_a_missing_required_field_is_named():
    data = dwp()
    del data["start"], data["currency"]
    assert problems_of(data)[:2] == ["currency: required", "start: required"]


def test_a_threshold_above_1_is_refused():
    found = problems_of(
        {"mechanism": "comparison", "currency": "GBP", "price_per_unit": "1", "threshold": "10"}
    )
    assert found == ["threshold: must be between 0 and 1, a share such as 0.10 for 10% (got 10)"]


def test_weights_must_add_up_to_1_and_targets_be_positive():
    found = problems_of(
        {
            "mechanism": "weighted_targets",
            "currency": "GBP",
            "max_payment": "1",
            "targets": [{"id": "a", "weight": "0.5", "target": "0"}],
        }
    )
    assert found == [
        "targets.0.target: must be more than 0 (got 0)",
        "targets: the weights must add up to exactly 1 (they add up to 0.5)",
    ]


def test_a_file_that_is_not_json_names_the_line(tmp_path):
    path = tmp_path / "contract.json"
    path.write_text('{"currency": "GBP",\n "start": }')
    with pytest.raises(ContractFileError) as err:
        read_contract(path)
    assert err.value.problems == ["line 2, column 11: not valid JSON (Expecting value)"]
    assert str(err.value).startswith("contract.json: 1 problem; nothing was computed.")


# -- data files --------------------------------------------------------------------------------


@pytest.fixture
def contract():
    return parse_contract(DWP_CONTRACT)


def data_problems(tmp_path, contract, text: str) -> list[str]:
    path = write_csv(tmp_path / "achievements.csv", text)
    with pytest.raises(ContractFileError) as err:
        read_achievements(path, contract)
    assert err.value.filename == "achievements.csv"
    return err.value.problems


def test_achievements_are_read_with_their_rows(tmp_path, contract):
    path = write_csv(
        tmp_path / "a.csv",
        "participant,metric,date,validated\nP1,attendance,2013-01-02,Yes\n\nP2, basic_skills ,2013-01-03,no\n",
    )
    assert read_achievements(path, contract) == [
        ("P1", "attendance", date(2013, 1, 2), True, 2),
        ("P2", "basic_skills", date(2013, 1, 3), False, 4),
    ]


def test_a_missing_column_is_named(tmp_path, contract):
    assert data_problems(tmp_path, contract, "participant,metric\nP1,attendance") == [
        "row 1, column 'date': is missing from the header"
    ]


def test_an_unknown_column_is_named_so_a_misspelt_validated_column_is_not_ignored(
    tmp_path, contract
):
    found = data_problems(
        tmp_path, contract, "participant,metric,date,validatd\nP1,attendance,2013-01-02,no"
    )
    assert found == [
        "row 1, column 'validatd': is not a column of this file; expected participant, metric, date and optionally validated, evidence"
    ]


def test_metrics_the_contract_does_not_define_are_refused_by_row(tmp_path, contract):
    found = data_problems(
        tmp_path,
        contract,
        "participant,metric,date\nP1,attendance,2013-01-02\nP1,reading,2013-01-03",
    )
    assert found == [
        f"row 3, column 'metric': 'reading' is not a metric of the contract ({', '.join(m['id'] for m in DWP_CONTRACT['metrics'])})"
    ]


@pytest.mark.parametrize("bad", ["02/01/2013", "2013-02-30", "", "2013-1-2"])
def test_a_malformed_or_missing_date_is_refused_by_row_and_column(tmp_path, contract, bad):
    found = data_problems(tmp_path, contract, f"participant,metric,date\nP1,attendance,{bad}")
    assert found == [f"row 2, column 'date': {bad!r} is not a date written YYYY-MM-DD"]


def test_a_row_with_too_many_cells_or_no_participant_is_refused(tmp_path, contract):
    found = data_problems(
        tmp_path,
        contract,
        "participant,metric,date\nP1,attendance,2013-01-02,extra\n,attendance,2013-01-02",
    )
    assert found == [
        "row 2: has 4 cells but the header has 3",
        "row 3, column 'participant': is empty; give the participant's pseudonymous id",
    ]


def test_many_bad_rows_are_listed_up_to_twenty_and_counted(tmp_path, contract):
    body = "\n".join(f"P{i},attendance,never" for i in range(25))
    path = write_csv(tmp_path / "a.csv", "participant,metric,date\n" + body)
    with pytest.raises(ContractFileError) as err:
        read_achievements(path, contract)
    assert len(err.value.problems) == 20 and err.value.more == 5
    assert "... and 5 more" in str(err.value)


def test_a_file_that_is_neither_utf8_nor_windows_1252_is_refused(tmp_path, contract):
    path = tmp_path / "a.csv"
    path.write_bytes(b"participant,metric,date\nP\x81,attendance,2013-01-02\n")
    with pytest.raises(ContractFileError, match="row 2: is neither UTF-8 nor Windows-1252 text"):
        read_achievements(path, contract)


def test_achievements_can_come_from_xlsx(tmp_path, contract):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["participant", "metric", "date"])
    ws.append([101, "attendance", date(2013, 1, 2)])
    wb.save(tmp_path / "a.xlsx")
    assert read_achievements(tmp_path / "a.xlsx", contract) == [
        ("101", "attendance", date(2013, 1, 2), True, 2)
    ]


def test_cohorts_targets_and_cash_flows_are_read_and_bad_numbers_named(tmp_path):
    cohorts = read_cohorts(
        write_csv(tmp_path / "c.csv", "cohort,treated_events,comparison_events\n1,142,155")
    )
    assert cohorts[0].treated_events == Decimal("142") and cohorts[0].row == 2
    results = read_target_results(write_csv(tmp_path / "t.csv", "metric,achieved\nlearning,4000.5"))
    assert results[0].achieved == Decimal("4000.5")
    flows = read_cashflows(
        write_csv(tmp_path / "f.csv", "date,amount,investor\n2015-06-01,-270000,Bridges")
    )
    assert flows[0].amount == Decimal("-270000") and flows[0].investor == "Bridges"
    with pytest.raises(ContractFileError) as err:
        read_cohorts(
            write_csv(tmp_path / "c2.csv", "cohort,treated_events,comparison_events\n1,many,155")
        )
    assert err.value.problems == ["row 2, column 'treated_events': 'many' is not a number"]
    with pytest.raises(ContractFileError) as err:
        read_cashflows(write_csv(tmp_path / "f2.csv", "date,amount\n2015-13-01,5"))
    assert err.value.problems == [
        "row 2, column 'date': '2015-13-01' is not a date written YYYY-MM-DD"
    ]


def test_a_definition_file_can_be_written_and_read_back(tmp_path):
    assert read_contract(write_json(tmp_path / "c.json", DWP_CONTRACT)) == parse_contract(
        DWP_CONTRACT
    )
