"""Money: ISO 4217 minor units, rounding half up, and payer splits that add up exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonmeasure.domain.money import (
    MoneyError,
    from_minor,
    minor_unit,
    round_money,
    split_largest_remainder,
    to_minor,
)


@pytest.mark.parametrize(
    ("currency", "places"),
    [("GBP", 2), ("USD", 2), ("EUR", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3), ("CLF", 4)],
)
def test_minor_units_follow_iso_4217(currency, places):
    assert minor_unit(currency) == places


def test_an_unknown_currency_is_refused_by_name():
    with pytest.raises(MoneyError, match="'GBX' is not an ISO 4217 currency code"):
        minor_unit("GBX")


@pytest.mark.parametrize(
    ("amount", "places", "expected"),
    [
        ("0.005", 2, "0.01"),
        ("0.015", 2, "0.02"),
        ("2.5", 0, "3"),
        ("-0.005", 2, "-0.01"),
        ("1.2345", 3, "1.235"),
        ("0.004", 2, "0.00"),
    ],
)
def test_rounding_is_half_up_to_the_minor_unit(amount, places, expected):
    assert str(round_money(Decimal(amount), places)) == expected


def test_minor_units_round_trip():
    assert to_minor(Decimal("11700"), 2) == 1_170_000
    assert str(from_minor(1_170_000, 2)) == "11700.00"
    assert str(from_minor(5, 0)) == "5"


def test_largest_remainder_gives_the_leftover_penny_to_the_largest_remainder():
    # 100.00 in thirds: 33.33 each and one penny left, to the share with the largest remainder
    assert split_largest_remainder(10_000, [Decimal(1) / 3] * 2 + [1 - 2 * (Decimal(1) / 3)]) == [
        3333,
        3333,
        3334,
    ]
    # 0.01 split 0.8 / 0.2: the 0.8 share has the larger remainder
    assert split_largest_remainder(1, [Decimal("0.8"), Decimal("0.2")]) == [1, 0]
    # 2.75, 2.75, 5.5: two units left; equal remainders .75 go first, in payer order
    assert split_largest_remainder(11, [Decimal("0.25"), Decimal("0.25"), Decimal("0.5")]) == [
        3,
        3,
        5,
    ]
    # a tie between equal remainders goes to the earlier payer
    assert split_largest_remainder(1, [Decimal("0.5"), Decimal("0.5")]) == [1, 0]


shares = st.lists(st.integers(0, 1000), min_size=1, max_size=8).filter(lambda xs: sum(xs) > 0)


@given(total=st.integers(-(10**12), 10**12), weights=shares)
def test_largest_remainder_parts_always_add_up_exactly_and_stay_within_a_unit(total, weights):
    whole = sum(weights)
    # shares as exact decimals that add up to 1: all but the last rounded, the last the rest
    parts_of_one = [(Decimal(w) / whole).quantize(Decimal("0.000001")) for w in weights[:-1]]
    parts_of_one.append(1 - sum(parts_of_one, Decimal(0)))
    if parts_of_one[-1] < 0:
        return
    parts = split_largest_remainder(total, parts_of_one)
    assert sum(parts) == total
    for part, share in zip(parts, parts_of_one, strict=True):
        assert abs(Decimal(part) - total * share) < 1


def test_shares_that_do_not_add_up_to_one_cannot_be_split():
    with pytest.raises(MoneyError, match="add up to 1"):
        split_largest_remainder(100, [Decimal("0.5"), Decimal("0.9")])
