"""The people a figure is based on, which decides whether a cell is suppressed
(docs/reference/disclosure.md): a rate's denominator, a weighted mean's weight, a count itself.

Also the figures of one indicator as {key: value} (``figures``), with a clear ``NotAvailable``
when the query cannot answer, which every page, download and command reads them through.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from commonmeasure.domain import expressions
from commonmeasure.initiatives.models import Indicator, Initiative
from commonmeasure.measures.selectors import QueryError, query


class NotAvailable(Exception):
    """A figure that cannot be worked out here; the message says why, for the page."""


# --- rates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateParts:
    numerator: str  # indicator codes
    denominator: str
    factor: float  # e.g. 100 for a percentage


def rate_parts(indicator: Indicator) -> RateParts | None:
    """Numerator, denominator and factor of a formula indicator shaped ``a / b * factor``
    (also ``a / b``, ``factor * a / b`` and ``a * factor / b``); None for any other shape."""
    if indicator.kind != Indicator.FORMULA or not indicator.formula.strip():
        return None
    try:
        node = expressions.parse_expression(indicator.formula)
    except expressions.ExpressionError:
        return None
    E = expressions

    def ratio(n) -> tuple[str, str] | None:
        if (
            isinstance(n, E.Binary)
            and n.op == "/"
            and isinstance(n.left, E.Name)
            and isinstance(n.right, E.Name)
        ):
            return n.left.code, n.right.code
        return None

    if found := ratio(node):
        return RateParts(*found, 1.0)
    if isinstance(node, E.Binary) and node.op == "*":
        for a, b in ((node.left, node.right), (node.right, node.left)):
            if isinstance(b, E.Number) and (found := ratio(a)):
                return RateParts(*found, b.value)
    if isinstance(node, E.Binary) and node.op == "/" and isinstance(node.right, E.Name):
        top = node.left
        if isinstance(top, E.Binary) and top.op == "*":
            for a, b in ((top.left, top.right), (top.right, top.left)):
                if isinstance(a, E.Name) and isinstance(b, E.Number):
                    return RateParts(a.code, node.right.code, b.value)
    return None


def people_indicator(indicator: Indicator) -> Indicator | None:
    """The indicator that counts the people a cell is based on, or None when the indicator is
    not about people (money, scores, unweighted means): such cells are never suppressed.

    A rate's denominator; a weighted mean's weight; a count indicator itself.
    """
    parts = rate_parts(indicator)
    if parts is not None:
        return Indicator.objects.filter(
            initiative_id=indicator.initiative_id, code=parts.denominator
        ).first()
    if indicator.weight_indicator_id is not None:
        return indicator.weight_indicator
    if indicator.kind == Indicator.REPORTED and indicator.value_type == Indicator.COUNT:
        return indicator
    return None


# --- reading values --------------------------------------------------------------------------


def figures(initiative: Initiative, indicator: Indicator, by: str, period_type: str, **kw):
    """``query()`` as {key: value}; a clear NotAvailable when it cannot answer."""
    try:
        rows = query(initiative, indicator, by, period_type, **kw)
    except QueryError as problem:
        raise NotAvailable(str(problem)) from None
    return {r["key"]: r["value"] for r in rows}


def named_indicator(initiative, code: str) -> Indicator:
    found = initiative.indicators.filter(code=code).first()
    if found is None:
        raise NotAvailable(
            _("the formula names indicator %(code)s, which this initiative lacks")
            % {"code": repr(code)}
        )
    return found


def people_figures(initiative, indicator, by, period_type, values: dict, **kw) -> dict | None:
    """{key: people} for the same cells as ``values``; None when the indicator is not about people."""
    base = people_indicator(indicator)
    if base is None:
        return None
    if base.id == indicator.id:
        return dict(values)
    try:
        return figures(initiative, base, by, period_type, **kw)
    except NotAvailable:
        return {}  # people unknown: such cells count as 0 people and are suppressed
