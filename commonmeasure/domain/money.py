"""Money: Decimal amounts, ISO 4217 minor units, rounding and exact splits.

Amounts are ``decimal.Decimal``; where many amounts are added (the payment engine) they are
held as whole numbers of the currency's minor unit (pence, cents, yen) and turned back into
Decimal at the end, so no sum ever drifts.

Rounding is half up (0.005 -> 0.01, -0.005 -> -0.01: away from zero on a tie), to the
currency's minor unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from commonmeasure.domain.translation import gettext

# ISO 4217 minor units for every active code whose minor unit is not 2 (the usual case).
_MINOR_UNITS_NOT_TWO = {
    # no minor unit
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "UYI": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    # thousandths
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
    # ten-thousandths (units of account)
    "CLF": 4,
    "UYW": 4,
}
# ISO 4217 active codes with two decimal places.
_TWO = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN "
    "BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP "
    "GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP "
    "LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR "
    "NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN "
    "SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR "
    "ZMW ZWG"
).split()
MINOR_UNITS: dict[str, int] = {**{code: 2 for code in _TWO}, **_MINOR_UNITS_NOT_TWO}


class MoneyError(ValueError):
    """An amount or currency that cannot be used."""


def minor_unit(currency: str) -> int:
    """Decimal places of the currency's minor unit (GBP 2, JPY 0, KWD 3)."""
    try:
        return MINOR_UNITS[currency]
    except (KeyError, TypeError):
        raise MoneyError(
            gettext("%(currency)r is not an ISO 4217 currency code (such as GBP, USD, EUR, JPY)")
            % {"currency": currency}
        ) from None


def quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def round_money(amount: Decimal, places: int) -> Decimal:
    """Round half up (ties away from zero) to ``places`` decimal places."""
    return amount.quantize(quantum(places), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, places: int) -> int:
    """Whole minor units, rounding half up."""
    return int(round_money(amount, places).scaleb(places))


def is_exact_minor(amount: Decimal, places: int) -> bool:
    """True if the amount needs no rounding to the minor unit."""
    try:
        return amount == amount.quantize(quantum(places))
    except InvalidOperation:
        return False


def from_minor(units: int, places: int) -> Decimal:
    """Whole minor units as a Decimal with exactly ``places`` decimal places."""
    return Decimal(units).scaleb(-places)


def fmt(units: int, places: int) -> str:
    """Minor units as a plain decimal string: 1170000, 2 -> '11700.00'."""
    return str(from_minor(units, places))


def split_largest_remainder(total: int, shares: Sequence[Decimal]) -> list[int]:
    """Split ``total`` whole minor units in proportion to ``shares`` (which sum to 1) so that the
    parts add up exactly to ``total``.

    Each part starts as the floor of total x share; the units left over go one each to the parts
    with the largest remainders, ties to the earlier part. A negative total is split as its
    positive and negated, so splits are symmetric.
    """
    if total < 0:
        return [-part for part in split_largest_remainder(-total, shares)]
    if not shares:
        return []
    exact = [Decimal(total) * share for share in shares]
    parts = [int(x.to_integral_value(rounding=ROUND_FLOOR)) for x in exact]
    left = total - sum(parts)
    if not 0 <= left <= len(shares):
        raise MoneyError(gettext("shares must add up to 1, not %(sum)s") % {"sum": sum(shares)})
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts
