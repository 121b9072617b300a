"""Targets and baselines: % of target, red/amber/green status, trend arrows and the baseline
forecast of a turn-the-curve chart.

Documented with worked examples in docs/reference/targets.md. In short:

- % of target is 100 × actual / target when higher is better, and 100 × (2 − actual / target)
  when lower is better (the same distance from the target, mirrored). It needs a target above 0.
- Status: green at or above 100% of target, amber at or above 90%, red below (configurable).
- The baseline forecast is the ordinary least squares straight line through the baseline
  periods' values, with time counted in periods, projected forward.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from commonmeasure.domain import periods
from commonmeasure.domain.translation import gettext, ngettext

HIGHER, LOWER = "higher", "lower"
POLARITIES = (HIGHER, LOWER)
GREEN, AMBER, RED = "green", "amber", "red"
UP, DOWN, FLAT = "up", "down", "flat"

_TOLERANCE = 1e-9  # a percentage this close to a threshold counts as reaching it


class TargetError(ValueError):
    """Targets, thresholds or baselines that cannot be used as given."""


def _polarity(polarity: str) -> str:
    if polarity not in POLARITIES:
        raise TargetError(
            gettext("unknown polarity %(polarity)r; use higher or lower") % {"polarity": polarity}
        )
    return polarity


@dataclass(frozen=True)
class Thresholds:
    """Percentages of target at which a value turns green and amber; below amber it is red."""

    green: float = 100.0
    amber: float = 90.0

    def __post_init__(self):
        if not (math.isfinite(self.green) and math.isfinite(self.amber)):
            raise TargetError(gettext("the green and amber thresholds must be numbers"))
        if self.amber > self.green:
            raise TargetError(
                gettext(
                    "the amber threshold (%(amber)g%%) must not be above the green one (%(green)g%%)"
                )
                % {"amber": self.amber, "green": self.green}
            )


DEFAULT_THRESHOLDS = Thresholds()


def percent_of_target(
    actual: float | None, target: float | None, polarity: str = HIGHER
) -> float | None:
    """How far towards its target a value is, in percent; None without a target above 0."""
    _polarity(polarity)
    if actual is None or target is None or not target > 0:
        return None
    ratio = actual / target
    return 100 * ratio if polarity == HIGHER else 100 * (2 - ratio)


@dataclass(frozen=True)
class TargetStatus:
    percent: float | None  # % of target
    status: str | None  # green, amber, red; None when there is no value or no target
    reason: str | None = None  # why there is no % or no status


def target_status(
    actual: float | None,
    target: float | None,
    polarity: str = HIGHER,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> TargetStatus:
    """% of target and red/amber/green status.

    A target of 0 or below has no % of target; the status is then green when the target is met
    (actual ≥ target, or ≤ for lower-is-better) and red otherwise.
    """
    _polarity(polarity)
    if target is None:
        return TargetStatus(None, None, "no target")
    if actual is None:
        return TargetStatus(None, None, "no value")
    if not target > 0:
        met = actual >= target if polarity == HIGHER else actual <= target
        return TargetStatus(
            None, GREEN if met else RED, gettext("% of target needs a target above 0")
        )
    percent = percent_of_target(actual, target, polarity)
    assert percent is not None
    if percent >= thresholds.green - _TOLERANCE:
        status = GREEN
    elif percent >= thresholds.amber - _TOLERANCE:
        status = AMBER
    else:
        status = RED
    return TargetStatus(percent, status, None)


@dataclass(frozen=True)
class Movement:
    direction: str  # up, down, flat
    better: bool | None  # None when flat


def movement(
    previous: float, latest: float, polarity: str = HIGHER, flat_within: float = 0.0
) -> Movement:
    """The trend arrow from one period to the next: up, down or flat, and whether that is better.

    ``flat_within`` is a relative change (e.g. 0.01 for 1%) still shown as flat.
    """
    _polarity(polarity)
    change = latest - previous
    if abs(change) <= flat_within * abs(previous) or change == 0:
        return Movement(FLAT, None)
    direction = UP if change > 0 else DOWN
    return Movement(direction, (direction == UP) == (polarity == HIGHER))


# --- the baseline forecast -------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """y = intercept + slope × x, x counted in periods."""

    slope: float
    intercept: float

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x


def linear_trend(points: Sequence[tuple[float, float]]) -> Trend:
    """The ordinary least squares straight line through (x, y) points."""
    if len({x for x, _ in points}) < 2:
        raise TargetError(gettext("a linear trend needs values for at least two baseline periods"))
    n = len(points)
    mean_x = math.fsum(x for x, _ in points) / n
    mean_y = math.fsum(y for _, y in points) / n
    sxx = math.fsum((x - mean_x) ** 2 for x, _ in points)
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    return Trend(slope, mean_y - slope * mean_x)


@dataclass(frozen=True)
class Forecast:
    trend: Trend
    origin: str  # the period code at x = 0 (the first baseline period)
    values: dict[str, float]  # period code -> forecast value, for the baseline and forecast periods


def baseline_forecast(
    history: Mapping[str, float | None],
    baseline: Sequence[str],
    forecast: Sequence[str],
    period_type: str | None = None,
    fy_first_month: int = 4,
) -> Forecast:
    """Fit a straight line to ``history`` over the ``baseline`` periods and project it.

    Periods are codes of one type (2024-03, 2024-Q1, 2024, 2024-25); x counts periods from the
    first baseline period, so gaps are kept. Baseline periods with no value are left out of
    the fit. ``values`` has the line's value for every baseline and forecast period. Give the
    initiative's ``period_type`` for financial years such as 2011-12, which read as months
    otherwise.
    """
    if not baseline:
        raise TargetError(gettext("no baseline periods"))
    parsed = {code: _parse(code, period_type, fy_first_month) for code in [*baseline, *forecast]}
    first = min((parsed[c] for c in baseline), key=lambda p: p.start)
    length = first.end - first.start
    for code, p in parsed.items():
        if p.type != first.type:
            raise TargetError(
                gettext("period %(code)s is a %(type)s but the baseline is made of %(type2)ss")
                % {"code": code, "type": p.type, "type2": first.type}
            )

    def x_of(code: str) -> float:
        return (parsed[code].start - first.start) / length

    points = [
        (x_of(code), float(history[code])) for code in baseline if history.get(code) is not None
    ]
    try:
        trend = linear_trend(points)
    except TargetError:
        have = len(points)
        raise TargetError(
            ngettext(
                "a linear trend needs values for at least two baseline periods; %(have)s of %(count)s (%(items)s) has a value",
                "a linear trend needs values for at least two baseline periods; %(have)s of %(count)s (%(items)s) have a value",
                have,
            )
            % {"have": have, "count": len(baseline), "items": ", ".join(baseline)}
        ) from None
    values = {code: trend.at(x_of(code)) for code in parsed}
    return Forecast(trend, first.code, values)


def _parse(code: str, period_type: str | None, fy_first_month: int) -> periods.Period:
    try:
        return periods.parse(code, period_type, fy_first_month)
    except periods.PeriodError as error:
        raise TargetError(str(error)) from None
