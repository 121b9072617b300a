"""Peer benchmarking: the peers' median and quartiles, an organisation's position among them,
and funnel-plot control limits for proportions.

Documented with worked examples in docs/reference/benchmarking.md. Small-number suppression and
anonymised peer labels are in ``suppression``.

- Quantiles interpolate linearly between the sorted values (Hyndman and Fan's type 7: the same
  as Excel's QUARTILE.INC and PERCENTILE.INC, numpy's default and R's default).
- Funnel limits are exact binomial limits with the interpolation of Spiegelhalter (2005),
  "Funnel plots for comparing institutional performance", Statistics in Medicine 24:1185-1202,
  appendix A.1.1.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from commonmeasure.domain.translation import gettext

HIGHER, LOWER = "higher", "lower"
ABOVE, BELOW, WITHIN = "above", "below", "within"

# Two-sided control limits and the tail probability on each side.
COVERAGES = {95.0: 0.025, 99.8: 0.001}


class BenchmarkError(ValueError):
    """Values that cannot be compared as asked."""


# --- peer statistics -------------------------------------------------------------------------


def _values(values: Iterable[float | None]) -> list[float]:
    out = sorted(float(v) for v in values if v is not None)
    if any(not math.isfinite(v) for v in out):
        raise BenchmarkError(gettext("peer values must be finite numbers"))
    return out


def quantile(values: Iterable[float | None], q: float) -> float | None:
    """The q-quantile (0 ≤ q ≤ 1) by linear interpolation; None with no values.

    With the n values sorted, h = (n − 1)·q; the result is x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
    """
    if not 0 <= q <= 1:
        raise BenchmarkError(gettext("a quantile must be between 0 and 1, not %(q)r") % {"q": q})
    xs = _values(values)
    if not xs:
        return None
    h = (len(xs) - 1) * q
    lo = math.floor(h)
    if lo + 1 >= len(xs):
        return xs[-1]
    return xs[lo] + (h - lo) * (xs[lo + 1] - xs[lo])


@dataclass(frozen=True)
class PeerSummary:
    n: int
    minimum: float
    lower_quartile: float
    median: float
    upper_quartile: float
    maximum: float


def peer_summary(values: Iterable[float | None]) -> PeerSummary | None:
    """The five-number summary of the peers' values (None values left out); None with no values."""
    xs = _values(values)
    if not xs:
        return None
    q1, q2, q3 = (quantile(xs, q) for q in (0.25, 0.5, 0.75))
    assert q1 is not None and q2 is not None and q3 is not None
    return PeerSummary(len(xs), xs[0], q1, q2, q3, xs[-1])


@dataclass(frozen=True)
class Position:
    rank: int  # 1 is best; tied values share the better rank (1, 2, 2, 4)
    n: int  # how many ranked, this organisation included
    percentile: float | None  # % of the other organisations it does better than, ties half
    quartile: int | None  # by percentile: 1 (75 or more, the best quarter) to 4 (below 25)


def position(value: float, others: Iterable[float | None], polarity: str = HIGHER) -> Position:
    """Where ``value`` stands among the other organisations' values (None values left out)."""
    if polarity not in (HIGHER, LOWER):
        raise BenchmarkError(
            gettext("unknown polarity %(polarity)r; use higher or lower") % {"polarity": polarity}
        )
    xs = _values(others)
    sign = 1 if polarity == HIGHER else -1
    better = sum(1 for x in xs if sign * x > sign * value)
    worse = sum(1 for x in xs if sign * x < sign * value)
    ties = len(xs) - better - worse
    percentile = 100 * (worse + 0.5 * ties) / len(xs) if xs else None
    quartile = None if percentile is None else 4 - min(3, math.floor(percentile / 25))
    return Position(better + 1, len(xs) + 1, percentile, quartile)


# --- funnel plots for proportions ------------------------------------------------------------


def _binomial_cdf_window(n: int, p: float, up_to: float) -> tuple[int, list[float]]:
    """(lo, cumulative) where cumulative[i] = P(R ≤ lo + i) for R ~ Binomial(n, p), from lo to
    the first count where the cumulative probability reaches ``up_to``.

    The counts below lo (more than 8 standard deviations, and 8, under the mean) are left out:
    together they are below 10⁻¹⁴, far too little to move a limit.
    """
    mean, sd = n * p, math.sqrt(n * p * (1 - p))
    lo = max(0, math.floor(mean - 8 * sd - 8))
    log_pmf = (
        math.lgamma(n + 1)
        - math.lgamma(lo + 1)
        - math.lgamma(n - lo + 1)
        + lo * math.log(p)
        + (n - lo) * math.log1p(-p)
    )
    pmf = math.exp(log_pmf)
    odds = p / (1 - p)
    cumulative: list[float] = []
    total = 0.0
    for k in range(lo, n + 1):
        total += pmf
        cumulative.append(total)
        if total >= up_to:
            break
        pmf *= (n - k) / (k + 1) * odds
    return lo, cumulative


def _limit(n: int, lo: int, cumulative: list[float], prob: float) -> float:
    """Spiegelhalter's interpolated limit: (r − α) / n, clipped to [0, 1].

    r is the smallest count with P(R ≤ r) ≥ prob, and
    α = (P(R ≤ r) − prob) / (P(R ≤ r) − P(R ≤ r − 1)).
    """
    i = next((i for i, c in enumerate(cumulative) if c >= prob), len(cumulative) - 1)
    r = lo + i
    at_r = cumulative[i]
    below = cumulative[i - 1] if i > 0 else 0.0
    alpha = (at_r - prob) / (at_r - below) if at_r > below else 0.0
    return min(1.0, max(0.0, (r - alpha) / n))


@dataclass(frozen=True)
class FunnelLimits:
    n: int  # the denominator
    lower_95: float
    upper_95: float
    lower_99_8: float
    upper_99_8: float


def funnel_limits(target: float, n: int) -> FunnelLimits:
    """The 95% and 99.8% control limits for a proportion with denominator ``n``."""
    if not 0 <= target <= 1:
        raise BenchmarkError(
            gettext("a funnel plot's target proportion must be between 0 and 1, not %(target)r")
            % {"target": target}
        )
    if not isinstance(n, int) or n < 1:
        raise BenchmarkError(
            gettext("a funnel plot's denominator must be a whole number above 0, not %(n)r")
            % {"n": n}
        )
    if target in (0, 1):
        return FunnelLimits(n, target, target, target, target)
    lo, cumulative = _binomial_cdf_window(n, target, 1 - COVERAGES[99.8])
    low95, low998 = (_limit(n, lo, cumulative, COVERAGES[c]) for c in (95.0, 99.8))
    high95, high998 = (_limit(n, lo, cumulative, 1 - COVERAGES[c]) for c in (95.0, 99.8))
    return FunnelLimits(n, low95, high95, low998, high998)


@dataclass(frozen=True)
class FunnelPoint:
    unit: Hashable
    events: int
    n: int
    proportion: float
    limits: FunnelLimits
    outside_95: str  # above, below or within the 95% limits
    outside_99_8: str  # above, below or within the 99.8% limits


@dataclass(frozen=True)
class Funnel:
    target: float
    points: list[FunnelPoint]
    curve: list[FunnelLimits]  # limits along the denominators, to draw the funnel


def _side(p: float, lower: float, upper: float) -> str:
    return ABOVE if p > upper else BELOW if p < lower else WITHIN


def funnel_plot(
    units: Mapping[Hashable, tuple[int, int]], target: float | None = None, curve_points: int = 60
) -> Funnel:
    """Each unit's proportion (events / n) against the funnel's limits.

    ``units`` maps each unit to (events, n). Without ``target`` the target is the pooled
    proportion Σ events / Σ n. Units with n = 0 are left out.
    """
    pairs = {}
    for unit, (events, n) in units.items():
        if n == 0:
            continue
        if not (isinstance(events, int) and isinstance(n, int)) or n < 0 or not 0 <= events <= n:
            raise BenchmarkError(
                gettext(
                    "%(unit)s: a proportion needs whole numbers with 0 ≤ events ≤ n; got %(events)r of %(n)r"
                )
                % {"unit": unit, "events": events, "n": n}
            )
        pairs[unit] = (events, n)
    if target is None:
        total = sum(n for _, n in pairs.values())
        if not total:
            raise BenchmarkError(
                gettext("a funnel plot needs at least one unit with a denominator above 0")
            )
        target = sum(e for e, _ in pairs.values()) / total
    cache: dict[int, FunnelLimits] = {}

    def limits(n: int) -> FunnelLimits:
        if n not in cache:
            cache[n] = funnel_limits(target, n)
        return cache[n]

    points = []
    for unit, (events, n) in pairs.items():
        p, lim = events / n, limits(n)
        points.append(
            FunnelPoint(
                unit,
                events,
                n,
                p,
                lim,
                _side(p, lim.lower_95, lim.upper_95),
                _side(p, lim.lower_99_8, lim.upper_99_8),
            )
        )
    largest = max((n for _, n in pairs.values()), default=1)
    return Funnel(target, points, [limits(n) for n in curve_denominators(largest, curve_points)])


def curve_denominators(largest: int, points: int = 60) -> list[int]:
    """Denominators from 1 to a little beyond ``largest``, spaced evenly on a log scale."""
    top = max(2, math.ceil(largest * 1.1))
    steps = max(2, points)
    return sorted({max(1, round(top ** (i / (steps - 1)))) for i in range(steps)})


def normal_limits(target: float, n: int, z: float) -> tuple[float, float]:
    """The normal approximation p ± z·√(p(1−p)/n), for comparison (not used by the plot)."""
    half = z * math.sqrt(target * (1 - target) / n)
    return target - half, target + half
