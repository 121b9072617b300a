"""Formula and composite indicators, computed from their components at every level.

Rules and worked examples: docs/reference/formula-indicators.md and composite-indicators.md.

- A **formula** indicator is an expression over other indicators' codes. For each key of the
  query (a period, an organisation, a category, an area) every component is first aggregated
  by its own rules (the same query of the component), and the expression is evaluated on those aggregates: a
  rate is total numerator / total denominator, never an average of rates. A component with no
  value, or a division by zero, gives no value, and ``derived_detail`` says why.
- A **composite** indicator normalises its components' aggregates across the **units** of the
  query — the keys of the result: organisations for ``by=organisation``, periods for
  ``by=period``, categories for a dimension, and for ``by=area`` the areas of the same level
  (``area:<level>`` has one level) — then weights and aggregates them
  (``commonmeasure.domain.composites``). Distance to target and goalposts are absolute: a
  unit's score does not depend on the other units. Min-max and z-score are relative: they
  compare the units in the query, so a query restricted to fewer organisations compares fewer.
  When a composite cannot be computed for a set of units (e.g. min-max over a single unit, or
  a geometric composite meeting a value of 0), those units have no value and the reason is the
  error.
"""

from __future__ import annotations

import contextvars
from collections import defaultdict

from django.utils.translation import gettext as _

from commonmeasure.domain import composites, expressions
from commonmeasure.initiatives.models import Area, Indicator, Initiative
from commonmeasure.interchange.composite_spec import composite_from_spec
from commonmeasure.measures.query_spec import BY_AREA, Answer, QueryError, QuerySpec

from .common import clean

_computing: contextvars.ContextVar[tuple[int, ...]] = contextvars.ContextVar(
    "measures_computing", default=()
)


def component_codes(indicator: Indicator) -> list[str]:
    """The indicator codes a formula or composite indicator is computed from."""
    if indicator.kind == Indicator.FORMULA:
        return list(expressions.names(indicator.formula))
    if indicator.kind == Indicator.COMPOSITE:
        return [c["indicator"] for c in (indicator.composite or {}).get("components") or []]
    return []


def _components(initiative: Initiative, indicator: Indicator) -> dict[str, Indicator]:
    codes = component_codes(indicator)
    found = {i.code: i for i in initiative.indicators.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise QueryError(
            _("indicator %(indicator)s uses %(missing)s, not an indicator of %(initiative)s")
            % {
                "indicator": indicator.code,
                "missing": ", ".join(missing),
                "initiative": initiative.code,
            }
        )
    return found


def derived_detail(spec: QuerySpec, answer: Answer) -> list[dict]:
    """Per key: ``{"key", "value", "reason", "components": {code: aggregate}}``, and for a
    composite also ``"normalised"``, ``"weights"`` and ``"contributions"`` per component.
    ``reason`` says why there is no value (None when there is one). Sorted by key. Each
    component is the same query of another indicator, answered by ``answer``."""
    initiative, indicator, by = spec.initiative, spec.indicator, spec.by
    stack = _computing.get()
    if indicator.id in stack:
        raise QueryError(
            _(
                "indicator %(indicator)s is computed from itself "
                "(formulas refer to each other in a circle)"
            )
            % {"indicator": indicator.code}
        )
    token = _computing.set((*stack, indicator.id))
    try:
        parts = _components(initiative, indicator)
        raw: dict[str, dict] = {}
        for code, component in parts.items():
            raw[code] = {r["key"]: r["value"] for r in answer(spec.replace(indicator=component))}
    finally:
        _computing.reset(token)
    keys = sorted({k for values in raw.values() for k in values}, key=str)
    if indicator.kind == Indicator.FORMULA:
        out = _formula(indicator, keys, raw)
    elif indicator.kind == Indicator.COMPOSITE:
        out = _composite(initiative, indicator, by, keys, raw)
    else:
        raise QueryError(
            _("indicator %(indicator)s is reported, not computed") % {"indicator": indicator.code}
        )
    return out


def _formula(indicator: Indicator, keys: list, raw: dict[str, dict]) -> list[dict]:
    node = expressions.parse_expression(indicator.formula)
    out = []
    for key in keys:
        values = {code: raw[code].get(key) for code in raw}
        result = expressions.evaluate_with_reason(node, values)
        out.append(
            {
                "key": key,
                "value": clean(result.value),
                "reason": result.reason,
                "components": values,
            }
        )
    return out


def _units(initiative: Initiative, by: str, keys: list) -> list[list]:
    """The groups of keys normalised together: one group, or per area level for ``by=area``."""
    if by != BY_AREA:
        return [keys] if keys else []
    level = dict(Area.objects.filter(initiative=initiative).values_list("code", "level"))
    groups: dict[str, list] = defaultdict(list)
    for key in keys:
        groups[level.get(key, "")].append(key)
    return [groups[lv] for lv in sorted(groups)]


def _composite(initiative, indicator, by, keys, raw) -> list[dict]:
    try:
        composite = composite_from_spec(indicator.code, indicator.composite or {})
    except (composites.CompositeError, KeyError, TypeError, ValueError) as problem:
        raise QueryError(
            _("composite %(indicator)s is not declared correctly: %(problem)s")
            % {"indicator": indicator.code, "problem": problem}
        ) from None
    results: dict = {}
    for group in _units(initiative, by, keys):
        unit_values = {key: {code: raw[code].get(key) for code in raw} for key in group}
        try:
            computed = composite.compute(unit_values)
        except composites.CompositeError as problem:
            for key in group:
                results[key] = (None, str(problem), unit_values[key], None)
            continue
        for key, cv in computed.items():
            results[key] = (cv.value, cv.reason, unit_values[key], cv)
    out = []
    for key in keys:
        value, reason, components, cv = results[key]
        row = {"key": key, "value": clean(value), "reason": reason, "components": components}
        if cv is not None:
            row["normalised"] = {c: clean(v) for c, v in cv.normalised.items()}
            row["weights"] = {c: clean(w) for c, w in cv.weights.items()}
            row["contributions"] = {c: clean(v) for c, v in cv.contributions.items()}
        out.append(row)
    return out


def derived_query(spec: QuerySpec, answer: Answer) -> list[dict]:
    """What query() returns for a formula or composite indicator: [{"key", "value"}]."""
    return [{"key": r["key"], "value": r["value"]} for r in derived_detail(spec, answer)]
