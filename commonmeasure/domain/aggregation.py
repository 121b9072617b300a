"""Aggregation rules: across organisations (or categories) and over time.

The rules are documented in docs/reference/aggregation.md. In short, a query is answered in
three steps:

1. Each organisation's values are put into buckets: one per output period (``by=period``) or
   one for the whole range (``by=organisation`` or ``by=<dimension>``), and per category when
   the query is by a dimension.
2. Within a bucket, the organisation's values are combined over time by the indicator's time
   rule (sum, mean or last, in period order).
3. The organisations' bucket values are combined by the indicator's cross-organisation rule
   (sum, mean, weighted mean, min or max) into one value per output key.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence

from commonmeasure.domain.translation import gettext

SUM, MEAN, WEIGHTED_MEAN, MIN, MAX, LAST = "sum", "mean", "weighted_mean", "min", "max", "last"
ACROSS_RULES = (SUM, MEAN, WEIGHTED_MEAN, MIN, MAX)
TIME_RULES = (SUM, MEAN, LAST)


class AggregationError(ValueError):
    pass


def combine_across(
    values: Sequence[float], rule: str, weights: Sequence[float] | None = None
) -> float | None:
    """Combine several units' values (organisations, or categories) into one."""
    if not values:
        return None
    if rule == SUM:
        return math.fsum(values)
    if rule == MEAN:
        return math.fsum(values) / len(values)
    if rule == MIN:
        return min(values)
    if rule == MAX:
        return max(values)
    if rule == WEIGHTED_MEAN:
        if weights is None:
            raise AggregationError(gettext("a weighted mean needs weights"))
        pairs = [(v, w) for v, w in zip(values, weights, strict=True) if w is not None and w > 0]
        total_weight = math.fsum(w for _, w in pairs)
        if not pairs or total_weight == 0:
            return None
        return math.fsum(v * w for v, w in pairs) / total_weight
    raise AggregationError(gettext("unknown aggregation rule %(rule)r") % {"rule": rule})


def combine_over_time(values_in_order: Sequence[float], rule: str) -> float | None:
    """Combine one unit's values for consecutive periods, given oldest first."""
    if not values_in_order:
        return None
    if rule == SUM:
        return math.fsum(values_in_order)
    if rule == MEAN:
        return math.fsum(values_in_order) / len(values_in_order)
    if rule == LAST:
        return values_in_order[-1]
    raise AggregationError(gettext("unknown time aggregation rule %(rule)r") % {"rule": rule})


# One observation: (unit, time_bucket, output_key, order, value).
#   unit         who reported it (an organisation id)
#   time_bucket  which output period it falls in (or None for "the whole range")
#   output_key   what the result is keyed by (a period code, an organisation, a category)
#   order        sorts values within a bucket for the "last" rule (the period's first month)
Observation = tuple[Hashable, Hashable, Hashable, int, float]


def aggregate(
    observations: Iterable[Observation],
    time_rule: str,
    across_rule: str,
    weights: dict[tuple[Hashable, Hashable, Hashable], float] | None = None,
) -> dict[Hashable, float | None]:
    """Aggregate observations into one value per output key (steps 2 and 3 above)."""
    if time_rule not in TIME_RULES:
        raise AggregationError(
            gettext("unknown time aggregation rule %(time_rule)r") % {"time_rule": time_rule}
        )
    if across_rule not in ACROSS_RULES:
        raise AggregationError(
            gettext("unknown aggregation rule %(across_rule)r") % {"across_rule": across_rule}
        )
    buckets = unit_bucket_values(observations, time_rule)
    per_key: dict[Hashable, list[tuple[float, float | None]]] = defaultdict(list)
    for (unit, time_bucket, key), value in buckets.items():
        weight = weights.get((unit, time_bucket, key)) if weights is not None else None
        per_key[key].append((value, weight))
    out: dict[Hashable, float | None] = {}
    for key, pairs in per_key.items():
        values = [v for v, _ in pairs]
        ws = [w for _, w in pairs] if across_rule == WEIGHTED_MEAN else None
        if across_rule == WEIGHTED_MEAN and weights is None:
            raise AggregationError(
                gettext("this indicator is a weighted mean but has no weight indicator")
            )
        out[key] = combine_across(values, across_rule, ws)
    return out


def unit_bucket_values(
    observations: Iterable[Observation], time_rule: str
) -> dict[tuple[Hashable, Hashable, Hashable], float]:
    """Step 2: each unit's value per (time bucket, output key), combined over time."""
    grouped: dict[tuple[Hashable, Hashable, Hashable], list[tuple[int, float]]] = defaultdict(list)
    for unit, time_bucket, key, order, value in observations:
        grouped[(unit, time_bucket, key)].append((order, value))
    combine: Callable[[Sequence[float], str], float | None] = combine_over_time
    out: dict[tuple[Hashable, Hashable, Hashable], float] = {}
    for bucket, items in grouped.items():
        if len(items) == 1:
            out[bucket] = items[0][1]
            continue
        items.sort(key=lambda item: item[0])
        value = combine([v for _, v in items], time_rule)
        if value is not None:
            out[bucket] = value
    return out
