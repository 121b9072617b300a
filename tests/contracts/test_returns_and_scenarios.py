"""Investor returns (XIRR, money multiple, maximum potential loss) and scenarios."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from commonmeasure.domain.payments import ContractError, Metric, Payer
from commonmeasure.domain.returns import CashFlow, investor_returns, returns_by_investor
from commonmeasure.domain.scenario import simulate, sweep

from .builders import rate_card

D = Decimal


def test_the_worked_example_gives_a_money_multiple_of_1_534_and_an_xirr_of_about_14_9_percent():
    flows = [CashFlow(date(2015, 6, 1), D("-270000")), CashFlow(date(2018, 7, 1), D("414085"))]
    r = investor_returns(flows)
    assert r.as_dict()["money_multiple"] == "1.534"
    assert r.xirr == pytest.approx(0.149, abs=0.0005)
    # the definition: the rate at which the flows' present value is zero (actual/365)
    years = (date(2018, 7, 1) - date(2015, 6, 1)).days / 365
    assert -270000 + 414085 / (1 + r.xirr) ** years == pytest.approx(0, abs=0.01)
    assert r.max_potential_loss == D("270000") and r.net == D("144085")


def test_maximum_potential_loss_is_everything_put_in_and_peak_exposure_nets_repayments():
    flows = [
        CashFlow(date(2020, 1, 1), D("-100")),
        CashFlow(date(2020, 6, 1), D("80")),
        CashFlow(date(2021, 1, 1), D("-100")),
        CashFlow(date(2022, 1, 1), D("150")),
    ]
    r = investor_returns(flows)
    assert r.max_potential_loss == D("200")
    assert r.peak_exposure == D("120")  # 100 out, 80 back, 100 out again
    assert r.money_multiple == D("230") / D("200")


def test_a_total_loss_has_an_xirr_of_minus_100_percent_and_nothing_invested_has_none():
    assert investor_returns([CashFlow(date(2020, 1, 1), D("-100"))]).xirr == -1.0
    r = investor_returns([CashFlow(date(2020, 1, 1), D("100"))])
    assert r.xirr is None and r.money_multiple is None


def test_returns_are_given_per_investor_and_for_all_together():
    flows = [
        CashFlow(date(2021, 1, 1), D("-100"), "A"),
        CashFlow(date(2022, 1, 1), D("110"), "A"),
        CashFlow(date(2021, 1, 1), D("-100"), "B"),
        CashFlow(date(2022, 1, 1), D("90"), "B"),
    ]
    overall, each = returns_by_investor(flows)
    assert each["A"].xirr == pytest.approx(0.10, abs=1e-6)
    assert each["B"].xirr == pytest.approx(-0.10, abs=1e-6)
    assert overall.money_multiple == D("1") and math.isclose(overall.xirr, 0.0, abs_tol=1e-9)


def scenario_contract():
    return rate_card(
        metrics=(Metric("a", D("1000")), Metric("b", D("2000"))),
        cap_per_participant=D("2500"),
        payers=(Payer("P", D("0.75")), Payer("Q", D("0.25"))),
    )


def test_a_scenario_pays_for_the_share_of_participants_who_succeed_and_applies_the_caps():
    result = simulate(scenario_contract(), 10, D("0.6"), investment=D("20000")).as_dict()
    assert result["outcomes_achieved"] == {"a": 6, "b": 6}
    # six participants each earn 3,000, capped at 2,500
    assert result["total_paid"] == "15000.00"
    assert result["removed_by_caps"] == "3000.00"
    assert result["by_payer"] == {"P": "11250.00", "Q": "3750.00"}
    assert result["cost_per_outcome"] == "1250.00"
    assert (
        result["investor"]["loss"] == "5000.00"
        and result["investor"]["loss_borne_by"] == "investor"
    )
    assert result["investor"]["money_multiple"] == "0.750"


def test_per_metric_success_rates_and_their_limits():
    result = simulate(scenario_contract(), 10, {"a": D("1")}).as_dict()
    assert result["outcomes_achieved"] == {"a": 10, "b": 0}
    assert result["cost_per_outcome_by_metric"]["b"] is None and result["investor"] is None
    with pytest.raises(ContractError, match="must be between 0 and 1"):
        simulate(scenario_contract(), 10, {"a": D("1.5")})
    with pytest.raises(ContractError, match="'zzz': not a metric"):
        simulate(scenario_contract(), 10, {"zzz": D("0.5")})


def test_a_sweep_from_0_to_100_percent_pays_more_as_more_succeed():
    rows = sweep(scenario_contract(), 20, investment=D("30000"))
    assert [r["success_rate"] for r in rows][0::5] == ["0", "0.5", "1"]
    paid = [D(r["total_paid"]) for r in rows]
    assert paid == sorted(paid) and paid[0] == 0 and paid[-1] == D("50000.00")
    assert rows[0]["investor"]["xirr"] == -1.0
