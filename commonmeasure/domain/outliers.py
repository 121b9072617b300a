"""Outlier flags: a value far from the organisation's own history, or outside declared bounds.

Documented, with a worked example, in docs/reference/data-quality.md. Plain Python: no Django.

- History: the organisation's values for the same indicator and breakdown in its last
  ``HISTORY_PERIODS`` approved periods before the one checked. With fewer than
  ``MIN_HISTORY`` values there is no history check.
- Band: median ± ``MAD_MULTIPLIER`` × scaled MAD, where MAD is the median of the absolute
  differences from the median and the scale ``MAD_SCALE`` = 1.4826 makes it estimate the standard
  deviation of normally distributed data (so the band is about ± 3 standard deviations).
- When every value in the history is the same (MAD 0) the band would have no width and every
  change would be flagged; the scaled MAD is then taken as ``FLAT_FRACTION`` of the median's
  size (at least ``FLAT_MINIMUM``), so 10, 10, 10 ... flags 14 but not 11.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

HISTORY_PERIODS = 12
MIN_HISTORY = 6
MAD_SCALE = 1.4826
MAD_MULTIPLIER = 3.0
FLAT_FRACTION = 0.1
FLAT_MINIMUM = 1.0


def band(history: Sequence[float]) -> tuple[float, float, float] | None:
    """(low, median, high) of the history's band, or None with too little history."""
    if len(history) < MIN_HISTORY:
        return None
    mid = median(history)
    spread = MAD_SCALE * median(abs(x - mid) for x in history)
    if spread == 0:
        spread = max(FLAT_FRACTION * abs(mid), FLAT_MINIMUM) / MAD_MULTIPLIER
    width = MAD_MULTIPLIER * spread
    return mid - width, mid, mid + width


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def flag(
    value: float,
    history: Sequence[float] = (),
    minimum: float | None = None,
    maximum: float | None = None,
) -> str | None:
    """Why ``value`` needs a second look, or None. Bounds first, then history."""
    if minimum is not None and value < minimum:
        return f"below the declared minimum {_fmt(minimum)}"
    if maximum is not None and value > maximum:
        return f"above the declared maximum {_fmt(maximum)}"
    b = band(history)
    if b is None:
        return None
    low, mid, high = b
    if value < low or value > high:
        return (
            f"far from this organisation's history: the median of its last {len(history)} approved "
            f"values is {_fmt(mid)}, the usual range {_fmt(low)} to {_fmt(high)}"
        )
    return None
