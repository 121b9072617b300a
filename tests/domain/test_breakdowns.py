"""Breakdowns agree with totals: the arithmetic (commonmeasure/domain/breakdowns.py)."""

from __future__ import annotations

from commonmeasure.domain.breakdowns import Breakdown, check, group

GENDER = {"gender": 2}
BOTH = {"gender": 2, "age_band": 2}


def test_a_complete_breakdown_that_adds_up_to_the_total_passes():
    total, parts = group([("", 33), ("gender", 16), ("gender", 17)], GENDER)
    assert check(total, parts) == []


def test_a_total_of_33_against_a_complete_breakdown_of_32_is_named_with_both_figures():
    total, parts = group([("", 33), ("gender", 16), ("gender", 16)], GENDER)
    [problem] = check(total, parts)
    assert problem.dims == ("gender",)
    assert problem.reason == (
        "the breakdown by gender adds up to 32 (every category given) but the total is 33"
    )


def test_a_partial_breakdown_above_the_total_is_named():
    total, parts = group([("", 8), ("gender", 30)], GENDER)
    [problem] = check(total, parts)
    assert problem.reason == (
        "the breakdown by gender adds up to 30 (1 of 2 categories given), more than the total of 8"
    )


def test_a_partial_breakdown_below_or_at_the_total_passes():
    assert check(*group([("", 8), ("gender", 8)], GENDER)) == []
    assert check(*group([("", 8), ("gender", 3)], GENDER)) == []


def test_every_breakdown_is_compared_with_the_total_the_cross_one_too():
    values = [("", 10), ("gender", 6), ("gender", 4)] + [
        ("age_band,gender", v) for v in (1, 2, 3, 5)
    ]
    [problem] = check(*group(values, BOTH))
    assert problem.dims == ("age_band", "gender") and "adds up to 11" in problem.reason


def test_without_a_total_two_complete_breakdowns_must_agree():
    values = [("gender", 6), ("gender", 4), ("age_band", 3), ("age_band", 8)]
    [problem] = check(*group(values, BOTH))
    assert problem.reason == (
        "the breakdown by gender adds up to 10 (every category given) but the breakdown by "
        "age_band is 11"
    )


def test_without_a_total_or_a_complete_breakdown_there_is_nothing_to_compare():
    assert check(*group([("gender", 6), ("age_band", 30)], BOTH)) == []


def test_negative_parts_may_add_up_to_more_than_the_total_when_incomplete():
    assert check(5, [Breakdown(("gender",), 9, 1, 2, nonnegative=False)]) == []


def test_sums_are_compared_with_a_tolerance_of_one_part_in_a_billion():
    values = [("", 0.3), ("gender", 0.1), ("gender", 0.2)]  # 0.1 + 0.2 != 0.3 in floating point
    assert check(*group(values, GENDER)) == []


def test_a_dimension_the_indicator_no_longer_has_is_left_out():
    assert check(*group([("", 5), ("region", 50)], GENDER)) == []
