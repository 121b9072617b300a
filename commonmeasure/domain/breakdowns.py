"""Breakdowns agree with totals (docs/reference/validation-rules.md, "Breakdowns and totals").

For one indicator in one report: the total (the value without a breakdown) and, for each set
of dimensions it is broken down by, the values given. A breakdown is *complete* when every
combination of its dimensions' categories has a value. Then:

- a complete breakdown must add up to the total (within one part in a billion);
- a partial breakdown must not add up to more than the total (when no part is negative);
- without a total, two complete breakdowns must add up to the same figure, and a partial one
  must not exceed a complete one.

Pure Python: the caller gathers the values, this module says what disagrees.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from commonmeasure.domain.translation import gettext

REL_TOL = 1e-9


@dataclass(frozen=True)
class Breakdown:
    """The values of one indicator in one report broken down by ``dims`` (dimension codes):
    their sum, how many there are, and whether none is negative."""

    dims: tuple[str, ...]
    total: float
    given: int
    expected: int  # combinations of categories: the number of values of a complete breakdown
    nonnegative: bool = True

    @classmethod
    def of(cls, dims: tuple[str, ...], values: list[float], expected: int) -> Breakdown:
        return cls(dims, math.fsum(values), len(values), expected, all(v >= 0 for v in values))

    @property
    def complete(self) -> bool:
        return self.given >= self.expected

    @property
    def label(self) -> str:
        return " × ".join(self.dims)


@dataclass(frozen=True)
class Disagreement:
    dims: tuple[str, ...]
    reason: str  # plain words, with the figures compared


def same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=REL_TOL)


def number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def describe(b: Breakdown) -> str:
    given = (
        gettext("every category given")
        if b.complete
        else gettext("%(given)s of %(expected)s categories given")
        % {"given": b.given, "expected": b.expected}
    )
    return gettext("the breakdown by %(label)s adds up to %(number)s (%(given)s)") % {
        "label": b.label,
        "number": number(b.total),
        "given": given,
    }


def check(total: float | None, breakdowns: Iterable[Breakdown]) -> list[Disagreement]:
    """Every way the breakdowns disagree with the total (or, without one, with each other)."""
    parts = sorted(breakdowns, key=lambda b: (len(b.dims), b.dims))
    out: list[Disagreement] = []
    reference, against, reference_dims = total, "the total", None
    if reference is None:
        first = next((b for b in parts if b.complete), None)
        if first is None:
            return out
        reference, against = (
            first.total,
            gettext("the breakdown by %(label)s") % {"label": first.label},
        )
        reference_dims = first.dims
    for b in parts:
        if b.dims == reference_dims:
            continue
        if b.complete and not same(b.total, reference):
            out.append(
                Disagreement(
                    b.dims,
                    gettext("%(describe)s but %(against)s is %(number)s")
                    % {"describe": describe(b), "against": against, "number": number(reference)},
                )
            )
        elif (
            not b.complete
            and b.total > reference
            and not same(b.total, reference)
            and b.nonnegative
        ):
            out.append(
                Disagreement(
                    b.dims,
                    gettext("%(describe)s, more than %(against)s of %(number)s")
                    % {"describe": describe(b), "against": against, "number": number(reference)},
                )
            )
    return out


def group(
    values: Iterable[tuple[str, float]], categories: Mapping[str, int]
) -> tuple[float | None, list[Breakdown]]:
    """(total, breakdowns) from (dims, value) pairs: dims is "" for the total or the comma-joined
    dimension codes of a breakdown; ``categories`` gives each dimension's number of categories.
    Dimensions the indicator no longer has are left out."""
    total = None
    by: dict[tuple[str, ...], list[float]] = {}
    for dims, value in values:
        if not dims:
            total = value
            continue
        key = tuple(dims.split(","))
        if all(d in categories for d in key):
            by.setdefault(key, []).append(value)
    return total, [Breakdown.of(k, v, math.prod(categories[d] for d in k)) for k, v in by.items()]
