"""Scenarios: what a rate-card contract pays, and what its investor gets back, if a given share
of participants achieves each outcome.

The simulation is deterministic and runs the real payment engine:
- of N participants, round-half-up(N x rate) achieve the metric; the same participants are the
  ones who succeed at everything (participant 1 achieves every outcome anyone achieves, then
  participant 2, ...), which is the case where the per-participant cap bites hardest;
- every achievement is dated the contract's start, in participant order, so ties (and so the
  contract cap) go to the earlier participants, as in a real statement;
- the investor puts in ``investment`` on the start date and receives every outcome payment on
  the end date (outcome payments passed straight through), so the investor's return is
  total paid / investment over the contract's length. Any shortfall is the investor's loss;
  the outcome payers pay only for outcomes achieved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from commonmeasure.domain.translation import gettext

from .money import minor_unit, round_money
from .payments import Achievement, ContractError, RateCard, Statement, rate_card_statement
from .returns import CashFlow, investor_returns

MAX_ACHIEVEMENTS = 2_000_000


@dataclass(frozen=True)
class ScenarioResult:
    rates: dict[str, Decimal]
    participants: int
    achieved: dict[str, int]  # how many participants achieve each metric
    statement: Statement
    investment: Decimal | None
    start: date
    end: date

    def as_dict(self) -> dict:
        s = self.statement
        places = minor_unit(s.currency)
        outcomes = sum(self.achieved.values())
        out = {
            "participants": self.participants,
            "success_rates": {m: str(r) for m, r in self.rates.items()},
            "outcomes_achieved": dict(self.achieved),
            "currency": s.currency,
            "total_paid": str(s.total),
            "by_payer": {k: str(v) for k, v in s.by_payer.items()},
            "by_metric": {k: str(v) for k, v in s.by_metric.items()},
            "cost_per_outcome": str(round_money(s.total / outcomes, places)) if outcomes else None,
            "cost_per_outcome_by_metric": {
                m: str(round_money(s.by_metric[m] / n, places)) if n else None
                for m, n in self.achieved.items()
            },
            "removed_by_caps": str(s.gross - s.total),
            "investor": None,
        }
        if self.investment is not None:
            r = investor_returns(
                [
                    CashFlow(self.start, -self.investment),
                    CashFlow(self.end, s.total),
                ]
            )
            out["investor"] = {
                **{k: v for k, v in r.as_dict().items() if k not in ("investor", "first", "last")},
                "loss": str(round_money(max(self.investment - s.total, Decimal(0)), places)),
                "loss_borne_by": "investor" if s.total < self.investment else None,
            }
        return out


def simulate(
    contract: RateCard,
    participants: int,
    rates: dict[str, Decimal] | Decimal,
    investment: Decimal | None = None,
) -> ScenarioResult:
    """The statement if each metric is achieved by the given share of ``participants``."""
    if not isinstance(contract, RateCard):
        raise ContractError([gettext("scenarios need a rate_card contract")])
    if participants < 0:
        raise ContractError(
            [
                gettext("participants: must not be negative (got %(participants)s)")
                % {"participants": participants}
            ]
        )
    if investment is not None and investment < 0:
        raise ContractError(
            [
                gettext("investment: must not be negative (got %(investment)s)")
                % {"investment": investment}
            ]
        )
    if isinstance(rates, Decimal):
        rates = {m.id: rates for m in contract.metrics}
    problems = [
        gettext("success rate for %(m)r: not a metric of the contract") % {"m": m}
        for m in rates
        if m not in {x.id for x in contract.metrics}
    ]
    problems += [
        gettext("success rate for %(m)r: must be between 0 and 1 (got %(r)s)") % {"m": m, "r": r}
        for m, r in rates.items()
        if not 0 <= r <= 1
    ]
    if problems:
        raise ContractError(problems)
    rates = {m.id: rates.get(m.id, Decimal(0)) for m in contract.metrics}
    achieved = {
        m: int((participants * r).quantize(Decimal(1), ROUND_HALF_UP)) for m, r in rates.items()
    }
    if sum(achieved.values()) > MAX_ACHIEVEMENTS:
        raise ContractError(
            [
                gettext(
                    "participants: %(participants)s is too many to simulate (at most %(MAX_ACHIEVEMENTS)s achievements)"
                )
                % {"participants": participants, "MAX_ACHIEVEMENTS": MAX_ACHIEVEMENTS}
            ]
        )
    width = len(str(participants))
    achievements = [
        Achievement(f"P{i + 1:0{width}d}", m.id, contract.start, True, None)
        for i in range(max(achieved.values(), default=0))
        for m in contract.metrics
        if i < achieved[m.id]
    ]
    statement = rate_card_statement(contract, achievements)
    return ScenarioResult(
        rates, participants, achieved, statement, investment, contract.start, contract.end
    )


def sweep(
    contract: RateCard, participants: int, investment: Decimal | None = None, steps: int = 10
) -> list[dict]:
    """The scenario at every success rate from 0 to 100% (the same rate for every metric)."""
    out = []
    for step in range(steps + 1):
        rate = Decimal(step) / steps
        row = simulate(contract, participants, rate, investment).as_dict()
        row["success_rate"] = str(rate)
        out.append(row)
    return out
