"""What a spreadsheet cell held, beyond its plain value, as the readers return it.

A reader gives numbers, text, booleans and dates as themselves; two kinds of cell need the
importer's attention and are marked by their type:

- ``Formula``: a cell holding a formula, as its text beginning with "=" (never calculated).
  Text typed with a leading apostrophe or a text prefix (Excel's and LibreOffice's
  quotePrefix) is plain ``str``, even when it begins with "=", so it is read as typed.
- ``Percent``: a number shown as a percentage (typed "21.4%"), as the fraction the
  spreadsheet stores (0.214). ``percent_points`` gives the figure as typed (21.4).

See docs/reference/values-file.md, "Files from other programs".
"""

from __future__ import annotations

import re
from decimal import Decimal

_PERCENT_TEXT = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*%\s*$")


class Formula(str):
    """The text of a formula cell, e.g. "=SUM(A1:A3)"."""

    __slots__ = ()


class Percent(float):
    """A number the spreadsheet shows as a percentage: the stored fraction (0.214 for 21.4%)."""

    __slots__ = ()


def percent_points(value) -> float | None:
    """21.4 for Percent(0.214) or the text "21.4%"; None for anything else."""
    if type(value) is Percent:
        return float(Decimal(repr(float(value))) * 100)
    if isinstance(value, str) and "%" in value:
        found = _PERCENT_TEXT.match(value)
        if found:
            return float(found.group(1))
    return None


# What a spreadsheet takes for the start of a formula when it opens a CSV file or reads text
# typed into a cell (formula injection): =, +, -, @, and a tab or carriage return before them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value, numbers_too: bool = True):
    """Text that a spreadsheet would run as a formula, with an apostrophe first (what typing it
    in a spreadsheet would need), so that it is shown as text. ``numbers_too=False`` leaves
    number-like text ("-5", "+3.2") as it is, for files whose numbers are read back."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if not numbers_too and _is_number(value):
            return value
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
