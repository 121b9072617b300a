"""What the public impact bond pages share: number and date formats, safe links, the roles'
names and the query-string helpers of the directory.

Every page reads through ``selectors``, which return public records, rows and fields only.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote, urlencode, urlsplit

from django.urls import get_script_prefix, reverse
from django.utils.dates import MONTHS as MONTH_NAMES
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from commonmeasure.reporting.presenters import format_value

from . import models as m
from .charts import country_name

ROLE_ORDER = [
    m.Role.OUTCOME_PAYER,
    m.Role.INVESTOR,
    m.Role.SERVICE_PROVIDER,
    m.Role.INTERMEDIARY,
    m.Role.EVALUATOR,
    m.Role.VALIDATOR,
]
ROLE_LABELS = {r.value: r.label for r in m.Role}
ROLE_PLURALS = {
    "outcome_payer": gettext_lazy("Outcome payers"),
    "investor": gettext_lazy("Investors"),
    "service_provider": gettext_lazy("Service providers"),
    "intermediary": gettext_lazy("Intermediaries"),
    "evaluator": gettext_lazy("Evaluators"),
    "validator": gettext_lazy("Validators"),
}
STAGE_ORDER = [s.value for s in m.Stage]
# INDIGO's stage codelist in the viewer's language; the filters and the files keep the codes.
STAGE_LABELS = {
    m.Stage.CONTRACTED: pgettext_lazy("impact bond stage", "Contracted"),
    m.Stage.IMPLEMENTATION: pgettext_lazy("impact bond stage", "Implementation"),
    m.Stage.SERVICE_DELIVERY_COMPLETE: pgettext_lazy(
        "impact bond stage", "Service delivery complete"
    ),
    m.Stage.COMPLETE: pgettext_lazy("impact bond stage", "Complete"),
}


def stage_label(stage: str) -> str:
    """A stage as people read it: its name in the viewer's language, else as INDIGO gives it."""
    return str(STAGE_LABELS.get(stage, stage or "–"))


# The months' names in the viewer's language (Django's own translations).
MONTHS = [MONTH_NAMES[n] for n in range(1, 13)]


def number(value) -> str:
    """1234567 -> '1,234,567'; None -> '–'. Two decimals only when the value has them. The
    pages' one number style (reporting.presenters), so the viewer's locale applies here too."""
    return format_value(None if value is None else Decimal(value))


def usd(value) -> str:
    """Whole dollars: '$1,234,568'."""
    return "–" if value is None else f"${number(Decimal(value).quantize(Decimal(1)))}"


def usd_exact(value) -> str:
    """A price: '$1,083.79', whole dollars without decimals."""
    return "–" if value is None else f"${number(value)}"


def usd_short(value) -> str:
    """$16,110,081.81 -> '$16.1m'; $325,277 -> '$325k'; under $1,000 in full."""
    if value is None:
        return "–"
    value = Decimal(value)
    for size, suffix in ((Decimal(10**9), "bn"), (Decimal(10**6), "m"), (Decimal(10**3), "k")):
        if abs(value) >= size:
            scaled = value / size
            return f"${scaled:,.1f}{suffix}" if scaled < 100 else f"${scaled:,.0f}{suffix}"
    return f"${value:,.0f}"


def money(amount, currency: str) -> str:
    """An amount in its own currency: 'GBP 739,200'."""
    if amount is None:
        return "–"
    return f"{currency} {number(amount)}".strip()


def partial_date(text: str) -> str:
    """'2018' -> '2018'; '2018-12' -> 'December 2018'; '2018-12-05' -> '5 December 2018'."""
    if not text:
        return "–"
    parts = text.split("-")
    try:
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 3:
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return text


def long_date(value: date | None) -> str:
    return "–" if value is None else f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def period(start: str, end: str) -> str:
    if start and end:
        return f"{partial_date(start)} – {partial_date(end)}"
    if end:
        return _("to %(date)s") % {"date": partial_date(end)}
    if start:
        return _("from %(date)s") % {"date": partial_date(start)}
    return "–"


def safe_url(url: str) -> str:
    """The URL when it is an http(s) address, else ''. Never a javascript: or data: link."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


def countries_text(codes) -> str:
    return ", ".join(country_name(c) for c in codes) or "–"


@lru_cache(maxsize=32)
def _template(name: str, prefix: str) -> str:
    return reverse(name, args=[_MARKER])


_MARKER = "ID-MARKER-0"


def _link(name: str):
    """A function id -> address for a URL with one id argument; the pattern is reversed once
    (per script prefix), as a page may link hundreds of projects."""
    template = _template(name, get_script_prefix())
    return lambda indigo_id: template.replace(_MARKER, quote(str(indigo_id), safe=""))


def project_url(indigo_id: str) -> str:
    return _link("impactbonds:project")(indigo_id)


def organisation_url(indigo_id: str) -> str:
    return _link("impactbonds:organisation")(indigo_id)


def project_links():
    return _link("impactbonds:project")


def directory_url(**params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse("impactbonds:directory") + (f"?{query}" if query else "")


def parse_as_of(text: str) -> tuple[date | None, str]:
    """(the date, '') or (None, a message) for an as-of date typed as YYYY-MM-DD."""
    text = (text or "").strip()
    if not text:
        return None, ""
    try:
        return date.fromisoformat(text), ""
    except ValueError:
        return (
            None,
            _(
                "“%(text)s” is not a date: use YYYY-MM-DD, for example 2020-12-31. Showing today's figures."
            )
            % {"text": text[:40]},
        )
