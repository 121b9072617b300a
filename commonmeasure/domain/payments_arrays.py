"""The rate-card rules on whole columns at once (NumPy), for a million achievements in a second.

``AchievementArrays`` holds achievements as columns: participant and metric as small integer
codes into lists of their ids, the date as a day number (``date.toordinal()``), validated as
booleans. It is what the data file reader returns for a plain CSV file, and what
``payments.rate_card_statement`` turns any other input into; it still behaves as the sequence of
``(participant, metric, date, validated, row)`` tuples it holds.

``apply_rules`` applies the four rules of docs/reference/payment-rules.md one after another, each
as a handful of array operations over the achievements in date order (ties in input order):

1. once-only: the earliest position of each (participant, metric) pair is kept (a stable unique);
2. per-metric count cap: the positions of the metric still paid, from the cap onwards;
3. per-participant cap: only participants whose amounts add up to more than the cap; their
   achievements grouped by participant in date order (a stable sort), the running total before
   each one gives what it may still be paid: min(amount, max(cap - before, 0));
4. contract cap: the running total over everyone finds the achievement that crosses the cap,
   paid in part; everything after it is not paid.

Money is whole minor units in 64-bit integers; ``payments`` checks first that no total can
overflow them and otherwise uses the plain engine. The tests check every statement against
``payments_reference`` (the same rules row by row in Decimal).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from itertools import count, repeat
from operator import itemgetter, truth

import numpy as np

from commonmeasure.domain.translation import gettext

INT = np.int64


class AchievementArrays(Sequence):
    """Achievements held column by column (see the module's docstring)."""

    __slots__ = ("participants", "participant", "metrics", "metric", "day", "validated", "row")
    __hash__ = None  # type: ignore[assignment]

    def __init__(
        self,
        participants: Sequence[str],
        participant: np.ndarray,
        metrics: Sequence[str],
        metric: np.ndarray,
        day: np.ndarray,
        validated: np.ndarray | None = None,
        row: Sequence[int] | None = None,
    ):
        n = len(participant)
        if len(metric) != n or len(day) != n or (validated is not None and len(validated) != n):
            raise ValueError(gettext("every column must have the same length"))
        self.participants = list(participants)
        self.participant = np.asarray(participant, dtype=INT)
        self.metrics = list(metrics)
        self.metric = np.asarray(metric, dtype=INT)
        self.day = np.asarray(day, dtype=INT)
        self.validated = None if validated is None else np.asarray(validated, dtype=bool)
        self.row = range(1, n + 1) if row is None else row
        if len(self.row) != n:
            raise ValueError(gettext("every column must have the same length"))

    @classmethod
    def from_tuples(cls, achievements) -> AchievementArrays:
        """Columns from ``(participant, metric, date, validated, row)`` tuples; a row of None is
        the position counting from 1."""
        if isinstance(achievements, cls):
            return achievements
        rows = achievements if isinstance(achievements, list) else list(achievements)
        n = len(rows)
        who, what, when, flags, where = (list(map(itemgetter(i), rows)) for i in range(5))
        participants = list(dict.fromkeys(who))
        metrics = list(dict.fromkeys(what))
        code = dict(zip(participants, count(), strict=False))
        index = dict(zip(metrics, count(), strict=False))
        ordinal = {d: d.toordinal() for d in set(when)}
        if None in where:
            where = [i if r is None else r for i, r in enumerate(where, 1)]
        return cls(
            participants,
            np.fromiter(map(code.__getitem__, who), INT, n),
            metrics,
            np.fromiter(map(index.__getitem__, what), INT, n),
            np.fromiter(map(ordinal.__getitem__, when), INT, n),
            np.fromiter(map(truth, flags), bool, n),
            where,
        )

    def __len__(self) -> int:
        return len(self.participant)

    def _tuple(self, i: int, who, what, days: dict) -> tuple:
        d = int(self.day[i])
        day = days.get(d) or days.setdefault(d, date.fromordinal(d))
        return (
            who[self.participant[i]],
            what[self.metric[i]],
            day,
            True if self.validated is None else bool(self.validated[i]),
            self.row[i],
        )

    def __iter__(self) -> Iterator[tuple]:
        who, what = self.participants, self.metrics
        days = {d: date.fromordinal(d) for d in np.unique(self.day).tolist()}
        flags = repeat(True) if self.validated is None else self.validated.tolist()
        return zip(
            map(who.__getitem__, self.participant.tolist()),
            map(what.__getitem__, self.metric.tolist()),
            map(days.__getitem__, self.day.tolist()),
            flags,
            self.row,
            strict=False,  # flags may be an endless repeat(True)
        )

    def __getitem__(self, i):
        if isinstance(i, slice):
            return list(self)[i]
        n = len(self)
        if not -n <= i < n:
            raise IndexError(i)
        return self._tuple(i % n, self.participants, self.metrics, {})

    def __eq__(self, other) -> bool:
        if isinstance(other, AchievementArrays | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"AchievementArrays({len(self)} achievements)"


class Ordered:
    """The achievements that can be paid (validated, within the dates), in date order."""

    def __init__(self, table: AchievementArrays, start: date, end: date, price: np.ndarray):
        n = len(table)
        day = table.day
        inside = (day >= start.toordinal()) & (day <= end.toordinal())
        if table.validated is None:
            self.validated = n
            keep = inside
        else:
            self.validated = int(np.count_nonzero(table.validated))
            keep = inside & table.validated
        position = np.flatnonzero(keep)
        days = day[position]
        if days.size > 1 and not bool(np.all(days[1:] >= days[:-1])):
            position = position[np.argsort(days, kind="stable")]
            days = day[position]
        self.rows = n
        self.position = position  # index in the input of each achievement, in date order
        self.day = days
        self.participant = table.participant[position]
        self.metric = table.metric[position]
        self.amount = price[self.metric]

    def __len__(self) -> int:
        return len(self.position)


class Groups:
    """Adjustments of one kind: per key, the amount removed, how many achievements and the
    first position (in date order) it touched."""

    def __init__(
        self,
        kind: str,
        metric: np.ndarray,
        participant: np.ndarray | None,
        removed: np.ndarray,
        count: np.ndarray,
        first: np.ndarray,
    ):
        self.kind = kind
        self.metric = metric
        self.participant = participant
        self.removed = removed
        self.count = count
        self.first = first

    @classmethod
    def of(
        cls,
        kind: str,
        at: np.ndarray,
        cut: np.ndarray,
        o: Ordered,
        n_metrics: int,
        by_participant: bool,
    ) -> Groups | None:
        """Group the cuts at positions ``at`` (ascending) by metric, or by (participant, metric)."""
        if at.size == 0:
            return None
        metric = o.metric[at]
        key = o.participant[at] * n_metrics + metric if by_participant else metric
        unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        removed = np.zeros(len(unique), INT)
        np.add.at(removed, inverse, cut)
        counts = np.bincount(inverse, minlength=len(unique))
        return cls(
            kind,
            metric[first],
            o.participant[at[first]] if by_participant else None,
            removed,
            counts,
            at[first],
        )


def first_of_each(key: np.ndarray) -> np.ndarray:
    """The index of the first occurrence of each distinct value of ``key`` (integers from 0),
    in the order of the values: np.unique(key, return_index=True)[1], by one sort of plain
    integers (value and index in one number) instead of a stable sort of indices."""
    n = key.size
    if n == 0 or (int(key.max()) + 1) > 2**62 // n:
        return np.unique(key, return_index=True)[1]
    both = key * n
    both += np.arange(n, dtype=INT)
    both.sort()
    value = both // n
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(value[1:], value[:-1], out=new[1:])
    return both[new] % n


def grouped(key: np.ndarray, at: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``at`` (ascending positions, all below ``size``) grouped by ``key`` (integers from 0),
    each group's positions still ascending, and the key of each: ``at[np.argsort(key,
    kind="stable")]`` and the keys in that order, by one sort of plain integers (key and
    position in one number)."""
    if at.size == 0 or (int(key.max()) + 1) > 2**62 // size:
        sort = np.argsort(key, kind="stable")
        return at[sort], key[sort]
    both = key * size
    both += at
    both.sort()
    return both % size, both // size


def apply_rules(
    o: Ordered,
    n_metrics: int,
    once: np.ndarray,
    cap_count: list[int | None],
    cap_participant: int | None,
    cap_total: int | None,
):
    """The four rules in turn. Returns what each achievement is paid (in date order), the
    adjustments as Groups per rule in rule order, and the number of once-only repeats."""
    paid = o.amount.copy()
    groups: list[Groups] = []
    repeats = 0

    # 1. Once-only: keep each participant's earliest achievement of the metric.
    at = np.flatnonzero(once[o.metric])
    if at.size:
        first = first_of_each(o.participant[at] * n_metrics + o.metric[at])
        earliest = np.zeros(at.size, bool)
        earliest[first] = True
        dup = at[~earliest]
        if dup.size:
            repeats = int(dup.size)
            groups.append(Groups.of("once_only", dup, paid[dup], o, n_metrics, True))
            paid[dup] = 0
    removed = np.zeros(len(o), bool)
    if repeats:
        removed[at[~earliest]] = True

    # 2. Per-metric count cap: the earliest achievements still paid, up to the cap.
    for metric, cap in enumerate(cap_count):
        if cap is None:
            continue
        over = np.flatnonzero((o.metric == metric) & ~removed)[cap:]
        if over.size:
            groups.append(Groups.of("cap_count", over, paid[over], o, n_metrics, False))
            paid[over] = 0
            removed[over] = True

    # 3. Per-participant cap, in date order; the achievement that crosses it is paid in part.
    if cap_participant is not None and len(o):
        totals = np.zeros(int(o.participant.max()) + 1, INT)
        np.add.at(totals, o.participant, paid)
        at = np.flatnonzero((totals > cap_participant)[o.participant])
        if at.size:
            order, who = grouped(o.participant[at], at, len(o))
            amount = paid[order]
            running = np.cumsum(amount)
            start = np.flatnonzero(np.r_[True, who[1:] != who[:-1]])
            before = (
                running
                - amount
                - np.repeat(running[start] - amount[start], np.diff(np.r_[start, who.size]))
            )
            allowed = np.minimum(amount, np.maximum(cap_participant - before, 0))
            cut = amount - allowed
            hit = cut > 0
            if hit.any():
                cut_at = order[hit]
                sort = np.argsort(cut_at)
                groups.append(
                    Groups.of(
                        "cap_per_participant", cut_at[sort], cut[hit][sort], o, n_metrics, True
                    )
                )
                paid[order] = allowed

    # 4. Contract cap, in date order across everyone.
    if cap_total is not None and len(o):
        running = np.cumsum(paid)
        k = int(np.searchsorted(running, cap_total, side="right"))
        if k < len(o):
            after = k + 1 + np.flatnonzero(paid[k + 1 :] > 0)
            at = np.r_[k, after]
            cut = paid[at].copy()
            cut[0] = int(running[k]) - cap_total
            groups.append(Groups.of("cap_total", at, cut, o, n_metrics, False))
            paid[k] -= cut[0]
            paid[after] = 0
    return paid, groups, repeats


def sums_by_day(o: Ordered, paid: np.ndarray) -> list[tuple[int, int, int]]:
    """(day number, gross, net) for each day with achievements, in date order."""
    if not len(o):
        return []
    start = np.flatnonzero(np.r_[True, o.day[1:] != o.day[:-1]])
    gross = np.add.reduceat(o.amount, start)
    net = np.add.reduceat(paid, start)
    return list(zip(o.day[start].tolist(), gross.tolist(), net.tolist(), strict=True))
