"""The rate-card rules written the plain way: one rule after another, row by row, in Decimal.

This is the executable reading of docs/reference/payment-rules.md. It is slow and obvious on
purpose; the fast engine (payments.rate_card_statement) must give exactly the same statement,
which the tests check on random data and bench/bench_payments.py measures against.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from commonmeasure.domain.translation import gettext

from . import periods
from .money import minor_unit, round_money
from .payments import (
    CAP_COUNT,
    CAP_PER_PARTICIPANT,
    CAP_TOTAL,
    KIND_ORDER,
    ONCE_ONLY,
    RATE_CARD,
    Adjustment,
    ContractError,
    RateCard,
    Statement,
    check_contract,
    period_code,
    rule_text,
    split_by_payer,
)


def reference_rate_card_statement(
    contract: RateCard, achievements: Iterable[tuple], by: str = periods.MONTH
) -> Statement:
    check_contract(contract)
    period_code(contract.start, by)
    places = minor_unit(contract.currency)
    zero = round_money(Decimal(0), places)
    metrics = {m.id: m for m in contract.metrics}

    rows = []
    for position, (participant, metric, day, validated, row) in enumerate(achievements, 1):
        rows.append(
            {
                "participant": participant,
                "metric": metric,
                "date": day,
                "validated": validated,
                "position": position,
                "row": row if row is not None else position,
            }
        )
    count = len(rows)
    unknown = [r for r in rows if r["metric"] not in metrics]
    if unknown:
        raise ContractError(
            [
                gettext("row %(row)s: metric %(metric)r is not in the contract")
                % {"row": r["row"], "metric": r["metric"]}
                for r in unknown
            ]
        )

    # Exclusions: unvalidated first, then dates outside the contract.
    unvalidated = [r for r in rows if not r["validated"]]
    rows = [r for r in rows if r["validated"]]
    outside = [r for r in rows if not contract.start <= r["date"] <= contract.end]
    rows = [r for r in rows if contract.start <= r["date"] <= contract.end]
    for r in rows:
        r["amount"] = round_money(metrics[r["metric"]].price, places)
    gross = {m: zero for m in metrics}
    for r in rows:
        gross[r["metric"]] += r["amount"]

    # Date order, ties in input order.
    rows.sort(key=lambda r: (r["date"], r["position"]))
    removed: list[
        tuple[str, str, str | None, Decimal, dict]
    ] = []  # kind, metric, participant, amount, row

    # 1. Once-only: keep each participant's earliest achievement of the metric.
    kept = []
    earliest: set[tuple[str, str]] = set()
    for r in rows:
        key = (r["participant"], r["metric"])
        if metrics[r["metric"]].once_per_participant and key in earliest:
            removed.append((ONCE_ONLY, r["metric"], r["participant"], r["amount"], r))
        else:
            kept.append(r)
            earliest.add(key)
    rows = kept

    # 2. Per-metric count cap: the earliest achievements first.
    kept = []
    for metric in metrics.values():
        if metric.cap_count is None:
            kept += [r for r in rows if r["metric"] == metric.id]
            continue
        of_metric = [r for r in rows if r["metric"] == metric.id]
        kept += of_metric[: metric.cap_count]
        for r in of_metric[metric.cap_count :]:
            removed.append((CAP_COUNT, r["metric"], None, r["amount"], r))
    rows = sorted(kept, key=lambda r: (r["date"], r["position"]))

    # 3. Per-participant cap, in date order; the crossing achievement is paid in part.
    if contract.cap_per_participant is not None:
        by_participant: dict[str, list[dict]] = {}
        for r in rows:
            by_participant.setdefault(r["participant"], []).append(r)
        for participant, own in by_participant.items():
            paid = zero
            for r in own:
                allowed = min(r["amount"], max(contract.cap_per_participant - paid, zero))
                if allowed < r["amount"]:
                    removed.append(
                        (CAP_PER_PARTICIPANT, r["metric"], participant, r["amount"] - allowed, r)
                    )
                    r["amount"] = allowed
                paid += allowed

    # 4. Contract cap, in date order, likewise.
    if contract.cap_total is not None:
        paid = zero
        for r in rows:
            allowed = min(r["amount"], max(contract.cap_total - paid, zero))
            if allowed < r["amount"]:
                removed.append((CAP_TOTAL, r["metric"], None, r["amount"] - allowed, r))
                r["amount"] = allowed
            paid += allowed

    total = sum((r["amount"] for r in rows), zero)
    by_metric = {m: sum((r["amount"] for r in rows if r["metric"] == m), zero) for m in metrics}
    by_period: dict[str, Decimal] = {}
    for r in sorted(rows, key=lambda r: r["date"]):
        code = period_code(r["date"], by)
        by_period[code] = by_period.get(code, zero) + r["amount"]
    # Periods in which every achievement was removed still appear, with 0.
    for r in removed:
        by_period.setdefault(period_code(r[4]["date"], by), zero)

    grouped: dict[tuple, list] = {}
    for kind, metric, participant, amount, r in removed:
        grouped.setdefault((kind, metric, participant), []).append((amount, r))
    adjustments = []
    for (kind, metric, participant), items in grouped.items():
        first = items[0][1]  # each rule touches achievements in date order
        adjustments.append(
            (
                (KIND_ORDER[kind], first["date"], first["position"]),
                Adjustment(
                    kind=kind,
                    metric=metric,
                    participant=participant,
                    amount=zero - sum((a for a, _ in items), zero),
                    count=len(items),
                    row=first["row"],
                    rule=rule_text(kind, contract, metric),
                ),
            )
        )
    adjustments.sort(key=lambda a: a[0])

    return Statement(
        mechanism=RATE_CARD,
        currency=contract.currency,
        gross=sum(gross.values(), zero),
        total=total,
        by_metric=by_metric,
        by_payer=split_by_payer(total, contract.payers, places),
        by_period=dict(sorted(by_period.items())),
        adjustments=[a for _, a in adjustments],
        excluded={
            "unvalidated": len(unvalidated),
            "outside_dates": len(outside),
            "duplicate_once_only": sum(1 for r in removed if r[0] == ONCE_ONLY),
        },
        detail={
            "rows": count,
            "period_type": by,
            "gross_by_metric": {m: str(v) for m, v in gross.items()},
        },
    )
