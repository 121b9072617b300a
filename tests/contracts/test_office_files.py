"""Contract data files saved by office programs: the 1904 date system, ODS, formulas and
percentages (docs/reference/contract-file.md, docs/reference/values-file.md)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from commonmeasure.interchange.contracts import (
    ContractFileError,
    parse_contract,
    read_achievements,
    read_cashflows,
)
from tests.office.writers import Fx, Pct, write_ods

from .builders import DWP_CONTRACT


@pytest.fixture
def contract():
    return parse_contract(DWP_CONTRACT)


def workbook_1904(path, rows):
    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_achievements_in_a_1904_workbook_are_dated_as_typed(tmp_path, contract):
    path = workbook_1904(
        tmp_path / "a.xlsx",
        [["participant", "metric", "date"], ["P1", "attendance", datetime(2013, 1, 2)]],  # noqa: DTZ001
    )
    assert read_achievements(path, contract) == [("P1", "attendance", date(2013, 1, 2), True, 2)]


def test_investor_cash_flows_in_a_1904_workbook_are_dated_as_typed(tmp_path):
    path = workbook_1904(
        tmp_path / "f.xlsx",
        [["date", "amount", "investor"], [datetime(2015, 6, 1), -270000, "Bridges"]],  # noqa: DTZ001
    )
    flow = read_cashflows(path)[0]
    assert (flow.date, flow.amount, flow.investor) == (
        date(2015, 6, 1),
        Decimal(-270000),
        "Bridges",
    )


def test_achievements_and_cash_flows_can_come_from_ods(tmp_path, contract):
    path = write_ods(
        tmp_path / "a.ods",
        {"A": [["participant", "metric", "date"], ["P1", "attendance", date(2013, 1, 2)]]},
    )
    assert read_achievements(path, contract) == [("P1", "attendance", date(2013, 1, 2), True, 2)]
    flows = write_ods(tmp_path / "f.ods", {"F": [["date", "amount"], ["2015-06-01", -5]]})
    assert read_cashflows(flows)[0].amount == Decimal(-5)


def test_a_formula_in_any_column_is_refused_naming_row_and_column(tmp_path, contract):
    path = write_ods(
        tmp_path / "a.ods",
        {"A": [["participant", "metric", "date"], [Fx('of:="P"&1'), "attendance", "2013-01-02"]]},
    )
    with pytest.raises(ContractFileError) as err:
        read_achievements(path, contract)
    assert err.value.problems[0].startswith("row 2, column 'participant': ")
    assert "is a formula; formulas are never calculated" in err.value.problems[0]
    flows = write_ods(tmp_path / "f.ods", {"F": [["date", "amount"], ["2015-06-01", Fx("of:=1")]]})
    with pytest.raises(ContractFileError, match="row 2, column 'amount': .* is a formula"):
        read_cashflows(flows)


def test_a_percentage_is_not_an_amount_of_money(tmp_path):
    flows = write_ods(tmp_path / "f.ods", {"F": [["date", "amount"], ["2015-06-01", Pct(0.5)]]})
    with pytest.raises(ContractFileError, match="row 2, column 'amount': .* is not a number"):
        read_cashflows(flows)


def test_achievements_saved_with_semicolons_in_windows_1252_are_read(tmp_path, contract):
    path = tmp_path / "a.csv"
    path.write_bytes("participant;metric;date\r\nPé1;attendance;2013-01-02\r\n".encode("cp1252"))
    assert read_achievements(path, contract) == [("Pé1", "attendance", date(2013, 1, 2), True, 2)]


def test_a_decimal_comma_in_an_amount_is_read_with_semicolons_and_never_dropped(tmp_path):
    semicolons = tmp_path / "f.csv"
    semicolons.write_text("date;amount\n2015-06-01;1250,5\n")
    assert read_cashflows(semicolons)[0].amount == Decimal("1250.5")
    commas = tmp_path / "g.csv"
    commas.write_text('date,amount\n2015-06-01,"1250,5"\n2015-07-01,"1,250.50"\n')
    with pytest.raises(ContractFileError) as err:
        read_cashflows(commas)
    assert err.value.problems == ["row 2, column 'amount': '1250,5' is not a number"]


@pytest.mark.parametrize("kind", ["ods", "xlsx-1904"])
def test_the_contract_page_takes_achievements_saved_as_ods_or_in_the_1904_date_system(
    client_for, project, settings, tmp_path, kind
):
    """The seen defect: every row of a 1904 workbook was "outside the contract dates" (total 0)."""
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    from commonmeasure.contracts.services import save_contract

    from .conftest import ACHIEVEMENTS, DEFINITION

    contract = save_contract(project, DEFINITION)
    settings.VAR_DIR = tmp_path / "var"
    lines = [line.split(",") for line in ACHIEVEMENTS.strip().splitlines()]
    rows = [lines[0]] + [
        [p, m, datetime.fromisoformat(d), v, e or None] for p, m, d, v, e in lines[1:]
    ]
    if kind == "ods":
        path = write_ods(tmp_path / "achievements.ods", {"Achievements": rows})
    else:
        path = workbook_1904(tmp_path / "achievements.xlsx", rows)
    client = client_for("backbone")
    response = client.post(
        f"/contracts/{contract.pk}/achievements/upload/",
        {"file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    html = response.content.decode()
    assert 'id="to-add">8<' in html and 'id="due-after">£4,800.00<' in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    client.post(f"/contracts/{contract.pk}/achievements/upload/", {"token": token, "commit": "1"})
    from commonmeasure.contracts import services

    assert services.statement(contract).total == Decimal("4800.00")
