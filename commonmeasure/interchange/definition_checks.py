"""Checks of the definition file's areas, computed indicators, targets and overlap adjustments.

Called by ``InitiativeDef`` (definition.py) once the rest of the file is valid; raises
ValueError naming the field (``indicators.3 (rate): formula ...``). Pure Python.
"""

from __future__ import annotations

from commonmeasure.domain import expressions, periods
from commonmeasure.domain.translation import gettext

from .composite_spec import check_composite


def _no_duplicates(codes, what: str) -> None:
    seen = set()
    for c in codes:
        if c in seen:
            raise ValueError(f"{what} {c!r} appears twice")
        seen.add(c)


def check_measures(defn) -> None:
    _check_areas(defn)
    _check_computed(defn)
    _check_targets(defn)
    _check_adjustments(defn)


def _check_areas(defn) -> None:
    flat = defn.flat_areas()
    _no_duplicates([a.code for a, _ in flat], "area code")
    codes = {a.code for a, _ in flat}
    parents: dict[str, str | None] = {}

    def nested_conflicts(area, where: str) -> None:
        for n, child in enumerate(area.children):
            here = f"{where}.children.{n}"
            if child.parent and child.parent != area.code:
                raise ValueError(
                    f"{here} ({child.code}): parent {child.parent!r} differs from the area it is nested in ({area.code})"
                )
            nested_conflicts(child, here)

    for n, area in enumerate(defn.areas):
        nested_conflicts(area, f"areas.{n}")
    for area, parent in flat:
        if parent is not None and parent not in codes:
            raise ValueError(f"areas: {area.code}: parent {parent!r} is not an area in this file")
        if parent == area.code:
            raise ValueError(f"areas: {area.code} cannot be its own parent")
        parents[area.code] = parent
    for start in parents:
        seen, code = [start], parents[start]
        while code is not None:
            if code in seen:
                raise ValueError(
                    "areas: parents go round in a circle: "
                    + " → ".join([*seen[seen.index(code) :], code])
                )
            seen.append(code)
            code = parents.get(code)
    has_children = {p for p in parents.values() if p is not None}
    for n, org in enumerate(defn.organisations):
        if org.area is None:
            continue
        if org.area not in codes:
            raise ValueError(
                f"organisations.{n} ({org.code}): area {org.area!r} is not defined under areas"
            )
        if org.area in has_children:
            raise ValueError(
                f"organisations.{n} ({org.code}): area {org.area!r} has areas inside it; place "
                "organisations in the smallest areas (those with no children)"
            )


def _check_computed(defn) -> None:
    codes = {i.code for i in defn.indicators}
    kinds = {i.code: i.kind for i in defn.indicators}
    graph: dict[str, str] = {}
    for n, ind in enumerate(defn.indicators):
        where = f"indicators.{n} ({ind.code})"
        if ind.kind == "formula":
            try:
                node = expressions.parse_expression(ind.formula)
                expressions.check_names(node, codes)
            except expressions.ExpressionError as problem:
                raise ValueError(f"{where}: formula {ind.formula!r}: {problem}") from None
            if not expressions.names(node):
                raise ValueError(f"{where}: formula {ind.formula!r} uses no indicator")
            graph[ind.code] = ind.formula
        elif ind.kind == "composite":
            spec = ind.composite.model_dump(exclude_none=True)
            for m, c in enumerate(ind.composite.components):
                if c.indicator not in codes:
                    raise ValueError(
                        f"{where}: composite.components.{m}: unknown indicator {c.indicator!r}"
                    )
            problems = check_composite(ind.code, spec)
            if problems:
                raise ValueError(f"{where}: composite: {problems[0]}")
            graph[ind.code] = (
                "sum(" + ", ".join(f"[{c.indicator}]" for c in ind.composite.components) + ")"
            )
        if ind.weight_indicator and kinds.get(ind.weight_indicator, "reported") != "reported":
            raise ValueError(
                f"{where}: weight_indicator {ind.weight_indicator!r} must be a reported indicator"
            )
    try:
        expressions.formula_order(graph)
    except expressions.CycleError as cycle:
        raise ValueError(f"indicators: {cycle}") from None


def _period(code: str, fy: int, where: str, period_type: str | None = None) -> periods.Period:
    try:
        return periods.parse(code, period_type, fy)
    except periods.PeriodError as problem:
        raise ValueError(f"{where}: {problem}") from None


def _check_targets(defn) -> None:
    codes = {i.code for i in defn.indicators}
    orgs = {o.code for o in defn.organisations}
    areas = {a.code for a, _ in defn.flat_areas()}
    fy = defn.fy_first_month
    seen = set()
    for n, t in enumerate(defn.targets):
        where = f"targets.{n}"
        if t.indicator not in codes:
            raise ValueError(f"{where}.indicator: unknown indicator {t.indicator!r}")
        if t.organisation and t.organisation not in orgs:
            raise ValueError(
                f"{where}.organisation: {t.organisation!r} is not an organisation in this file"
            )
        if t.area and t.area not in areas:
            raise ValueError(f"{where}.area: {t.area!r} is not an area in this file")
        _period(t.period, fy, f"{where}.period")
        if t.baseline_from:
            first = _period(t.baseline_from, fy, f"{where}.baseline_from")
            last = _period(t.baseline_to, fy, f"{where}.baseline_to")
            if first.type != last.type:
                raise ValueError(
                    f"{where}: baseline_from {t.baseline_from} and baseline_to {t.baseline_to} are periods of different types"
                )
            if last.start < first.start:
                raise ValueError(
                    f"{where}: baseline_to {t.baseline_to} is before baseline_from {t.baseline_from}"
                )
        key = (t.indicator, t.organisation, t.area, t.period)
        if key in seen:
            raise ValueError(
                f"{where}: a second target for {t.indicator}, {t.scope} {t.organisation or t.area or ''}, {t.period}".replace(
                    "  ", " "
                )
            )
        seen.add(key)


def _check_adjustments(defn) -> None:
    by_code = {i.code: i for i in defn.indicators}
    areas = {a.code for a, _ in defn.flat_areas()}
    period_type = periods.FREQUENCIES[defn.reporting_frequency]
    seen = set()
    for n, adj in enumerate(defn.overlap_adjustments):
        where = f"overlap_adjustments.{n}"
        ind = by_code.get(adj.indicator)
        if ind is None:
            raise ValueError(f"{where}.indicator: unknown indicator {adj.indicator!r}")
        if ind.deduplication != "adjusted":
            raise ValueError(
                f"{where}.indicator: {adj.indicator} does not have deduplication: adjusted"
            )
        if adj.area not in areas:
            raise ValueError(f"{where}.area: {adj.area!r} is not an area in this file")
        p = _period(adj.period, defn.fy_first_month, f"{where}.period", period_type)
        key = (adj.indicator, adj.area, p.code)
        if key in seen:
            raise ValueError(
                f"{where}: a second adjustment for {adj.indicator}, {adj.area}, {adj.period}"
            )
        seen.add(key)


def formula_warnings(defn, code: str) -> list[str]:
    """What may leave a formula indicator without a value although the file is valid: each
    division whose denominator may be 0 (no declared ``min`` above 0), named in words. The
    file loads regardless; the set-up page shows these beside the formula."""
    by_code = {i.code: i for i in defn.indicators}
    ind = by_code.get(code)
    if ind is None or ind.kind != "formula" or not ind.formula:
        return []
    try:
        node = expressions.parse_expression(ind.formula)
    except expressions.ExpressionError:
        return []
    lowest = {c: i.min for c, i in by_code.items()}
    out = []
    for denominator in expressions.zero_denominators(node, lowest):
        out.append(
            gettext(
                "the denominator %(denominator)s may be 0 (nothing declares it above 0): in a "
                "period where it is 0 the formula has no value"
            )
            % {"denominator": denominator}
        )
    return out
