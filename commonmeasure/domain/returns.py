"""Investor returns from dated cash flows: XIRR, money multiple, maximum potential loss.

Cash flows are signed from the investor's side: money put in (commitments drawn down) is
negative, money received (repayments, interest, outcome payments passed on) is positive.

- invested: the sum of the negative flows, as a positive amount;
- returned: the sum of the positive flows;
- money multiple: returned / invested;
- XIRR: the annual rate r at which sum(amount / (1 + r) ** (days since first flow / 365)) = 0,
  computed by pyxirr; -100% when nothing came back; none when nothing was put in;
- maximum potential loss: everything invested, i.e. what the investor loses if no outcome is
  ever paid and nothing is repaid;
- peak exposure: the largest amount outstanding at any date (cumulative money in less money
  out, same-day flows netted), which is lower than the amount invested when repayments are
  recycled into later drawdowns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

import pyxirr


class CashFlow(NamedTuple):
    date: date
    amount: Decimal
    investor: str = ""
    row: int | None = None


@dataclass(frozen=True)
class Returns:
    investor: str  # "" for all investors together
    first: date | None
    last: date | None
    invested: Decimal
    returned: Decimal
    net: Decimal
    money_multiple: Decimal | None
    xirr: float | None
    max_potential_loss: Decimal
    peak_exposure: Decimal

    def as_dict(self) -> dict:
        return {
            "investor": self.investor or None,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "invested": str(self.invested),
            "returned": str(self.returned),
            "net": str(self.net),
            "money_multiple": None
            if self.money_multiple is None
            else str(self.money_multiple.quantize(Decimal("0.001"), ROUND_HALF_UP)),
            "xirr": None if self.xirr is None else round(self.xirr, 6),
            "max_potential_loss": str(self.max_potential_loss),
            "peak_exposure": str(self.peak_exposure),
        }


def xirr(flows: Iterable[CashFlow]) -> float | None:
    """The annual internal rate of return of dated flows (actual/365), or None if undefined."""
    by_day: dict[date, Decimal] = {}
    for f in flows:
        by_day[f.date] = by_day.get(f.date, Decimal(0)) + f.amount
    days = sorted(by_day)
    amounts = [by_day[d] for d in days]
    if not any(a < 0 for a in amounts):
        return None
    if not any(a > 0 for a in amounts):
        return -1.0
    try:
        rate = pyxirr.xirr(days, [float(a) for a in amounts])
    except pyxirr.InvalidPaymentsError:
        return None
    if rate is None or rate != rate:  # no convergence, or NaN
        return None
    return float(rate)


def investor_returns(flows: Iterable[CashFlow], investor: str = "") -> Returns:
    flows = sorted(flows, key=lambda f: f.date)
    invested = sum((-f.amount for f in flows if f.amount < 0), Decimal(0))
    returned = sum((f.amount for f in flows if f.amount > 0), Decimal(0))
    outstanding = peak = Decimal(0)
    by_day: dict[date, Decimal] = {}
    for f in flows:
        by_day[f.date] = by_day.get(f.date, Decimal(0)) + f.amount
    for day in sorted(by_day):
        outstanding -= by_day[day]
        peak = max(peak, outstanding)
    return Returns(
        investor=investor,
        first=flows[0].date if flows else None,
        last=flows[-1].date if flows else None,
        invested=invested,
        returned=returned,
        net=returned - invested,
        money_multiple=(returned / invested) if invested else None,
        xirr=xirr(flows),
        max_potential_loss=invested,
        peak_exposure=peak,
    )


def returns_by_investor(flows: Iterable[CashFlow]) -> tuple[Returns, dict[str, Returns]]:
    """All investors together, and each investor named in the flows."""
    flows = list(flows)
    named: dict[str, list[CashFlow]] = {}
    for f in flows:
        if f.investor:
            named.setdefault(f.investor, []).append(f)
    return investor_returns(flows), {
        name: investor_returns(own, name) for name, own in named.items()
    }
