"""Words and amounts the payment statement's documents share (exports.py, statement_pdf.py)."""

from __future__ import annotations

from decimal import Decimal

from commonmeasure.domain.money import minor_unit

KIND_LABELS = {
    "once_only": "Once only",
    "cap_count": "Count cap",
    "cap_per_participant": "Cap per participant",
    "cap_total": "Contract cap",
}


def money_text(amount: Decimal, currency: str) -> str:
    places = minor_unit(currency)
    return f"{amount:,.{places}f} {currency}"
