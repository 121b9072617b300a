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
