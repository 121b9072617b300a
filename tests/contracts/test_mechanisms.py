"""The comparison and weighted-targets mechanisms."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commonmeasure.domain.mechanisms import (
    CohortResult,
    TargetResult,
    comparison_statement,
    weighted_targets_statement,
)
from commonmeasure.domain.payments import Comparison, ContractError, Payer, Target, WeightedTargets

D = Decimal


def peterborough(**overrides) -> Comparison:
    terms = {"currency": "GBP", "price_per_unit": D("1000"), "threshold": D("0.10")}
    terms.update(overrides)
    return Comparison(**terms)


def test_peterborough_cohort_1_reduced_reconvictions_by_8_39_percent_below_the_threshold_so_nothing_is_paid():
    s = comparison_statement(peterborough(), [CohortResult("1", D("142"), D("155"), row=2)])
    [cohort] = s.detail["cohorts"]
    assert cohort["reduction"] == "0.0839"  # 13 / 155
    assert cohort["threshold_met"] is False
    assert s.total == D("0.00")
    [adj] = s.adjustments
    assert adj.kind == "threshold" and adj.cohort == "1" and adj.row == 2
    assert adj.amount == D("-13000.00")  # what 13 events avoided would have earned
    assert "8.39%" in adj.rule and "10.00%" in adj.rule


def test_a_cohort_that_reaches_the_threshold_is_paid_price_times_events_avoided():
    s = comparison_statement(peterborough(), [CohortResult("2", D("100"), D("125"))])
    assert s.total == D("25000.00")
    assert s.by_metric == {"events_avoided": D("25000.00")}
    assert s.adjustments == []


def test_a_reduction_exactly_at_the_threshold_is_paid():
    s = comparison_statement(peterborough(), [CohortResult("1", D("90"), D("100"))])
    assert s.total == D("10000.00")


def test_comparison_contract_cap_applies_to_cohorts_in_file_order_and_payers_split_it():
    contract = peterborough(
        cap_total=D("30000"), payers=(Payer("MoJ", D("0.5")), Payer("Fund", D("0.5")))
    )
    s = comparison_statement(
        contract, [CohortResult("1", D("100"), D("125")), CohortResult("2", D("100"), D("120"))]
    )
    assert s.detail["by_cohort"] == {"1": "25000.00", "2": "5000.00"}
    assert [(a.kind, a.cohort, a.amount) for a in s.adjustments] == [
        ("cap_total", "2", D("-15000.00"))
    ]
    assert s.by_payer == {"MoJ": D("15000.00"), "Fund": D("15000.00")}


def test_fractional_events_per_hundred_are_rounded_half_up_once_per_cohort():
    s = comparison_statement(
        peterborough(price_per_unit=D("0.333")), [CohortResult("1", D("100"), D("115.5"))]
    )
    assert s.total == D("5.16")  # 0.333 x 15.5 = 5.1615


def test_bad_cohort_rows_are_refused_with_their_rows():
    with pytest.raises(ContractError) as err:
        comparison_statement(
            peterborough(),
            [CohortResult("1", D("-1"), D("0"), 2), CohortResult("1", D("1"), D("2"), 3)],
        )
    assert err.value.problems == [
        "row 2: treated_events must not be negative (got -1)",
        "row 2: comparison_events must be more than 0 (got 0)",
        "row 3: cohort '1' appears twice (first in row 2)",
    ]


def weighted(**overrides) -> WeightedTargets:
    terms = {
        "currency": "GBP",
        "max_payment": D("1000000"),
        "targets": (
            Target("learning", D("0.8"), D("5592"), D("1")),
            Target("attendance", D("0.2"), D("100"), D("1.2")),
        ),
    }
    terms.update(overrides)
    return WeightedTargets(**terms)


def test_weighted_targets_pay_max_payment_times_the_weighted_capped_ratios():
    contract = weighted()
    s = weighted_targets_statement(
        contract, [TargetResult("learning", D("4000")), TargetResult("attendance", D("130"))]
    )
    expected_learning = (D("1000000") * D("0.8") * D("4000") / D("5592")).quantize(D("0.01"))
    assert s.by_metric == {"learning": expected_learning, "attendance": D("240000.00")}
    assert s.total == D("812246.07") == expected_learning + D("240000.00")
    [adj] = s.adjustments
    assert (adj.kind, adj.metric, adj.amount) == (
        "cap_ratio",
        "attendance",
        D("-20000.00"),
    )  # 1.3 counted as 1.2
    assert s.gross == D("832246.07")


def test_a_target_missing_from_the_data_counts_as_nothing_achieved_and_is_listed():
    s = weighted_targets_statement(weighted(), [TargetResult("attendance", D("50"))])
    assert s.by_metric["learning"] == D("0.00")
    assert s.detail["not_reported"] == ["learning"]
    assert s.total == D("100000.00")


def test_weighted_results_for_unknown_or_repeated_metrics_are_refused():
    with pytest.raises(ContractError) as err:
        weighted_targets_statement(
            weighted(),
            [
                TargetResult("reading", D("1"), 2),
                TargetResult("learning", D("1"), 3),
                TargetResult("learning", D("-2"), 4),
            ],
        )
    assert (
        err.value.problems[0]
        == "row 2: metric 'reading' is not in the contract (it defines learning, attendance)"
    )
    assert "row 4: metric 'learning' appears twice (first in row 3)" in err.value.problems
    assert "row 4: achieved must not be negative (got -2)" in err.value.problems
