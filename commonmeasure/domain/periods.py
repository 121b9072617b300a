"""Reporting periods and their codes.

Codes:
  month            2024-03
  quarter          2024-Q1          (calendar quarters)
  year             2024             (calendar year)
  financial-year   2024-25          (twelve months starting in the initiative's first month;
                                     with a January start it is written 2024)

A period is a half-open range of months [start, end). Months are counted as
``year * 12 + (month - 1)`` so that arithmetic on them is plain integer arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from commonmeasure.domain.translation import gettext

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
FINANCIAL_YEAR = "financial-year"
PERIOD_TYPES = (MONTH, QUARTER, YEAR, FINANCIAL_YEAR)
# Reporting frequencies an initiative may choose, and the period type each one uses.
FREQUENCIES = {
    "monthly": MONTH,
    "quarterly": QUARTER,
    "yearly": YEAR,
    "financial-yearly": FINANCIAL_YEAR,
}

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR_RE = re.compile(r"^(\d{4})$")
_FY_RE = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(ValueError):
    """A period code that cannot be read."""


def month_index(year: int, month: int) -> int:
    return year * 12 + (month - 1)


def index_to_year_month(index: int) -> tuple[int, int]:
    return divmod(index, 12)[0], index % 12 + 1


@dataclass(frozen=True, order=True)
class Period:
    start: int  # first month index, inclusive
    end: int  # month index after the last month
    type: str
    code: str

    @property
    def months(self) -> range:
        return range(self.start, self.end)

    @property
    def start_date(self) -> date:
        year, month = index_to_year_month(self.start)
        return date(year, month, 1)

    @property
    def end_date(self) -> date:
        """The first day after the period."""
        year, month = index_to_year_month(self.end)
        return date(year, month, 1)

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end


def month(year: int, month_: int) -> Period:
    i = month_index(year, month_)
    return Period(i, i + 1, MONTH, f"{year:04d}-{month_:02d}")


def quarter(year: int, q: int) -> Period:
    i = month_index(year, 3 * (q - 1) + 1)
    return Period(i, i + 3, QUARTER, f"{year:04d}-Q{q}")


def year(year_: int) -> Period:
    i = month_index(year_, 1)
    return Period(i, i + 12, YEAR, f"{year_:04d}")


def financial_year(start_year: int, first_month: int) -> Period:
    i = month_index(start_year, first_month)
    if first_month == 1:
        code = f"{start_year:04d}"
    else:
        code = f"{start_year:04d}-{(start_year + 1) % 100:02d}"
    return Period(i, i + 12, FINANCIAL_YEAR, code)


@lru_cache(maxsize=65536)
def parse(code: str, period_type: str | None = None, fy_first_month: int = 4) -> Period:
    """Read a period code.

    With ``period_type`` the code must be of that type; without it the type is inferred.
    ``2024-03`` is a month unless ``period_type`` is financial-year; a financial-year code's
    second part must be the next year's last two digits (``2024-25``).
    """
    if not isinstance(code, str):
        raise PeriodError(
            gettext("period must be text, not %(name)s") % {"name": type(code).__name__}
        )
    text = code.strip()
    if period_type not in (None, *PERIOD_TYPES):
        raise PeriodError(
            gettext("unknown period type %(period_type)r; use one of %(items)s")
            % {"period_type": period_type, "items": ", ".join(PERIOD_TYPES)}
        )
    if period_type == FINANCIAL_YEAR:
        return _parse_financial_year(text, fy_first_month)
    m = _MONTH_RE.match(text)
    if m and period_type in (None, MONTH):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return month(y, mo)
        if period_type is None and (y + 1) % 100 == mo:
            return _parse_financial_year(text, fy_first_month)
        raise PeriodError(gettext("%(code)r is not a month: month must be 01-12") % {"code": code})
    m = _QUARTER_RE.match(text)
    if m and period_type in (None, QUARTER):
        return quarter(int(m.group(1)), int(m.group(2)))
    m = _YEAR_RE.match(text)
    if m and period_type in (None, YEAR):
        return year(int(m.group(1)))
    expected = {
        None: gettext("2024-03, 2024-Q1, 2024 or 2024-25"),
        MONTH: gettext("a month such as 2024-03"),
        QUARTER: gettext("a quarter such as 2024-Q1"),
        YEAR: gettext("a year such as 2024"),
    }[period_type]
    raise PeriodError(
        gettext("%(code)r is not a period code: expected %(expected)s")
        % {"code": code, "expected": expected}
    )


def _parse_financial_year(text: str, first_month: int) -> Period:
    if first_month == 1 and _YEAR_RE.match(text):
        return financial_year(int(text), 1)
    m = _FY_RE.match(text)
    if not m:
        raise PeriodError(
            gettext("%(text)r is not a financial year: expected a code such as 2024-25")
            % {"text": text}
        )
    start_year, end_two = int(m.group(1)), int(m.group(2))
    if (start_year + 1) % 100 != end_two:
        raise PeriodError(
            gettext(
                "%(text)r is not a financial year: the second part must be the next year (%(value)02d)"
            )
            % {"text": text, "value": (start_year + 1) % 100}
        )
    if first_month == 1:
        raise PeriodError(
            gettext(
                "%(text)r: this initiative's financial year is the calendar year; write %(start_year)s"
            )
            % {"text": text, "start_year": start_year}
        )
    return financial_year(start_year, first_month)


def containing(p: Period, period_type: str, fy_first_month: int = 4) -> Period:
    """The period of ``period_type`` that contains the first month of ``p``."""
    y, m = index_to_year_month(p.start)
    if period_type == MONTH:
        return month(y, m)
    if period_type == QUARTER:
        return quarter(y, (m - 1) // 3 + 1)
    if period_type == YEAR:
        return year(y)
    if period_type == FINANCIAL_YEAR:
        start_year = y if m >= fy_first_month else y - 1
        return financial_year(start_year, fy_first_month)
    raise PeriodError(
        gettext("unknown period type %(period_type)r; use one of %(items)s")
        % {"period_type": period_type, "items": ", ".join(PERIOD_TYPES)}
    )


def is_coarser_or_equal(target_type: str, source_type: str) -> bool:
    order = {MONTH: 1, QUARTER: 3, YEAR: 12, FINANCIAL_YEAR: 12}
    return order[target_type] >= order[source_type]


def periods_between(first: Period, last: Period) -> list[Period]:
    """Every period of ``first``'s type from ``first`` to ``last`` inclusive."""
    out: list[Period] = []
    current = first
    step = current.end - current.start
    while current.start <= last.start:
        out.append(current)
        nxt = current.end
        y, m = index_to_year_month(nxt)
        if current.type == MONTH:
            current = month(y, m)
        elif current.type == QUARTER:
            current = quarter(y, (m - 1) // 3 + 1)
        elif current.type == YEAR:
            current = year(y)
        else:
            current = financial_year(y, m)
        assert current.end - current.start == step
    return out


def current_period(today: date, period_type: str, fy_first_month: int = 4) -> Period:
    return containing(month(today.year, today.month), period_type, fy_first_month)
