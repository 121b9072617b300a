"""The two formula mechanisms of the payment engine: ``comparison`` and ``weighted_targets``.

comparison: per cohort, in file order,
    reduction = (comparison events - treated events) / comparison events
    paid      = price_per_unit x (comparison events - treated events)  if reduction >= threshold
              = 0                                                      otherwise
  each cohort's payment rounded half up to the minor unit, then the contract cap in file order.

weighted_targets:
    paid = max_payment x sum over targets of weight x min(achieved / target, cap_ratio)
  each target's part rounded half up to the minor unit; the total is the sum of the parts.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import NamedTuple

from commonmeasure.domain.translation import gettext

from .money import minor_unit, round_money
from .payments import (
    CAP_RATIO,
    CAP_TOTAL,
    COMPARISON,
    THRESHOLD,
    WEIGHTED_TARGETS,
    Adjustment,
    Comparison,
    ContractError,
    Statement,
    WeightedTargets,
    check_contract,
    split_by_payer,
)

EVENTS_AVOIDED = "events_avoided"  # the one priced metric of a comparison contract
_FOUR = Decimal("0.0001")


class CohortResult(NamedTuple):
    cohort: str
    treated_events: Decimal
    comparison_events: Decimal
    row: int | None = None


class TargetResult(NamedTuple):
    metric: str
    achieved: Decimal
    row: int | None = None


def _percent(share: Decimal) -> str:
    return f"{share * 100:.2f}%"


def comparison_statement(contract: Comparison, cohorts: Iterable[CohortResult]) -> Statement:
    check_contract(contract)
    places = minor_unit(contract.currency)
    cohorts = list(cohorts)
    problems: list[str] = []
    seen: dict[str, int | None] = {}
    for position, c in enumerate(cohorts, 1):
        where = f"row {c.row or position}"
        if c.treated_events < 0:
            problems.append(
                gettext("%(where)s: treated_events must not be negative (got %(treated_events)s)")
                % {"where": where, "treated_events": c.treated_events}
            )
        if c.comparison_events <= 0:
            problems.append(
                gettext(
                    "%(where)s: comparison_events must be more than 0 (got %(comparison_events)s)"
                )
                % {"where": where, "comparison_events": c.comparison_events}
            )
        if c.cohort in seen:
            problems.append(
                gettext("%(where)s: cohort %(cohort)r appears twice (first in row %(seen)s)")
                % {"where": where, "cohort": c.cohort, "seen": seen[c.cohort]}
            )
        seen.setdefault(c.cohort, c.row or position)
    if problems:
        raise ContractError(problems)

    adjustments: list[Adjustment] = []
    detail: list[dict] = []
    by_cohort: dict[str, Decimal] = {}
    gross = total = Decimal(0)
    zero = round_money(Decimal(0), places)
    for position, c in enumerate(cohorts, 1):
        row = c.row or position
        avoided = c.comparison_events - c.treated_events
        with localcontext() as ctx:
            ctx.prec = 34
            reduction = avoided / c.comparison_events
        met = avoided >= contract.threshold * c.comparison_events  # exact: no division
        earned = round_money(contract.price_per_unit * max(avoided, Decimal(0)), places)
        gross += earned
        paid = earned if met else zero
        if not met and earned:
            adjustments.append(
                Adjustment(
                    kind=THRESHOLD,
                    metric=EVENTS_AVOIDED,
                    participant=None,
                    amount=-earned,
                    count=1,
                    row=row,
                    rule=gettext(
                        "cohort %(cohort)s: a reduction of %(percent)s is below the threshold of %(percent2)s"
                    )
                    % {
                        "cohort": c.cohort,
                        "percent": _percent(reduction),
                        "percent2": _percent(contract.threshold),
                    },
                    cohort=c.cohort,
                )
            )
        if contract.cap_total is not None and total + paid > contract.cap_total:
            cut = total + paid - contract.cap_total
            adjustments.append(
                Adjustment(
                    kind=CAP_TOTAL,
                    metric=EVENTS_AVOIDED,
                    participant=None,
                    amount=-cut,
                    count=1,
                    row=row,
                    rule=gettext(
                        "at most %(cap_total)s %(currency)s for the whole contract, cohorts in file order"
                    )
                    % {"cap_total": contract.cap_total, "currency": contract.currency},
                    cohort=c.cohort,
                )
            )
            paid -= cut
        total += paid
        by_cohort[c.cohort] = paid
        detail.append(
            {
                "cohort": c.cohort,
                "row": row,
                "treated_events": str(c.treated_events),
                "comparison_events": str(c.comparison_events),
                "events_avoided": str(avoided),
                "reduction": str(reduction.quantize(_FOUR, ROUND_HALF_UP)),
                "threshold": str(contract.threshold),
                "threshold_met": met,
                "amount": str(paid),
            }
        )
    return Statement(
        mechanism=COMPARISON,
        currency=contract.currency,
        gross=gross,
        total=total,
        by_metric={EVENTS_AVOIDED: total},
        by_payer=split_by_payer(total, contract.payers, places),
        by_period={},
        adjustments=adjustments,
        excluded={"unvalidated": 0, "outside_dates": 0, "duplicate_once_only": 0},
        detail={"by_cohort": {k: str(v) for k, v in by_cohort.items()}, "cohorts": detail},
    )


def weighted_targets_statement(
    contract: WeightedTargets, results: Iterable[TargetResult]
) -> Statement:
    check_contract(contract)
    places = minor_unit(contract.currency)
    targets = {t.id: t for t in contract.targets}
    achieved: dict[str, TargetResult] = {}
    problems: list[str] = []
    for position, r in enumerate(results, 1):
        where = f"row {r.row or position}"
        if r.metric not in targets:
            problems.append(
                gettext(
                    "%(where)s: metric %(metric)r is not in the contract (it defines %(items)s)"
                )
                % {"where": where, "metric": r.metric, "items": ", ".join(targets)}
            )
        elif r.metric in achieved:
            problems.append(
                gettext("%(where)s: metric %(metric)r appears twice (first in row %(row)s)")
                % {"where": where, "metric": r.metric, "row": achieved[r.metric].row}
            )
        if r.achieved < 0:
            problems.append(
                gettext("%(where)s: achieved must not be negative (got %(achieved)s)")
                % {"where": where, "achieved": r.achieved}
            )
        achieved.setdefault(r.metric, r._replace(row=r.row or position))
    if problems:
        raise ContractError(problems)

    adjustments: list[Adjustment] = []
    by_metric: dict[str, Decimal] = {}
    detail: list[dict] = []
    gross = total = Decimal(0)
    for t in contract.targets:
        r = achieved.get(t.id)
        value = r.achieved if r else Decimal(0)
        with localcontext() as ctx:
            ctx.prec = 34
            ratio = value / t.target
            counted = min(ratio, t.cap_ratio)
            uncapped = round_money(contract.max_payment * t.weight * ratio, places)
            paid = round_money(contract.max_payment * t.weight * counted, places)
        if paid != uncapped:
            adjustments.append(
                Adjustment(
                    kind=CAP_RATIO,
                    metric=t.id,
                    participant=None,
                    amount=paid - uncapped,
                    count=1,
                    row=r.row if r else None,
                    rule=gettext("%(id)s counts up to %(cap_ratio)s x its target of %(target)s")
                    % {"id": t.id, "cap_ratio": t.cap_ratio, "target": t.target},
                )
            )
        gross += uncapped
        total += paid
        by_metric[t.id] = paid
        detail.append(
            {
                "metric": t.id,
                "row": r.row if r else None,
                "reported": r is not None,
                "achieved": str(value),
                "target": str(t.target),
                "weight": str(t.weight),
                "ratio": str(ratio.quantize(_FOUR, ROUND_HALF_UP)),
                "cap_ratio": str(t.cap_ratio),
                "amount": str(paid),
            }
        )
    return Statement(
        mechanism=WEIGHTED_TARGETS,
        currency=contract.currency,
        gross=gross,
        total=total,
        by_metric=by_metric,
        by_payer=split_by_payer(total, contract.payers, places),
        by_period={},
        adjustments=adjustments,
        excluded={"unvalidated": 0, "outside_dates": 0, "duplicate_once_only": 0},
        detail={
            "targets": detail,
            "not_reported": [t.id for t in contract.targets if t.id not in achieved],
        },
    )
