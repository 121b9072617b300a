"""Code lists the INDIGO reader needs: ISO 3166-1 country codes (the INDIGO standard's
countries.csv), English country names seen in INDIGO data, and ISO 4217 currencies with the
free-text spellings found in the dataset ("Japanese Yen", "NZ dollar", "£").

Lookups are case-insensitive and ignore punctuation and repeated spaces (``normalise``).
docs/reference/indigo.md lists the rules.
"""

from __future__ import annotations

import re

# The INDIGO data standard's countries.csv (ISO 3166-1 alpha-2), commit f034d757.
COUNTRY_CODES = frozenset(
    """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT
BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER
ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID
IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV
LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR
NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC
VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split()
)

_COUNTRY_NAMES = """
AR Argentina|AT Austria|AU Australia|BE Belgium|BF Burkina Faso|BR Brazil|CA Canada|CH Switzerland|
CL Chile|CM Cameroon|CN China|CO Colombia|CZ Czech Republic;Czechia|DE Germany|DK Denmark|
EC Ecuador|EG Egypt|ES Spain|ET Ethiopia|FI Finland|FR France|GB United Kingdom;UK;Great Britain;
England;Scotland;Wales;Northern Ireland|GH Ghana|GR Greece|HK Hong Kong|IE Ireland|IL Israel|
IN India|IT Italy|JO Jordan|JP Japan|KE Kenya|KR South Korea;Korea;Republic of Korea|LB Lebanon|
LU Luxembourg|MA Morocco|ML Mali|MX Mexico|MZ Mozambique|NG Nigeria|NL Netherlands;The Netherlands;
Holland|NO Norway|NZ New Zealand|PE Peru|PH Philippines|PK Pakistan|PL Poland|PS Palestine|
PT Portugal|RW Rwanda|SE Sweden|SG Singapore|SL Sierra Leone|SN Senegal|TZ Tanzania|UG Uganda|
US United States;United States of America;USA;Washington DC US|ZA South Africa|ZM Zambia
"""

# ISO 4217 codes in use, with their English names.
_CURRENCIES = """
AED UAE dirham|ARS Argentine peso|AUD Australian dollar|BDT Bangladeshi taka|BRL Brazilian real|
CAD Canadian dollar|CHF Swiss franc|CLP Chilean peso|CNY Chinese yuan;Renminbi|COP Colombian peso|
CZK Czech koruna|DKK Danish krone|EGP Egyptian pound|ETB Ethiopian birr|EUR Euro;Euros|
GBP Pound sterling;British pound;Pounds sterling;Sterling;UK pound;£|GHS Ghanaian cedi|
HKD Hong Kong dollar|IDR Indonesian rupiah|ILS Israeli new shekel;Israeli shekel|INR Indian rupee|
JOD Jordanian dinar|JPY Japanese yen;Yen;¥|KES Kenyan shilling|KRW South Korean won;Korean won;Won|
LBP Lebanese pound|MAD Moroccan dirham|MXN Mexican peso|MZN Mozambican metical|NGN Nigerian naira|
NOK Norwegian krone|NZD New Zealand dollar;NZ dollar;NZ$|PEN Peruvian sol|PHP Philippine peso|
PKR Pakistani rupee|PLN Polish zloty|RWF Rwandan franc|SEK Swedish krona|SGD Singapore dollar|
SLE Sierra Leonean leone;Leone|SLL Old Sierra Leonean leone|THB Thai baht|TZS Tanzanian shilling|
UGX Ugandan shilling|USD US dollar;United States dollar;US dollars;USD dollars;$;US$|
XOF West African CFA franc;CFA franc|ZAR South African rand;Rand|ZMW Zambian kwacha
"""


def normalise(text: str) -> str:
    """Lower case, punctuation other than currency signs dropped, single spaces."""
    text = re.sub(r"[^\w£$¥€ ]+", " ", text.casefold())
    return " ".join(text.split())


def _table(source: str) -> tuple[dict[str, str], dict[str, str]]:
    names, lookup = {}, {}
    for entry in source.replace("\n", "").split("|"):
        code, _, rest = entry.strip().partition(" ")
        spellings = rest.split(";")
        names[code] = spellings[0]
        for spelling in spellings:
            lookup[normalise(spelling)] = code
            if not spelling.endswith("s") and len(spelling) > 3:
                lookup[normalise(spelling) + "s"] = code  # "Japanese Yens", "NZ dollars"
    return names, lookup


COUNTRY_NAMES, _COUNTRY_LOOKUP = _table(_COUNTRY_NAMES)
CURRENCY_NAMES, _CURRENCY_LOOKUP = _table(_CURRENCIES)
_CURRENCY_LOOKUP["€"] = "EUR"


def country_code(text: str) -> str | None:
    """'GB', 'gb', 'United Kingdom' -> 'GB'; None when it is not a country we know."""
    value = text.strip()
    if value.upper() in COUNTRY_CODES and len(value) == 2:
        return value.upper()
    return _COUNTRY_LOOKUP.get(normalise(value))


def currency_code(text: str) -> str | None:
    """'GBP', 'gbp', 'Japanese Yen', 'NZ dollar' -> ISO 4217 code; None when unknown.

    Any three-letter code of the table is accepted; so is any other three capital letters that
    look like a code (the table covers the currencies INDIGO uses, not all of ISO 4217)."""
    value = text.strip()
    if len(value) == 3 and value.upper() in CURRENCY_NAMES:
        return value.upper()
    found = _CURRENCY_LOOKUP.get(normalise(value))
    if found:
        return found
    if re.fullmatch(r"[A-Z]{3}", value):
        return value
    return None
