"""An explanation (``insights.explain``) as plain text, for ``commonmeasure query --explain``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .explain import AREAS, COMPONENTS, PERIODS, Explanation

RULES = {
    "sum": _("added up"),
    "mean": _("averaged"),
    "weighted_mean": _("averaged, weighted by {weight}"),
    "min": _("the smallest taken"),
    "max": _("the largest taken"),
    "last": _("the latest period's value taken"),
    "formula": _("worked out by the formula {formula}"),
    "composite": _("combined as a composite of its components"),
}


def rule_words(rule: str, explained: Explanation) -> str:
    """The rule in words (translated on pages, English on the command line)."""
    return str(RULES.get(rule, rule)).format(
        weight=explained.weight_indicator or "", formula=explained.formula or ""
    )


def number(value, decimals: int) -> str:
    if value is None:
        return "no value"
    if isinstance(value, float):
        return f"{value:,.{decimals}f}"
    return f"{value:,}"


def score(value) -> str:
    """A normalised score, weight or contribution: up to 6 decimals, no trailing zeros."""
    if value is None:
        return "withheld"
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


def composite_words(e: Explanation, c) -> str:
    """A composite's component: its normalisation, score, weight and contribution."""
    if e.aggregation is None or c.normalisation is None:
        return ""
    if c.weight is None:
        return f"; {c.normalisation}: not used"
    op = " ^ " if e.aggregation == "geometric" else " × "
    worked = f" = {score(c.contribution)}" if c.normalised is not None else ""
    return f"; {c.normalisation}: score {score(c.normalised)}{op}weight {score(c.weight)}{worked}"


def render(e: Explanation) -> list[str]:
    figure = "suppressed" if e.suppressed else number(e.figure, e.decimals)
    unit = f" {e.unit}" if e.unit and not e.suppressed and e.figure is not None else ""
    late = " (provisional: still being reported)" if e.provisional else ""
    within = f", within {e.period}" if e.period else ""
    lines = [f"{e.indicator_name}, {e.by} {e.label}{within}: {figure}{unit}{late}", ""]
    lines.append(f"Over time: each organisation's values {rule_words(e.time_rule, e)}.")
    if e.combines == COMPONENTS:
        how = f" ({e.aggregation})" if e.aggregation else ""
        lines.append(f"This figure is {rule_words(e.kind, e)}{how} from:")
        for c in e.components:
            value = "suppressed" if c.suppressed else number(c.value, e.decimals)
            lines.append(f"  {c.name} ({c.indicator}): {value}{composite_words(e, c)}")
        if e.recomputed is not None:
            terms = [score(c.contribution) for c in e.components if c.weight is not None]
            sign = " × " if e.aggregation == "geometric" else " + "
            lines.append(f"Worked out again: {sign.join(terms)} = {score(e.recomputed)}")
        if e.reason:
            lines.append(f"No value: {e.reason}")
    else:
        what = {PERIODS: "periods", AREAS: "organisations in the area"}.get(
            e.combines, "organisations"
        )
        lines.append(f"Across {what}: {rule_words(e.combined_by, e)}.")
        if e.across_rule == "weighted_mean" and e.combines == PERIODS and e.weight is not None:
            lines.append(f"Weight ({e.weight_indicator}): {number(e.weight, 0)}")
        for p in e.parts:
            value = "suppressed" if p.suppressed else number(p.value, e.decimals)
            weight = f" (weight {number(p.weight, 0)})" if p.weight is not None else ""
            area = f" [area {p.area}]" if p.area else ""
            lines.append(f"  {p.label}{area}: {value}{weight}")
        if not e.parts:
            lines.append("  (no approved values)")
    if e.deduplication:
        d = e.deduplication
        lines.append(
            f"De-duplication ({d.rule}): added up {number(d.reported, e.decimals)},"
            f" changed by {number(d.change, e.decimals)} for overlap between providers."
        )
        for a in d.adjustments:
            lines.append(f"  adjustment {a.area_name} {a.period}: {number(a.value, e.decimals)}")
        if d.unplaced:
            lines.append(f"  not placed in an area: {', '.join(d.unplaced)}")
    lines.append(f"Periods covered: {', '.join(e.periods) or 'none'}")
    if e.missing:
        lines.append("Reports still missing:")
        for m in e.missing:
            lines.append(f"  {m.period}: {m.organisation}")
    else:
        lines.append("Reports still missing: none")
    if e.target:
        t = e.target
        pct = f", {t['percent']}% of target" if t.get("percent") is not None else ""
        lines.append(f"Target for {t['period']}: {number(t['target'], e.decimals)}{pct}")
    return lines
