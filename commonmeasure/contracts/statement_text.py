"""Words and amounts the payment statement's documents share (exports.py, statement_pdf.py)
and the contract pages (views.py)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from commonmeasure.domain.money import minor_unit

KIND_LABELS = {
    "once_only": _("Once only"),
    "cap_count": _("Count cap"),
    "cap_per_participant": _("Cap per participant"),
    "cap_total": _("Contract cap"),
}


def amount_text(amount, places: int) -> str:
    """An amount rounded to ``places`` decimals (half to even), with the active language's
    decimal mark and digit grouping: 1,234.50 in English, 1 234,50 in French, 1.234,50 in
    Spanish. Files keep their own form (interchange reads both)."""
    rounded = Decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)


def money_text(amount: Decimal, currency: str) -> str:
    return f"{amount_text(amount, minor_unit(currency))} {currency}"
