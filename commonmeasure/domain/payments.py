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

Amounts are Decimal. The rate-card engine adds whole minor units (integers) and makes a single
pass over the achievements in date order, which is the same as applying the four rules one
after another because all four use the same order. ``payments_reference.py`` applies them one
after another, row by row; the tests check that both give the same statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import ClassVar, NamedTuple

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


@dataclass(frozen=True)
class Metric:
    id: str
    price: Decimal
    once_per_participant: bool = False
    cap_count: int | None = None


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
        problems.append(f"currency: {exc}")
        places = None

    def non_negative(value: Decimal | None, name: str) -> None:
        if value is not None and value < 0:
            problems.append(f"{name}: must not be negative (got {value})")

    def money(value: Decimal | None, name: str) -> None:
        non_negative(value, name)
        if value is not None and places is not None and not is_exact_minor(value, places):
            problems.append(
                f"{name}: {value} has more decimal places than {contract.currency} has ({places})"
            )

    seen: set[str] = set()
    for i, payer in enumerate(contract.payers):
        non_negative(payer.share, f"payers[{i}].share")
        if payer.id in seen:
            problems.append(f"payers[{i}].id: payer {payer.id!r} appears twice")
        seen.add(payer.id)
    if contract.payers and sum(p.share for p in contract.payers) != 1:
        total = sum(p.share for p in contract.payers)
        problems.append(f"payers: the shares must add up to exactly 1 (they add up to {total})")

    if isinstance(contract, RateCard):
        if contract.start > contract.end:
            problems.append(f"end: {contract.end} is before start {contract.start}")
        money(contract.cap_total, "cap_total")
        money(contract.cap_per_participant, "cap_per_participant")
        if not contract.metrics:
            problems.append("metrics: at least one metric is needed")
        seen = set()
        for i, m in enumerate(contract.metrics):
            money(m.price, f"metrics[{i}].price")
            if m.cap_count is not None and m.cap_count < 0:
                problems.append(f"metrics[{i}].cap_count: must not be negative (got {m.cap_count})")
            if m.id in seen:
                problems.append(f"metrics[{i}].id: metric {m.id!r} appears twice")
            seen.add(m.id)
    elif isinstance(contract, Comparison):
        non_negative(contract.price_per_unit, "price_per_unit")
        money(contract.cap_total, "cap_total")
        if not 0 <= contract.threshold <= 1:
            problems.append(
                f"threshold: must be between 0 and 1, a share such as 0.10 for 10% (got {contract.threshold})"
            )
    elif isinstance(contract, WeightedTargets):
        money(contract.max_payment, "max_payment")
        if not contract.targets:
            problems.append("targets: at least one target is needed")
        seen = set()
        for i, t in enumerate(contract.targets):
            non_negative(t.weight, f"targets[{i}].weight")
            non_negative(t.cap_ratio, f"targets[{i}].cap_ratio")
            if t.target <= 0:
                problems.append(f"targets[{i}].target: must be more than 0 (got {t.target})")
            if t.id in seen:
                problems.append(f"targets[{i}].id: target {t.id!r} appears twice")
            seen.add(t.id)
        if contract.targets and sum(t.weight for t in contract.targets) != 1:
            problems.append(
                f"targets: the weights must add up to exactly 1 (they add up to {sum(t.weight for t in contract.targets)})"
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


@dataclass
class Statement:
    mechanism: str
    currency: str
    gross: Decimal  # what would be paid with no caps or thresholds
    total: Decimal  # gross + the sum of the adjustments
    by_metric: dict[str, Decimal]
    by_payer: dict[str, Decimal]
    by_period: dict[str, Decimal]
    adjustments: list[Adjustment]
    excluded: dict[str, int]
    detail: dict = field(default_factory=dict)  # per-mechanism: counts, cohorts, targets

    def as_dict(self) -> dict:
        money = lambda d: {k: str(v) for k, v in d.items()}  # noqa: E731
        return {
            "mechanism": self.mechanism,
            "currency": self.currency,
            "total": str(self.total),
            "gross": str(self.gross),
            "by_metric": money(self.by_metric),
            "by_payer": money(self.by_payer),
            "by_period": money(self.by_period),
            "adjustments": [a.as_dict() for a in self.adjustments],
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
    raise ContractError([f"--by: must be one of {', '.join(PERIOD_BY)}, not {by!r}"])


def rule_text(kind: str, contract: RateCard, metric: Metric | None) -> str:
    cur = contract.currency
    if kind == ONCE_ONLY:
        return f"{metric.id} is paid once per participant, for the earliest achievement"
    if kind == CAP_COUNT:
        return f"{metric.id} is paid for at most {metric.cap_count} achievements, earliest first"
    if kind == CAP_PER_PARTICIPANT:
        return f"at most {contract.cap_per_participant} {cur} per participant, in date order"
    if kind == CAP_TOTAL:
        return f"at most {contract.cap_total} {cur} for the whole contract, in date order"
    raise ValueError(kind)


# -- the rate-card engine --------------------------------------------------------------------


def rate_card_statement(
    contract: RateCard, achievements: Iterable[tuple], by: str = periods.MONTH
) -> Statement:
    """The payment statement for a rate-card contract.

    ``achievements`` are ``Achievement`` tuples or plain tuples in the same order of fields
    ``(participant, metric, date, validated, row)``.
    """
    check_contract(contract)
    period_code(contract.start, by)  # checks ``by``
    places = minor_unit(contract.currency)
    metrics = contract.metrics
    index = {m.id: i for i, m in enumerate(metrics)}
    price = [to_minor(m.price, places) for m in metrics]
    once = [m.once_per_participant for m in metrics]
    cap_count = [m.cap_count for m in metrics]
    start, end = contract.start, contract.end

    # Pass 1: exclusions, unknown metrics, and achievements grouped by date in input order.
    buckets: dict[date, list[tuple[str, int, int, int | None]]] = {}
    unvalidated = outside = rows = 0
    unknown: dict[str, int] = {}
    for position, (participant, metric, day, validated, row) in enumerate(achievements, 1):
        mi = index.get(metric)
        if mi is None:
            unknown.setdefault(metric, row or position)
            continue
        if not validated:
            unvalidated += 1
        elif day < start or day > end:
            outside += 1
        else:
            bucket = buckets.get(day)
            if bucket is None:
                buckets[day] = bucket = []
            bucket.append((participant, mi, position, row))
        rows = position
    if unknown:
        raise ContractError(
            [
                f"row {row}: metric {metric!r} is not in the contract (it defines {', '.join(index)})"
                for metric, row in list(unknown.items())[:20]
            ]
        )

    # Pass 2: every rule, in date order (ties in input order: buckets keep it).
    seen: set[tuple[str, int]] = set()
    counted = [0] * len(metrics)
    paid_by_participant: dict[str, int] = {}
    cap_p = (
        None
        if contract.cap_per_participant is None
        else to_minor(contract.cap_per_participant, places)
    )
    cap_t = None if contract.cap_total is None else to_minor(contract.cap_total, places)
    gross_m = [0] * len(metrics)
    net_m = [0] * len(metrics)
    by_period: dict[str, int] = {}
    adjust: dict[
        tuple[str, int, str | None], list
    ] = {}  # key -> [amount, count, first position, first row]
    total = 0
    duplicates = 0
    for day in sorted(buckets):
        in_period = 0
        for participant, mi, position, row in buckets[day]:
            amount = price[mi]
            gross_m[mi] += amount
            if once[mi]:
                key = (participant, mi)
                if key in seen:
                    duplicates += 1
                    _add(adjust, (ONCE_ONLY, mi, participant), amount, position, row)
                    continue
                seen.add(key)
            limit = cap_count[mi]
            if limit is not None:
                if counted[mi] >= limit:
                    _add(adjust, (CAP_COUNT, mi, None), amount, position, row)
                    continue
                counted[mi] += 1
            if cap_p is not None:
                paid = paid_by_participant.get(participant, 0)
                room = cap_p - paid
                if amount > room:
                    _add(
                        adjust, (CAP_PER_PARTICIPANT, mi, participant), amount - room, position, row
                    )
                    amount = room
                paid_by_participant[participant] = paid + amount
            if cap_t is not None and amount > cap_t - total:
                room = cap_t - total
                _add(adjust, (CAP_TOTAL, mi, None), amount - room, position, row)
                amount = room
            total += amount
            net_m[mi] += amount
            in_period += amount
        code = period_code(day, by)
        by_period[code] = by_period.get(code, 0) + in_period

    adjustments = [
        Adjustment(
            kind=kind,
            metric=metrics[mi].id,
            participant=participant,
            amount=from_minor(-amount, places),
            count=count,
            row=row,
            rule=rule_text(kind, contract, metrics[mi]),
        )
        for (kind, mi, participant), (amount, count, _pos, row) in sorted(
            adjust.items(), key=lambda kv: (KIND_ORDER[kv[0][0]], kv[1][2])
        )
    ]
    return Statement(
        mechanism=RATE_CARD,
        currency=contract.currency,
        gross=from_minor(sum(gross_m), places),
        total=from_minor(total, places),
        by_metric={m.id: from_minor(net_m[i], places) for i, m in enumerate(metrics)},
        by_payer=split_by_payer(from_minor(total, places), contract.payers, places),
        by_period={code: from_minor(v, places) for code, v in sorted(by_period.items())},
        adjustments=adjustments,
        excluded={
            "unvalidated": unvalidated,
            "outside_dates": outside,
            "duplicate_once_only": duplicates,
        },
        detail={
            "rows": rows,
            "period_type": by,
            "gross_by_metric": {m.id: fmt(gross_m[i], places) for i, m in enumerate(metrics)},
        },
    )


def _add(adjust: dict, key: tuple, amount: int, position: int, row: int | None) -> None:
    entry = adjust.get(key)
    if entry is None:
        adjust[key] = [amount, 1, position, row if row is not None else position]
    else:
        entry[0] += amount
        entry[1] += 1
