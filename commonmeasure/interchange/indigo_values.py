"""Reading the values of INDIGO cells: partial dates, amounts, whole numbers, SDG goals,
countries, currencies and public/private statuses.

Every parser takes the cell text and returns a value, or raises ``Uninterpretable`` with a
message for the person who fixes the data. The text itself is always kept elsewhere, so a value
that cannot be read is reported and never lost. Pure Python; docs/reference/indigo.md has the rules.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from commonmeasure.domain.translation import gettext

from .indigo_codes import country_code, currency_code

PUBLIC, PRIVATE, DISPUTED = "PUBLIC", "PRIVATE", "DISPUTED"
STATUSES = (PUBLIC, PRIVATE, DISPUTED)
MAX_AMOUNT = Decimal("1e18")

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})


class Uninterpretable(ValueError):
    """The cell has text that cannot be read as the kind of value its column holds."""


def partial_date(text: str) -> str:
    """'2018', '2018-12' or '2018-12-01' (kept at that precision), or a written date such as
    '6th December 2024' or 'December 2024' -> the ISO text at the precision given."""
    value = text.strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value)
    if m:
        year, month, day = m.group(1), m.group(2), m.group(3)
    else:
        m = re.fullmatch(r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([A-Za-z]+)\.?,?\s+(\d{4})", value)
        if not m or m.group(2).lower() not in MONTHS:
            raise Uninterpretable(gettext("not a date: write YYYY, YYYY-MM or YYYY-MM-DD"))
        day, month, year = m.group(1), str(MONTHS[m.group(2).lower()]), m.group(3)
    y = int(year)
    if month is None:
        return f"{y:04d}"
    mo = int(month)
    if not 1 <= mo <= 12:
        raise Uninterpretable(gettext("not a date: month %(mo)s does not exist") % {"mo": mo})
    if day is None:
        return f"{y:04d}-{mo:02d}"
    try:
        return date(y, mo, int(day)).isoformat()
    except ValueError:
        raise Uninterpretable(
            gettext("not a date: day %(int)s does not exist in %(y)04d-%(mo)02d")
            % {"int": int(day), "y": y, "mo": mo}
        ) from None


def first_day(partial: str) -> date | None:
    """The first day a partial ISO date covers: '2018' -> 2018-01-01, '2018-12' -> 2018-12-01."""
    if not partial:
        return None
    parts = [int(p) for p in partial.split("-")]
    return date(parts[0], *(parts[1:] + [1, 1])[:2])


def amount(text: str) -> Decimal:
    """A plain decimal number; thousands separators (1,000,000) and spaces are allowed."""
    value = text.strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", value):
        value = value.replace(",", "")
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", value):
        raise Uninterpretable(
            gettext("not a number: write digits with a '.' for decimals, no currency or words")
        )
    try:
        number = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern rules this out
        raise Uninterpretable(gettext("not a number")) from None
    if abs(number) >= MAX_AMOUNT:
        raise Uninterpretable(gettext("number too large"))
    return number


def whole_number(text: str) -> int:
    """A count such as a number of service users: '1000', '1,000' or '1000.0'."""
    number = amount(text)
    if number != number.to_integral_value():
        raise Uninterpretable(gettext("not a whole number"))
    if number < 0:
        raise Uninterpretable(gettext("a count cannot be negative"))
    return int(number)


def sdg_goals(text: str) -> list[int]:
    """'3, 4' or '3;4' or 'SDG 8' -> [3, 4] / [8]; goals are 1 to 17."""
    goals = []
    for part in re.split(r"[,;/\n]+|\s+and\s+", text):
        part = re.sub(r"(?i)^\s*(sdg|goal)\s*", "", part).strip().rstrip(".")
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 17:
            raise Uninterpretable(
                gettext("not an SDG goal number (1 to 17): %(part)r") % {"part": part}
            )
        if int(part) not in goals:
            goals.append(int(part))
    return goals


def country(text: str) -> str:
    code = country_code(text)
    if code is None:
        raise Uninterpretable(
            gettext("not a country: write an ISO 3166-1 two-letter code such as GB")
        )
    return code


def currency(text: str) -> str:
    code = currency_code(text)
    if code is None:
        raise Uninterpretable(gettext("not a currency: write an ISO 4217 code such as GBP"))
    return code


def status(text: str) -> str:
    """PUBLIC, PRIVATE or DISPUTED (any case); blank means PUBLIC."""
    value = text.strip().upper()
    if not value:
        return PUBLIC
    if value not in STATUSES:
        raise Uninterpretable(
            gettext("not a status: PUBLIC, PRIVATE or DISPUTED (treated as PRIVATE)")
        )
    return value


def ids(text: str) -> list[str]:
    """The INDIGO ids in a reference cell, which may hold one id or a list of them separated by
    commas or semicolons ("INDIGO-ORG-0001, INDIGO-ORG-0002"), in order, each once."""
    found: list[str] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if part and part not in found:
            found.append(part)
    return found
