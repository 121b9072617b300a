"""Period codes: months, calendar quarters and years, and financial years counted from the
initiative's first month (docs/reference/periods.md)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonmeasure.domain import periods
from commonmeasure.domain.periods import PeriodError


def months_of(p: periods.Period) -> list[str]:
    return [periods.month(*periods.index_to_year_month(i)).code for i in p.months]


def test_a_month_code_is_that_month():
    p = periods.parse("2024-03")
    assert (p.type, p.code, p.start_date, p.end_date) == (
        "month",
        "2024-03",
        date(2024, 3, 1),
        date(2024, 4, 1),
    )


def test_a_quarter_code_is_three_calendar_months():
    p = periods.parse("2024-Q1")
    assert p.type == "quarter"
    assert months_of(p) == ["2024-01", "2024-02", "2024-03"]
    assert months_of(periods.parse("2023-Q4")) == ["2023-10", "2023-11", "2023-12"]


def test_a_year_code_is_the_calendar_year():
    p = periods.parse("2024")
    assert p.type == "year"
    assert (p.start_date, p.end_date) == (date(2024, 1, 1), date(2025, 1, 1))


def test_a_financial_year_with_an_april_start_runs_from_april_to_march():
    p = periods.parse("2024-25", "financial-year", fy_first_month=4)
    assert p.type == "financial-year"
    assert months_of(p)[0] == "2024-04" and months_of(p)[-1] == "2025-03"
    assert len(p.months) == 12


def test_a_financial_year_follows_the_initiatives_first_month():
    p = periods.parse("2024-25", "financial-year", fy_first_month=7)
    assert (p.start_date, p.end_date) == (date(2024, 7, 1), date(2025, 7, 1))


def test_a_financial_year_starting_in_january_is_written_as_the_calendar_year():
    p = periods.parse("2024", "financial-year", fy_first_month=1)
    assert (p.type, p.code) == ("financial-year", "2024")
    assert months_of(p)[0] == "2024-01" and months_of(p)[-1] == "2024-12"
    assert periods.financial_year(2024, 1).code == "2024"


def test_a_two_part_code_is_refused_for_a_january_financial_year():
    with pytest.raises(PeriodError, match="write 2024"):
        periods.parse("2024-25", "financial-year", fy_first_month=1)


def test_a_financial_year_crossing_a_century_is_written_with_two_digits():
    assert periods.financial_year(1999, 4).code == "1999-00"
    assert periods.parse("1999-00", "financial-year").start_date == date(1999, 4, 1)


def test_without_a_type_a_code_whose_second_part_is_the_next_year_is_a_financial_year():
    assert periods.parse("2023-24").type == "financial-year"
    assert periods.parse("2023-12").type == "month"


@pytest.mark.parametrize(
    ("code", "period_type", "message"),
    [
        ("2024-13", "month", "month must be 01-12"),
        ("2024-00", None, "month must be 01-12"),
        ("2024-Q5", None, "not a period code"),
        ("2024-Q1", "month", "a month such as 2024-03"),
        ("2024-03", "quarter", "a quarter such as 2024-Q1"),
        ("2024-03", "year", "a year such as 2024"),
        ("2024-26", "financial-year", "the second part must be the next year (25)"),
        ("2024/25", "financial-year", "not a financial year"),
        ("March 2024", None, "not a period code"),
        ("", None, "not a period code"),
        ("24", None, "not a period code"),
    ],
)
def test_a_bad_period_code_is_refused_with_a_message_saying_what_was_expected(
    code, period_type, message
):
    with pytest.raises(PeriodError, match=message.replace("(", r"\(").replace(")", r"\)")):
        periods.parse(code, period_type)


def test_an_unknown_period_type_is_refused():
    with pytest.raises(PeriodError, match="unknown period type 'week'"):
        periods.parse("2024-03", "week")
    with pytest.raises(PeriodError, match="unknown period type"):
        periods.containing(periods.month(2024, 3), "fortnight")


def test_a_period_code_must_be_text():
    with pytest.raises(PeriodError, match="must be text, not int"):
        periods.parse(2024)


def test_surrounding_spaces_are_ignored():
    assert periods.parse(" 2024-Q2 ").code == "2024-Q2"


def test_containing_finds_the_quarter_year_and_financial_year_of_a_month():
    march = periods.month(2024, 3)
    assert periods.containing(march, "month").code == "2024-03"
    assert periods.containing(march, "quarter").code == "2024-Q1"
    assert periods.containing(march, "year").code == "2024"
    assert periods.containing(march, "financial-year", 4).code == "2023-24"
    assert periods.containing(periods.month(2024, 4), "financial-year", 4).code == "2024-25"
    assert periods.containing(march, "financial-year", 1).code == "2024"


def test_a_quarter_belongs_to_the_financial_year_containing_its_first_month():
    assert periods.containing(periods.quarter(2024, 1), "financial-year", 4).code == "2023-24"
    assert periods.containing(periods.quarter(2024, 2), "financial-year", 4).code == "2024-25"


def test_periods_between_lists_every_period_inclusive():
    codes = [
        p.code for p in periods.periods_between(periods.month(2023, 11), periods.month(2024, 2))
    ]
    assert codes == ["2023-11", "2023-12", "2024-01", "2024-02"]
    fys = periods.periods_between(periods.financial_year(2022, 4), periods.financial_year(2024, 4))
    assert [p.code for p in fys] == ["2022-23", "2023-24", "2024-25"]


def test_the_current_period_contains_today():
    assert periods.current_period(date(2025, 2, 14), "quarter").code == "2025-Q1"
    assert periods.current_period(date(2025, 2, 14), "financial-year", 4).code == "2024-25"


# -- properties --------------------------------------------------------------------------------

month_indexes = st.integers(
    min_value=periods.month_index(1000, 1), max_value=periods.month_index(9998, 12)
)
first_months = st.integers(min_value=1, max_value=12)


def all_candidates(m: int, period_type: str, fy: int) -> list[periods.Period]:
    """Every period of the type that starts within a year either side of month ``m``."""
    y, _ = periods.index_to_year_month(m)
    out = []
    for year in range(y - 1, y + 2):
        if period_type == "quarter":
            out += [periods.quarter(year, q) for q in range(1, 5)]
        elif period_type == "year":
            out.append(periods.year(year))
        else:
            out.append(periods.financial_year(year, fy))
    return out


@given(month_indexes, first_months, st.sampled_from(["quarter", "year", "financial-year"]))
def test_every_month_lies_in_exactly_one_period_of_each_type(m, fy, period_type):
    the_month = periods.month(*periods.index_to_year_month(m))
    holders = [p for p in all_candidates(m, period_type, fy) if p.contains(the_month)]
    assert len(holders) == 1
    assert periods.containing(the_month, period_type, fy) == holders[0]


@given(month_indexes, first_months, st.sampled_from(periods.PERIOD_TYPES))
def test_a_periods_code_reads_back_as_the_same_period(m, fy, period_type):
    p = periods.containing(periods.month(*periods.index_to_year_month(m)), period_type, fy)
    assert periods.parse(p.code, period_type, fy) == p


@given(month_indexes, first_months)
def test_a_financial_year_is_twelve_months_starting_in_the_first_month(m, fy):
    p = periods.containing(periods.month(*periods.index_to_year_month(m)), "financial-year", fy)
    assert len(p.months) == 12
    assert p.start_date.month == fy
    assert p.start <= m < p.end


@given(
    month_indexes,
    st.integers(min_value=0, max_value=40),
    st.sampled_from(periods.PERIOD_TYPES),
    first_months,
)
def test_consecutive_periods_leave_no_gaps_and_do_not_overlap(m, count, period_type, fy):
    first = periods.containing(periods.month(*periods.index_to_year_month(m)), period_type, fy)
    later_month = periods.month(
        *periods.index_to_year_month(first.start + count * len(first.months))
    )
    last = periods.containing(later_month, period_type, fy)
    span = periods.periods_between(first, last)
    assert len(span) == count + 1
    assert span[-1] == last
    assert all(a.end == b.start for a, b in zip(span, span[1:], strict=False))
