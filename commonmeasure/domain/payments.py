"""The payment engine: outcome achievements in, a payment statement that explains itself out.

Three mechanisms (docs/reference/payment-rules.md has every rule with worked examples):

- ``rate_card``: a price per outcome metric, paid per achievement, then these rules in order,
  ties broken by input order:
    1. once-only: a metric marked once per participant is paid for their earliest achievement only;
    2. per-metric count cap: at most ``cap_count`` achievements of the metric, earliest first;
    3. per-participant cap: in date order; the achievement that crosses the cap is paid in part;
    4. contract cap: in date order across everyone, likewise.
- ``comparison``: per cohort, price x (comparison events - treated events) when the reduction
  reaches the threshold (mechanisms.py).
- ``weighted_targets``: max_payment x sum of weight x min(achieved / target, cap_ratio)
  (mechanisms.py).

Amounts are Decimal. The rate-card engine adds whole minor units (integers). It applies the
four rules one after another to whole columns of achievements in date order (NumPy,
payments_arrays.py); amounts too large for 64-bit integers go through a single Python loop over
the achievements instead (the four rules in one pass, which is the same because all four use
the same order). ``payments_reference.py`` applies them the plain way, row by row in Decimal;
the tests check that every path gives the same statement.
"""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import compress
from operator import itemgetter
from typing import ClassVar, NamedTuple

import numpy as np

from commonmeasure.domain.translation import gettext

from . import periods
from .money import (
    MoneyError,
    fmt,
    from_minor,
    is_exact_minor,
    minor_unit,
    split_largest_remainder,
    to_minor,
)
from .payments_arrays import AchievementArrays, Ordered, apply_rules, sums_by_day

RATE_CARD = "rate_card"
COMPARISON = "comparison"
WEIGHTED_TARGETS = "weighted_targets"
MECHANISMS = (RATE_CARD, COMPARISON, WEIGHTED_TARGETS)
PERIOD_BY = (periods.MONTH, periods.QUARTER)

# Adjustment kinds, in the order the rules apply.
ONCE_ONLY = "once_only"
CAP_COUNT = "cap_count"
CAP_PER_PARTICIPANT = "cap_per_participant"
CAP_TOTAL = "cap_total"
THRESHOLD = "threshold"
CAP_RATIO = "cap_ratio"
KIND_ORDER = {
    k: i
    for i, k in enumerate(
        (ONCE_ONLY, CAP_COUNT, CAP_PER_PARTICIPANT, THRESHOLD, CAP_RATIO, CAP_TOTAL)
    )
}


class ContractError(ValueError):
    """A contract or its data that cannot be used; ``problems`` names each field or row."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# -- contract terms --------------------------------------------------------------------------


@dataclass(frozen=True)
class Payer:
    id: str
    share: Decimal


def name_from_code(code: str) -> str:
    """A code in words, for a metric declared without a name: ``improved_attendance`` ->
    "Improved attendance"."""
    words = " ".join(code.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:] if words else code


@dataclass(frozen=True)
class Metric:
    id: str
    price: Decimal
    once_per_participant: bool = False
    cap_count: int | None = None
    name: str = ""  # the metric in words (the contract file's ``metrics[].name``)

    @property
    def label(self) -> str:
        """The metric's name, or its code in words when the file gives none."""
        return self.name or name_from_code(self.id)


def metric_names(terms) -> dict[str, str]:
    """Each metric's id -> its name (``Metric.label``: the file's ``name``, or the id in words),
    for every page, statement and chart that shows a metric; empty for a contract without
    metrics (comparison, weighted targets)."""
    return {m.id: m.label for m in getattr(terms, "metrics", ())}


@dataclass(frozen=True)
class RateCard:
    currency: str
    start: date
    end: date
    metrics: tuple[Metric, ...]
    cap_total: Decimal | None = None
    cap_per_participant: Decimal | None = None
    payers: tuple[Payer, ...] = ()
    mechanism: ClassVar[str] = RATE_CARD


@dataclass(frozen=True)
class Comparison:
    currency: str
    price_per_unit: Decimal
    threshold: Decimal
    cap_total: Decimal | None = None
    payers: tuple[Payer, ...] = ()
    mechanism: ClassVar[str] = COMPARISON


@dataclass(frozen=True)
class Target:
    id: str
    weight: Decimal
    target: Decimal
    cap_ratio: Decimal = Decimal(1)


@dataclass(frozen=True)
class WeightedTargets:
    currency: str
    max_payment: Decimal
    targets: tuple[Target, ...]
    payers: tuple[Payer, ...] = ()
    mechanism: ClassVar[str] = WEIGHTED_TARGETS


Contract = RateCard | Comparison | WeightedTargets


def contract_problems(contract: Contract) -> list[str]:
    """Every reason the contract's terms cannot be used, each naming its field; [] if none."""
    problems: list[str] = []
    try:
        places = minor_unit(contract.currency)
    except MoneyError as exc:
        problems.append(gettext("currency: %(exc)s") % {"exc": exc})
        places = None

    def non_negative(value: Decimal | None, name: str) -> None:
        if value is not None and value < 0:
            problems.append(
                gettext("%(name)s: must not be negative (got %(value)s)")
                % {"name": name, "value": value}
            )

    def money(value: Decimal | None, name: str) -> None:
        non_negative(value, name)
        if value is not None and places is not None and not is_exact_minor(value, places):
            problems.append(
                gettext(
                    "%(name)s: %(value)s has more decimal places than %(currency)s has (%(places)s)"
                )
                % {"name": name, "value": value, "currency": contract.currency, "places": places}
            )

    seen: set[str] = set()
    for i, payer in enumerate(contract.payers):
        non_negative(payer.share, f"payers.{i}.share")
        if payer.id in seen:
            problems.append(
                gettext("payers.%(i)s.id: payer %(id)r appears twice") % {"i": i, "id": payer.id}
            )
        seen.add(payer.id)
    if contract.payers and sum(p.share for p in contract.payers) != 1:
        total = sum(p.share for p in contract.payers)
        problems.append(
            gettext("payers: the shares must add up to exactly 1 (they add up to %(total)s)")
            % {"total": total}
        )

    if isinstance(contract, RateCard):
        if contract.start > contract.end:
            problems.append(
                gettext("end: %(end)s is before start %(start)s")
                % {"end": contract.end, "start": contract.start}
            )
        money(contract.cap_total, "cap_total")
        money(contract.cap_per_participant, "cap_per_participant")
        if not contract.metrics:
            problems.append(gettext("metrics: at least one metric is needed"))
        seen = set()
        for i, m in enumerate(contract.metrics):
            money(m.price, f"metrics.{i}.price")
            if m.cap_count is not None and m.cap_count < 0:
                problems.append(
                    gettext("metrics.%(i)s.cap_count: must not be negative (got %(cap_count)s)")
                    % {"i": i, "cap_count": m.cap_count}
                )
            if m.id in seen:
                problems.append(
                    gettext("metrics.%(i)s.id: metric %(id)r appears twice") % {"i": i, "id": m.id}
                )
            seen.add(m.id)
    elif isinstance(contract, Comparison):
        non_negative(contract.price_per_unit, "price_per_unit")
        money(contract.cap_total, "cap_total")
        if not 0 <= contract.threshold <= 1:
            problems.append(
                gettext(
                    "threshold: must be between 0 and 1, a share such as 0.10 for 10%% (got %(threshold)s)"
                )
                % {"threshold": contract.threshold}
            )
    elif isinstance(contract, WeightedTargets):
        money(contract.max_payment, "max_payment")
        if not contract.targets:
            problems.append(gettext("targets: at least one target is needed"))
        seen = set()
        for i, t in enumerate(contract.targets):
            non_negative(t.weight, f"targets.{i}.weight")
            non_negative(t.cap_ratio, f"targets.{i}.cap_ratio")
            if t.target <= 0:
                problems.append(
                    gettext("targets.%(i)s.target: must be more than 0 (got %(target)s)")
                    % {"i": i, "target": t.target}
                )
            if t.id in seen:
                problems.append(
                    gettext("targets.%(i)s.id: target %(id)r appears twice") % {"i": i, "id": t.id}
                )
            seen.add(t.id)
        if contract.targets and sum(t.weight for t in contract.targets) != 1:
            problems.append(
                gettext("targets: the weights must add up to exactly 1 (they add up to %(sum)s)")
                % {"sum": sum(t.weight for t in contract.targets)}
            )
    return problems


def check_contract(contract: Contract) -> None:
    problems = contract_problems(contract)
    if problems:
        raise ContractError(problems)


# -- data and statement ----------------------------------------------------------------------


class Achievement(NamedTuple):
    """One outcome achieved by one participant. ``row`` is where it came from (a file row)."""

    participant: str
    metric: str
    date: date
    validated: bool = True
    row: int | None = None


@dataclass
class Adjustment:
    kind: str
    metric: str | None
    participant: str | None
    amount: Decimal  # negative: what the rule removed
    count: int  # achievements (or cohorts, targets) the rule touched
    row: int | None  # the first row it touched
    rule: str
    cohort: str | None = None

    def as_dict(self) -> dict:
        out = {
            "kind": self.kind,
            "metric": self.metric,
            "participant": self.participant,
            "amount": str(self.amount),
            "count": self.count,
            "row": self.row,
            "rule": self.rule,
        }
        if self.cohort is not None:
            out["cohort"] = self.cohort
        return out


class AdjustmentColumns(Sequence):
    """Adjustments held column by column, as the array engine builds them: it behaves as the
    list of ``Adjustment`` it holds (each made when it is read), and the statement's JSON is
    written from the columns themselves (contracts/file_reports.py)."""

    __slots__ = ("columns",)
    __hash__ = None  # type: ignore[assignment]
    FIELDS = ("kind", "metric", "participant", "amount", "count", "row", "rule")

    def __init__(self, kind, metric, participant, amount, count, row, rule):
        self.columns = (kind, metric, participant, amount, count, row, rule)
        if len({len(c) for c in self.columns}) > 1:
            raise ValueError(gettext("every column must have the same length"))

    def __len__(self) -> int:
        return len(self.columns[0])

    def __iter__(self) -> Iterator[Adjustment]:
        return map(Adjustment, *self.columns)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return list(map(Adjustment, *(c[i] for c in self.columns)))
        return Adjustment(*(c[i] for c in self.columns))

    def __eq__(self, other) -> bool:
        if isinstance(other, AdjustmentColumns | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(list(self))


@dataclass
class Statement:
    mechanism: str
    currency: str
    gross: Decimal  # what would be paid with no caps or thresholds
    total: Decimal  # gross + the sum of the adjustments
    by_metric: dict[str, Decimal]
    by_payer: dict[str, Decimal]
    by_period: dict[str, Decimal]
    adjustments: Sequence[Adjustment]  # a list, or AdjustmentColumns from the array engine
    excluded: dict[str, int]
    detail: dict = field(default_factory=dict)  # per-mechanism: counts, cohorts, targets

    def as_dict(self, adjustments: bool = True) -> dict:
        """The statement as plain data (the JSON of ``payments --json``). ``adjustments=False``:
        the same with an empty list of adjustments, for a writer that writes them itself."""
        with paused_gc():  # many small dicts, no cycles
            return self._as_dict(adjustments)

    def _as_dict(self, adjustments: bool) -> dict:
        money = lambda d: {k: str(v) for k, v in d.items()}  # noqa: E731
        return {
            "mechanism": self.mechanism,
            "currency": self.currency,
            "total": str(self.total),
            "gross": str(self.gross),
            "by_metric": money(self.by_metric),
            "by_payer": money(self.by_payer),
            "by_period": money(self.by_period),
            "adjustments": [
                a.as_dict()
                if a.cohort is not None
                else {
                    "kind": a.kind,
                    "metric": a.metric,
                    "participant": a.participant,
                    "amount": str(a.amount),
                    "count": a.count,
                    "row": a.row,
                    "rule": a.rule,
                }
                for a in (self.adjustments if adjustments else ())
            ],
            "excluded": dict(self.excluded),
            **self.detail,
        }


def split_by_payer(total: Decimal, payers: tuple[Payer, ...], places: int) -> dict[str, Decimal]:
    """Each payer's part of ``total``, by largest remainder so the parts add up exactly."""
    parts = split_largest_remainder(to_minor(total, places), [p.share for p in payers])
    return {p.id: from_minor(part, places) for p, part in zip(payers, parts, strict=True)}


def period_code(day: date, by: str) -> str:
    if by == periods.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    if by == periods.QUARTER:
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    raise ContractError(
        [
            gettext("--by: must be one of %(items)s, not %(by)r")
            % {"items": ", ".join(PERIOD_BY), "by": by}
        ]
    )


def rule_text(kind: str, contract: RateCard, metric_id: str) -> str:
    cur = contract.currency
    metric = next((m for m in contract.metrics if m.id == metric_id), None)
    name = metric.label if metric is not None else metric_id
    if kind == ONCE_ONLY:
        return gettext(
            "%(metric_id)s is paid once per participant, for the earliest achievement"
        ) % {"metric_id": name}
    if kind == CAP_COUNT:
        return gettext("%(metric_id)s is paid for at most %(cap)s achievements, earliest first") % {
            "metric_id": name,
            "cap": metric.cap_count,
        }
    if kind == CAP_PER_PARTICIPANT:
        return gettext("at most %(cap_per_participant)s %(cur)s per participant, in date order") % {
            "cap_per_participant": contract.cap_per_participant,
            "cur": cur,
        }
    if kind == CAP_TOTAL:
        return gettext("at most %(cap_total)s %(cur)s for the whole contract, in date order") % {
            "cap_total": contract.cap_total,
            "cur": cur,
        }
    raise ValueError(kind)


# -- the rate-card engine --------------------------------------------------------------------


def rate_card_statement(
    contract: RateCard, achievements: Iterable[tuple], by: str = periods.MONTH
) -> Statement:
    """The payment statement for a rate-card contract.

    ``achievements`` are an ``AchievementArrays`` (as the data file reader returns), or
    ``Achievement`` tuples or plain tuples in the same order of fields ``(participant, metric,
    date, validated, row)``; a row of None is read as the position in the input, counting
    from 1. The rules run on whole columns (payments_arrays.py); amounts so large that a total
    could pass 2**62 minor units go through the row-by-row loop below instead.
    """
    with paused_gc():
        check_contract(contract)
        period_code(contract.start, by)  # checks ``by``
        places = minor_unit(contract.currency)
        if not isinstance(achievements, AchievementArrays | list):
            achievements = list(achievements)
        largest = max((to_minor(m.price, places) for m in contract.metrics), default=0)
        if largest * max(len(achievements), 1) < 2**62:
            return _array_statement(contract, achievements, by, places)
        return _rate_card_statement(contract, list(achievements), by)


def _array_statement(contract: RateCard, achievements, by: str, places: int) -> Statement:
    table = AchievementArrays.from_tuples(achievements)
    price_of = {m.id: to_minor(m.price, places) for m in contract.metrics}
    unknown = [i for i, m in enumerate(table.metrics) if m not in price_of]
    if unknown:
        _check_metrics(list(table), price_of)
    # Codes of the table's metrics -> the contract's metrics, in the contract's order.
    ids = [m.id for m in contract.metrics]
    position = {m: i for i, m in enumerate(ids)}
    recode = np.array([position[m] for m in table.metrics] or [0], dtype=np.int64)
    table = AchievementArrays(
        table.participants,
        table.participant,
        ids,
        recode[table.metric],
        table.day,
        table.validated,
        table.row,
    )
    price = np.array([price_of[m] for m in ids], dtype=np.int64)
    o = Ordered(table, contract.start, contract.end, price)
    cap_p = contract.cap_per_participant
    cap_t = contract.cap_total
    paid, groups, repeats = apply_rules(
        o,
        len(ids),
        np.array([m.once_per_participant for m in contract.metrics], dtype=bool),
        [m.cap_count for m in contract.metrics],
        None if cap_p is None else to_minor(cap_p, places),
        None if cap_t is None else to_minor(cap_t, places),
    )
    gross_p: dict[str, int] = {}
    net_p: dict[str, int] = {}
    for day, gross, net in sums_by_day(o, paid):
        code = period_code(date.fromordinal(day), by)
        gross_p[code] = gross_p.get(code, 0) + gross
        net_p[code] = net_p.get(code, 0) + net
    counts = np.bincount(o.metric, minlength=len(ids)).tolist()
    gross_m = {m: price_of[m] * n for m, n in zip(ids, counts, strict=True)}
    net_m = dict(gross_m)
    # Adjustments: the rules in their order; within a rule, in the order of the first
    # achievement each touched. Built column by column, then put in that order at once.
    kinds, metrics, people, amounts, counts_, rows, rules, first, order_of = ([] for _ in range(9))
    who = table.participants
    decimals: dict[int, Decimal] = {}  # the same amounts recur: one Decimal for each
    row_of = (
        (lambda at: (at * table.row.step + table.row.start).tolist())
        if isinstance(table.row, range)
        else (lambda at: list(map(table.row.__getitem__, at.tolist())))
    )
    for g in groups:
        codes = g.metric.tolist()
        removed = g.removed.tolist()
        by_metric = np.zeros(len(ids), dtype=np.int64)
        np.add.at(by_metric, g.metric, g.removed)
        for m, amount in zip(ids, by_metric.tolist(), strict=True):
            net_m[m] -= amount
        metric_ids = list(map(ids.__getitem__, codes))
        text = {m: rule_text(g.kind, contract, m) for m in set(metric_ids)}
        kinds += [g.kind] * len(removed)
        metrics += metric_ids
        people += (
            [None] * len(removed)
            if g.participant is None
            else list(map(who.__getitem__, g.participant.tolist()))
        )
        for x in set(removed).difference(decimals):
            decimals[x] = from_minor(-x, places)
        amounts += map(decimals.__getitem__, removed)
        counts_ += g.count.tolist()
        rows += row_of(o.position[g.first])
        rules += map(text.__getitem__, metric_ids)
        first.append(g.first)
        order_of.append(np.full(len(removed), KIND_ORDER[g.kind]))
    adjustments: list | AdjustmentColumns = []
    if first:
        order = np.lexsort((np.concatenate(first), np.concatenate(order_of))).tolist()
        pick = itemgetter(*order) if len(order) > 1 else (lambda col: (col[order[0]],))
        columns = (kinds, metrics, people, amounts, counts_, rows, rules)
        adjustments = AdjustmentColumns(*map(pick, columns))
    total = sum(net_m.values())
    return Statement(
        mechanism=RATE_CARD,
        currency=contract.currency,
        gross=from_minor(sum(gross_m.values()), places),
        total=from_minor(total, places),
        by_metric={m: from_minor(v, places) for m, v in net_m.items()},
        by_payer=split_by_payer(from_minor(total, places), contract.payers, places),
        by_period={code: from_minor(v, places) for code, v in sorted(net_p.items())},
        adjustments=adjustments,
        excluded={
            "unvalidated": o.rows - o.validated,
            "outside_dates": o.validated - len(o),
            "duplicate_once_only": repeats,
        },
        detail={
            "rows": o.rows,
            "period_type": by,
            "gross_by_metric": {m: fmt(v, places) for m, v in gross_m.items()},
        },
    )


def _rate_card_statement(contract: RateCard, achievements: list[tuple], by: str) -> Statement:
    """The same statement by a loop over the achievements, in Python integers of any size."""
    check_contract(contract)
    period_code(contract.start, by)  # checks ``by``
    places = minor_unit(contract.currency)
    metrics = contract.metrics
    price = {m.id: to_minor(m.price, places) for m in metrics}
    rows = achievements if isinstance(achievements, list) else list(achievements)
    if None in map(_ROW, rows):
        rows = [(p, m, d, v, i if r is None else r) for i, (p, m, d, v, r) in enumerate(rows, 1)]
    _check_metrics(rows, price)

    # Exclusions: not validated, then outside the contract's dates. The rest in date order;
    # the sort is stable, so ties keep their input order.
    valid = list(compress(rows, map(_VALIDATED, rows)))
    ordered = sorted(valid, key=_DATE)
    lo = bisect_left(ordered, contract.start, key=_DATE)
    hi = bisect_right(ordered, contract.end, key=_DATE)
    ordered = ordered[lo:hi]
    adjust, removed_by_day, duplicates = _apply_rules(contract, ordered, price, places)

    # Gross amounts from counts; net amounts are gross less what the rules removed.
    gross_m = dict.fromkeys(price, 0)
    gross_p: dict[str, int] = {}
    for (day, metric), n in Counter(
        zip(map(_DATE, ordered), map(_METRIC, ordered), strict=True)
    ).items():
        gross_m[metric] += price[metric] * n
        code = period_code(day, by)
        gross_p[code] = gross_p.get(code, 0) + price[metric] * n
    net_m = dict(gross_m)
    net_p = dict(gross_p)
    for (_kind, metric, _participant), entry in adjust.items():
        net_m[metric] -= entry[0]
    for day, amount in removed_by_day.items():
        net_p[period_code(day, by)] -= amount
    total = sum(net_m.values())
    rules = {}
    adjustments = []
    for (kind, metric, participant), (amount, count, row) in sorted(
        adjust.items(), key=lambda kv: KIND_ORDER[kv[0][0]]
    ):
        rule = rules.get((kind, metric))
        if rule is None:
            rule = rules[kind, metric] = rule_text(kind, contract, metric)
        adjustments.append(
            Adjustment(kind, metric, participant, from_minor(-amount, places), count, row, rule)
        )
    return Statement(
        mechanism=RATE_CARD,
        currency=contract.currency,
        gross=from_minor(sum(gross_m.values()), places),
        total=from_minor(total, places),
        by_metric={m: from_minor(v, places) for m, v in net_m.items()},
        by_payer=split_by_payer(from_minor(total, places), contract.payers, places),
        by_period={code: from_minor(v, places) for code, v in sorted(net_p.items())},
        adjustments=adjustments,
        excluded={
            "unvalidated": len(rows) - len(valid),
            "outside_dates": len(valid) - len(ordered),
            "duplicate_once_only": duplicates,
        },
        detail={
            "rows": len(rows),
            "period_type": by,
            "gross_by_metric": {m: fmt(v, places) for m, v in gross_m.items()},
        },
    )


_DATE = itemgetter(2)
_METRIC = itemgetter(1)
_VALIDATED = itemgetter(3)
_ROW = itemgetter(4)


def _check_metrics(rows: list[tuple], price: dict[str, int]) -> None:
    unknown = set(map(_METRIC, rows)).difference(price)
    if unknown:
        first: dict[str, int] = {}
        for _p, metric, _d, _v, row in rows:
            if metric in unknown:
                first.setdefault(metric, row)
        raise ContractError(
            [
                gettext(
                    "row %(row)s: metric %(metric)r is not in the contract (it defines %(items)s)"
                )
                % {"row": row, "metric": metric, "items": ", ".join(price)}
                for metric, row in sorted(first.items(), key=lambda kv: kv[1])[:20]
            ]
        )


def _apply_rules(contract: RateCard, ordered: list[tuple], price: dict[str, int], places: int):
    """The four rules in one pass over the achievements in date order.

    Returns the adjustments as {(kind, metric, participant): [removed, count, first row]} in
    the order they first applied, what they removed per day, and the once-only repeats.
    The loop is written out flat because it runs once per achievement."""
    # Per metric: (price, 1 if once-only, count cap or None).
    terms = {m.id: (price[m.id], m.once_per_participant, m.cap_count) for m in contract.metrics}
    counted = dict.fromkeys(terms, 0)
    cap_p = contract.cap_per_participant
    cap_p = None if cap_p is None else to_minor(cap_p, places)
    room_t = None if contract.cap_total is None else to_minor(contract.cap_total, places)
    seen: set[tuple[str, str]] = set()
    paid_by_participant: dict[str, int] = {}
    paid_get = paid_by_participant.get
    adjust: dict[tuple[str, str, str | None], list] = {}
    adjust_get = adjust.get
    removed_by_day: dict[date, int] = {}
    removed_get = removed_by_day.get
    duplicates = 0
    for participant, metric, day, _validated, row in ordered:
        amount, once, cap_count = terms[metric]
        if once or cap_count is not None:
            if once:
                key = (participant, metric)
                if key in seen:
                    duplicates += 1
                    key = (ONCE_ONLY, metric, participant)
                    entry = adjust_get(key)
                    if entry is None:
                        adjust[key] = [amount, 1, row]
                    else:
                        entry[0] += amount
                        entry[1] += 1
                    removed_by_day[day] = removed_get(day, 0) + amount
                    continue
                seen.add(key)
            if cap_count is not None:
                if counted[metric] >= cap_count:
                    key = (CAP_COUNT, metric, None)
                    entry = adjust_get(key)
                    if entry is None:
                        adjust[key] = [amount, 1, row]
                    else:
                        entry[0] += amount
                        entry[1] += 1
                    removed_by_day[day] = removed_get(day, 0) + amount
                    continue
                counted[metric] += 1
        if cap_p is not None:
            paid = paid_get(participant, 0)
            if amount > cap_p - paid:
                cut = amount - (cap_p - paid)
                key = (CAP_PER_PARTICIPANT, metric, participant)
                entry = adjust_get(key)
                if entry is None:
                    adjust[key] = [cut, 1, row]
                else:
                    entry[0] += cut
                    entry[1] += 1
                removed_by_day[day] = removed_get(day, 0) + cut
                amount -= cut
            paid_by_participant[participant] = paid + amount
        if room_t is not None:
            if amount > room_t:
                cut = amount - room_t
                key = (CAP_TOTAL, metric, None)
                entry = adjust_get(key)
                if entry is None:
                    adjust[key] = [cut, 1, row]
                else:
                    entry[0] += cut
                    entry[1] += 1
                removed_by_day[day] = removed_get(day, 0) + cut
                amount = room_t
            room_t -= amount
    return adjust, removed_by_day, duplicates


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while building many small objects that form no
    cycles (a million rows): it would otherwise rescan them again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
