"""Composite indicators: several components normalised, weighted and blended into one.

Following the OECD/JRC Handbook on Constructing Composite Indicators (2008); every formula,
with a worked example, is in docs/reference/composite-indicators.md. In short:

1. Each component's values (one per unit: organisation or area) are **normalised** onto a common
   scale by min-max, z-score, distance to target (optionally capped at 1) or goalposts, with the
   component's direction: for a negative component (lower is better) a lower value scores higher.
2. The weights are **normalised** to sum to 1 (negative weights are refused).
3. Each unit's normalised values are **aggregated**, arithmetically (Σ wᵢyᵢ) or geometrically
   (Π yᵢ^wᵢ, which needs every yᵢ above 0), and each component's **contribution** is returned:
   wᵢyᵢ for arithmetic (they add up to the composite), yᵢ^wᵢ for geometric (they multiply to it).
4. A unit with a component missing has no value, unless the composite allows re-weighting among
   the components present.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from commonmeasure.domain.translation import gettext

POSITIVE, NEGATIVE = "positive", "negative"
# "higher"/"lower" are the words an indicator's polarity uses; they mean the same here.
DIRECTIONS = {POSITIVE: POSITIVE, NEGATIVE: NEGATIVE, "higher": POSITIVE, "lower": NEGATIVE}
MIN_MAX, Z_SCORE, DISTANCE_TO_TARGET, GOALPOSTS = (
    "min_max",
    "z_score",
    "distance_to_target",
    "goalposts",
)
NORMALISATIONS = (MIN_MAX, Z_SCORE, DISTANCE_TO_TARGET, GOALPOSTS)
ARITHMETIC, GEOMETRIC = "arithmetic", "geometric"
AGGREGATIONS = (ARITHMETIC, GEOMETRIC)
NO_VALUE, REWEIGHT = "no_value", "reweight"  # what a missing component does
MISSING_RULES = (NO_VALUE, REWEIGHT)


class CompositeError(ValueError):
    """A composite that cannot be computed as declared, with what and where."""


def _direction(direction: str) -> str:
    try:
        return DIRECTIONS[direction]
    except (KeyError, TypeError):
        raise CompositeError(
            gettext("unknown direction %(direction)r; use positive (higher is better) or negative")
            % {"direction": direction}
        ) from None


def _of(component: str) -> str:
    return gettext(" of %(component)r") % {"component": component} if component else ""


def _present(values: Sequence[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None]


# --- normalisation ---------------------------------------------------------------------------


def min_max(
    values: Sequence[float | None], direction: str = POSITIVE, component: str = ""
) -> list[float | None]:
    """(x − min) / (max − min); for a negative direction (max − x) / (max − min). In [0, 1]."""
    sign = _direction(direction)
    present = _present(values)
    if len(set(present)) < 2:
        raise CompositeError(
            gettext(
                "min-max normalisation%(of)s needs at least two different values; got %(value)s"
            )
            % {"of": _of(component), "value": ", ".join(f"{v:g}" for v in present) or "none"}
        )
    lo, hi = min(present), max(present)
    span = hi - lo
    if sign == POSITIVE:
        return [None if v is None else (v - lo) / span for v in values]
    return [None if v is None else (hi - v) / span for v in values]


def z_score(
    values: Sequence[float | None], direction: str = POSITIVE, component: str = ""
) -> list[float | None]:
    """(x − mean) / σ, σ the population standard deviation of the units' values; negated for a
    negative direction."""
    sign = 1.0 if _direction(direction) == POSITIVE else -1.0
    present = _present(values)
    n = len(present)
    mean = math.fsum(present) / n if n else 0.0
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in present) / n) if n else 0.0
    if n < 2 or sd == 0:
        raise CompositeError(
            gettext(
                "z-score normalisation%(of)s needs at least two different values; got %(value)s"
            )
            % {"of": _of(component), "value": ", ".join(f"{v:g}" for v in present) or "none"}
        )
    return [None if v is None else sign * (v - mean) / sd for v in values]


def distance_to_target(
    values: Sequence[float | None],
    target: float,
    direction: str = POSITIVE,
    cap: bool = False,
    component: str = "",
) -> list[float | None]:
    """x / target; for a negative direction 2 − x / target (the same distance, mirrored).

    1 means on target. With ``cap``, values above 1 (beyond the target) count as 1.
    """
    sign = _direction(direction)
    if target is None or not math.isfinite(target) or target <= 0:
        raise CompositeError(
            gettext("distance to target%(of)s needs a target above 0, not %(target)r")
            % {"of": _of(component), "target": target}
        )
    out: list[float | None] = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        y = v / target if sign == POSITIVE else 2 - v / target
        out.append(min(y, 1.0) if cap else y)
    return out


def goalposts(
    values: Sequence[float | None],
    lower: float,
    upper: float,
    direction: str = POSITIVE,
    component: str = "",
) -> list[float | None]:
    """(x − lower) / (upper − lower) clipped to [0, 1]; for a negative direction
    (upper − x) / (upper − lower), clipped."""
    sign = _direction(direction)
    if lower is None or upper is None or not lower < upper:
        raise CompositeError(
            gettext(
                "goalposts%(of)s need a lower goalpost below the upper one; got lower %(lower)r and upper %(upper)r"
            )
            % {"of": _of(component), "lower": lower, "upper": upper}
        )
    span = upper - lower
    out: list[float | None] = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        y = (v - lower) / span if sign == POSITIVE else (upper - v) / span
        out.append(min(max(y, 0.0), 1.0))
    return out


# --- weights and aggregation -----------------------------------------------------------------


def normalise_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """The weights divided by their total, so that they sum to 1."""
    for code, w in weights.items():
        if w is None or not math.isfinite(w):
            raise CompositeError(
                gettext("the weight of %(code)r must be a number, not %(w)r")
                % {"code": code, "w": w}
            )
        if w < 0:
            raise CompositeError(
                gettext("the weight of %(code)r is %(w)g; weights cannot be negative")
                % {"code": code, "w": w}
            )
    total = math.fsum(weights.values())
    if total <= 0:
        raise CompositeError(gettext("at least one component needs a weight above 0"))
    return {code: w / total for code, w in weights.items()}


@dataclass(frozen=True)
class CompositeValue:
    value: float | None
    # Each component's part: w·y (arithmetic; they add up to the value) or y^w (geometric; they
    # multiply to the value). Only components that took part.
    contributions: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)  # the weights used, summing to 1
    normalised: dict[str, float | None] = field(default_factory=dict)
    reason: str | None = None  # why there is no value


def aggregate(
    normalised: Mapping[str, float | None],
    weights: Mapping[str, float],
    method: str = ARITHMETIC,
    missing: str = NO_VALUE,
    unit: Hashable = None,
) -> CompositeValue:
    """One unit's composite from its normalised component values.

    ``weights`` has a weight for every component (any positive scale; normalised here).
    ``missing``: ``no_value`` — any component missing gives no value; ``reweight`` — the weights
    of the components present are normalised again among themselves.
    """
    if method not in AGGREGATIONS:
        raise CompositeError(
            gettext("unknown aggregation %(method)r; use arithmetic or geometric")
            % {"method": method}
        )
    if missing not in MISSING_RULES:
        raise CompositeError(
            gettext("unknown rule for missing components %(missing)r; use no_value or reweight")
            % {"missing": missing}
        )
    unknown = [code for code in normalised if code not in weights]
    if unknown:
        raise CompositeError(
            gettext("no weight for %(items)s") % {"items": ", ".join(map(repr, unknown))}
        )
    w_all = normalise_weights({code: weights[code] for code in normalised})
    shown = dict(normalised)
    absent = [code for code, y in normalised.items() if y is None]
    if absent and missing == NO_VALUE:
        return CompositeValue(
            None,
            normalised=shown,
            reason=gettext("no value for %(items)s") % {"items": ", ".join(absent)},
        )
    present = {code: float(y) for code, y in normalised.items() if y is not None}
    if not present or math.fsum(w_all[c] for c in present) == 0:
        return CompositeValue(
            None,
            normalised=shown,
            reason=gettext("no value for %(items)s") % {"items": ", ".join(absent)},
        )
    w = normalise_weights({code: w_all[code] for code in present})
    if method == ARITHMETIC:
        contributions = {code: w[code] * y for code, y in present.items()}
        value = math.fsum(contributions.values())
    else:
        for code, y in present.items():
            if w[code] > 0 and not y > 0:
                where = gettext(" for %(unit)s") % {"unit": unit} if unit is not None else ""
                raise CompositeError(
                    gettext(
                        "geometric aggregation needs values above 0: %(code)r is %(y)g%(where)s; use arithmetic aggregation, or a normalisation whose values stay above 0"
                    )
                    % {"code": code, "y": y, "where": where}
                )
        contributions = {code: y ** w[code] if w[code] > 0 else 1.0 for code, y in present.items()}
        value = math.exp(math.fsum(w[c] * math.log(y) for c, y in present.items() if w[c] > 0))
    return CompositeValue(value, contributions, w, shown)


# --- a declared composite over many units ----------------------------------------------------


@dataclass(frozen=True)
class Component:
    code: str
    weight: float = 1.0
    direction: str = POSITIVE
    normalisation: str = MIN_MAX
    target: float | None = None  # distance to target
    cap: bool = False  # distance to target: count values beyond the target as 1
    lower: float | None = None  # goalposts
    upper: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "direction", _direction(self.direction))
        if self.normalisation not in NORMALISATIONS:
            raise CompositeError(
                gettext(
                    "component %(code)r: unknown normalisation %(normalisation)r; use one of %(items)s"
                )
                % {
                    "code": self.code,
                    "normalisation": self.normalisation,
                    "items": ", ".join(NORMALISATIONS),
                }
            )
        if self.normalisation == DISTANCE_TO_TARGET:
            distance_to_target([], self.target, component=self.code)  # checks the target
        if self.normalisation == GOALPOSTS:
            goalposts([], self.lower, self.upper, component=self.code)  # checks the goalposts

    def normalise(self, values: Sequence[float | None]) -> list[float | None]:
        if self.normalisation == MIN_MAX:
            return min_max(values, self.direction, self.code)
        if self.normalisation == Z_SCORE:
            return z_score(values, self.direction, self.code)
        if self.normalisation == DISTANCE_TO_TARGET:
            assert self.target is not None
            return distance_to_target(values, self.target, self.direction, self.cap, self.code)
        assert self.lower is not None and self.upper is not None
        return goalposts(values, self.lower, self.upper, self.direction, self.code)


@dataclass(frozen=True)
class Composite:
    code: str
    components: tuple[Component, ...]
    aggregation: str = ARITHMETIC
    missing: str = NO_VALUE

    def __post_init__(self):
        object.__setattr__(self, "components", tuple(self.components))
        if not self.components:
            raise CompositeError(
                gettext("composite %(code)r has no components") % {"code": self.code}
            )
        codes = [c.code for c in self.components]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise CompositeError(
                gettext("composite %(code)r: component %(repeated)r is listed twice")
                % {"code": self.code, "repeated": repeated[0]}
            )
        if self.aggregation not in AGGREGATIONS:
            raise CompositeError(
                gettext(
                    "composite %(code)r: unknown aggregation %(aggregation)r; use arithmetic or geometric"
                )
                % {"code": self.code, "aggregation": self.aggregation}
            )
        if self.missing not in MISSING_RULES:
            raise CompositeError(
                gettext(
                    "composite %(code)r: unknown rule for missing components %(missing)r; use no_value or reweight"
                )
                % {"code": self.code, "missing": self.missing}
            )
        try:
            normalise_weights({c.code: c.weight for c in self.components})
        except CompositeError as error:
            raise CompositeError(
                gettext("composite %(code)r: %(error)s") % {"code": self.code, "error": error}
            ) from None

    @property
    def weights(self) -> dict[str, float]:
        return normalise_weights({c.code: c.weight for c in self.components})

    def compute(
        self, raw: Mapping[Hashable, Mapping[str, float | None]]
    ) -> dict[Hashable, CompositeValue]:
        """Each unit's composite from its raw component values (a unit: organisation or area).

        Min-max and z-score compare the units with each other, so pass all the units that the
        composite is meant to compare (e.g. every organisation in the initiative, one period).
        """
        units = list(raw)
        normalised: dict[Hashable, dict[str, float | None]] = {u: {} for u in units}
        for component in self.components:
            column = component.normalise([raw[u].get(component.code) for u in units])
            for unit, y in zip(units, column, strict=True):
                normalised[unit][component.code] = y
        weights = {c.code: c.weight for c in self.components}
        return {
            unit: aggregate(normalised[unit], weights, self.aggregation, self.missing, unit)
            for unit in units
        }
