"""Reading INDIGO's messy cells: partial dates, amounts, currencies, countries, statuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from commonmeasure.interchange import indigo_values as v


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2018", "2018"),
        ("2018-12", "2018-12"),
        ("2018-3", "2018-03"),
        ("2018-12-01", "2018-12-01"),
        (" 2019-08-27 ", "2019-08-27"),
        ("6th December 2024", "2024-12-06"),
        ("December 2024", "2024-12"),
        ("27th January 2025", "2025-01-27"),
    ],
)
def test_dates_keep_the_precision_they_were_given(text, expected):
    assert v.partial_date(text) == expected


@pytest.mark.parametrize(
    "text", ["2018-13", "2018-02-30", "next spring", "18/12/2018", "2018-12-01T00:00"]
)
def test_impossible_or_ambiguous_dates_are_not_interpreted(text):
    with pytest.raises(v.Uninterpretable):
        v.partial_date(text)


def test_a_partial_date_counts_as_its_first_day():
    assert v.first_day("2018") == date(2018, 1, 1)
    assert v.first_day("2018-12") == date(2018, 12, 1)
    assert v.first_day("2018-12-05") == date(2018, 12, 5)
    assert v.first_day("") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1245496.654657746", Decimal("1245496.654657746")),
        ("1,000,000", Decimal("1000000")),
        ("2 500", Decimal("2500")),
        ("0.066", Decimal("0.066")),
        ("-5", Decimal("-5")),
    ],
)
def test_amounts_are_read_exactly(text, expected):
    assert v.amount(text) == expected


@pytest.mark.parametrize("text", ["$", "£2m", "about 3000", "1.2.3", "1,00,000"])
def test_amounts_with_words_or_symbols_are_not_interpreted(text):
    with pytest.raises(v.Uninterpretable):
        v.amount(text)


@pytest.mark.parametrize(
    "text, code",
    [
        ("GBP", "GBP"),
        ("gbp", "GBP"),
        ("Japanese Yen", "JPY"),
        ("NZ dollar", "NZD"),
        ("NZ dollars", "NZD"),
        ("Pound Sterling", "GBP"),
        ("£", "GBP"),
        ("euros", "EUR"),
        ("US$", "USD"),
        ("ARS", "ARS"),
    ],
)
def test_free_text_currencies_become_iso_4217_codes(text, code):
    assert v.currency(text) == code


def test_an_unknown_currency_name_is_not_interpreted():
    with pytest.raises(v.Uninterpretable):
        v.currency("shells")


@pytest.mark.parametrize(
    "text, code",
    [("GB", "GB"), ("pt", "PT"), ("United Kingdom", "GB"), ("Washington DC, US", "US")],
)
def test_countries_are_codes_or_known_names(text, code):
    assert v.country(text) == code


def test_an_unknown_country_is_not_interpreted():
    with pytest.raises(v.Uninterpretable):
        v.country("XX")


def test_sdg_goals_are_numbers_from_1_to_17():
    assert v.sdg_goals("3, 4") == [3, 4]
    assert v.sdg_goals("SDG 8; 8") == [8]
    with pytest.raises(v.Uninterpretable):
        v.sdg_goals("18")


def test_counts_are_whole_numbers():
    assert v.whole_number("1,000") == 1000
    assert v.whole_number("1000.0") == 1000
    with pytest.raises(v.Uninterpretable):
        v.whole_number("12.5")


def test_a_blank_status_is_public_and_an_unknown_one_is_refused():
    assert v.status("") == "PUBLIC"
    assert v.status("private") == "PRIVATE"
    with pytest.raises(v.Uninterpretable):
        v.status("secret")
