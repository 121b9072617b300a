"""Outlier flags: a value far from the organisation's own history, or outside declared bounds.

Documented, with a worked example, in docs/reference/data-quality.md. Plain Python: no Django.

- History: the organisation's values for the same indicator and breakdown in its last
  ``HISTORY_PERIODS`` approved periods before the one checked. With fewer than the indicator's
  ``min_history`` values (default ``MIN_HISTORY``) there is no history check.
- Band: median ± ``multiplier`` (default ``MAD_MULTIPLIER``) × scaled MAD, where MAD is the median
  of the absolute differences from the median and the scale ``MAD_SCALE`` = 1.4826 makes it
  estimate the standard deviation of normally distributed data (so the band is about ± 3 standard
  deviations).
- A floor on the band's half-width, so that a flat or nearly flat series does not flag every
  change: at least ``FLOOR_FRACTION`` of the median's size, at least ``FLOOR_MINIMUM`` (one unit),
  for counts at least ``multiplier`` × √median, and 3 when the median is 0 or 1 (the chance
  variation of a count), and at least the
  indicator's own ``min_spread`` when it declares one. So 10, 10, 10 ... flags 11.5 but not 10.9;
  a count of 2, 2, 3, 2 ... does not flag 4.
- The band never goes below zero for counts and percentages, nor beyond declared bounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import sqrt
from statistics import median

from commonmeasure.domain.translation import gettext

HISTORY_PERIODS = 12
MIN_HISTORY = 6
MAD_SCALE = 1.4826
MAD_MULTIPLIER = 3.0
FLOOR_FRACTION = 0.1
FLOOR_MINIMUM = 1.0

# Which values an indicator's history check looks at.
CHECK_ALL, CHECK_TOTALS, CHECK_OFF = "all", "totals", "off"
CHECKS = (CHECK_ALL, CHECK_TOTALS, CHECK_OFF)


@dataclass(frozen=True)
class Tuning:
    """One indicator's outlier settings (the initiative file's ``outliers``), and how its
    numbers are written (decimals and unit) in the reasons."""

    check: str = CHECK_ALL
    multiplier: float = MAD_MULTIPLIER
    min_history: int = MIN_HISTORY
    min_spread: float | None = None
    counts: bool = False  # whole-number counts: the chance-variation floor applies
    non_negative: bool = False  # counts and percentages: the band stops at zero
    decimals: int | None = None  # None: 4 significant figures
    unit: str = ""

    def checks(self, key: str) -> bool:
        """Whether the history check looks at this value (its breakdown key; "" the total)."""
        return self.check == CHECK_ALL or (self.check == CHECK_TOTALS and key == "")


DEFAULT = Tuning()


def band(
    history: Sequence[float],
    tuning: Tuning = DEFAULT,
    minimum: float | None = None,
    maximum: float | None = None,
) -> tuple[float, float, float] | None:
    """(low, median, high) of the history's band, or None with too little history."""
    if len(history) < tuning.min_history:
        return None
    mid = median(history)
    spread = MAD_SCALE * median(abs(x - mid) for x in history)
    width = max(
        tuning.multiplier * spread,
        FLOOR_FRACTION * abs(mid),
        FLOOR_MINIMUM,
        tuning.multiplier * sqrt(max(abs(mid), 1.0)) if tuning.counts else 0.0,
        tuning.min_spread or 0.0,
    )
    low, high = mid - width, mid + width
    if tuning.non_negative:
        low = max(low, 0.0)
    if minimum is not None:
        low = max(low, minimum)
    if maximum is not None:
        high = min(high, maximum)
    return low, mid, high


def fmt(x: float, tuning: Tuning = DEFAULT, unit: bool = True) -> str:
    """A number as the reasons write it: with the indicator's decimals and unit."""
    if tuning.decimals is None:
        text = f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"
    else:
        text = f"{x:,.{tuning.decimals}f}"
        if text.startswith("-") and not text.strip("-0.,"):
            text = text[1:]  # -0.0 is 0.0
    if not tuning.unit or not unit:
        return text
    return f"{text}{tuning.unit}" if tuning.unit == "%" else f"{text} {tuning.unit}"


def flag(
    value: float,
    history: Sequence[float] = (),
    minimum: float | None = None,
    maximum: float | None = None,
    tuning: Tuning = DEFAULT,
    key: str = "",
) -> str | None:
    """Why ``value`` needs a second look, or None. Bounds first, then history."""
    if minimum is not None and value < minimum:
        return gettext("below the declared minimum %(fmt)s") % {"fmt": fmt(minimum, tuning)}
    if maximum is not None and value > maximum:
        return gettext("above the declared maximum %(fmt)s") % {"fmt": fmt(maximum, tuning)}
    if not tuning.checks(key):
        return None
    b = band(history, tuning, minimum, maximum)
    if b is None:
        return None
    low, mid, high = b
    if value < low or value > high:
        return gettext(
            "far from this organisation's history: the median of its last %(count)s approved values is %(fmt)s, the usual range %(fmt2)s to %(fmt3)s"
        ) % {
            "count": len(history),
            "fmt": fmt(mid, tuning),
            "fmt2": fmt(low, tuning, unit=False),
            "fmt3": fmt(high, tuning),
        }
    return None
