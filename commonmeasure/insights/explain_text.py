"""An explanation (``insights.explain``) as plain text, for ``commonmeasure query --explain``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .explain import AREAS, COMPONENTS, PERIODS, Explanation

RULES = {
    "sum": gettext_lazy("added up"),
    "mean": gettext_lazy("averaged"),
    "weighted_mean": gettext_lazy("averaged, weighted by {weight}"),
    "min": gettext_lazy("the smallest taken"),
    "max": gettext_lazy("the largest taken"),
    "last": gettext_lazy("the latest period's value taken"),
    "formula": gettext_lazy("worked out by the formula {formula}"),
    "composite": gettext_lazy("combined as a composite of its components"),
}


def rule_words(rule: str, explained: Explanation) -> str:
    """The rule in words (translated on pages, English on the command line)."""
    return str(RULES.get(rule, rule)).format(
        weight=explained.weight_indicator or "", formula=explained.formula or ""
    )


def number(value, decimals: int) -> str:
    if value is None:
        return _("no value")
    if isinstance(value, float):
        return f"{value:,.{decimals}f}"
    return f"{value:,}"


def score(value) -> str:
    """A normalised score, weight or contribution: up to 6 decimals, no trailing zeros."""
    if value is None:
        return str(_("withheld"))
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


def composite_words(e: Explanation, c) -> str:
    """A composite's component: its normalisation, score, weight and contribution."""
    if e.aggregation is None or c.normalisation is None:
        return ""
    if c.weight is None:
        return "; " + _("%(normalisation)s: not used") % {"normalisation": c.normalisation}
    op = " ^ " if e.aggregation == "geometric" else " × "
    worked = f" = {score(c.contribution)}" if c.normalised is not None else ""
    return "; " + _("%(normalisation)s: score %(score)s%(op)sweight %(weight)s%(worked)s") % {
        "normalisation": c.normalisation,
        "score": score(c.normalised),
        "op": op,
        "weight": score(c.weight),
        "worked": worked,
    }


def render(e: Explanation) -> list[str]:
    figure = str(_("suppressed")) if e.suppressed else number(e.figure, e.decimals)
    unit = f" {e.unit}" if e.unit and not e.suppressed and e.figure is not None else ""
    late = " " + _("(provisional: still being reported)") if e.provisional else ""
    within = ", " + _("within %(period)s") % {"period": e.period} if e.period else ""
    lines = [f"{e.indicator_name}, {e.by} {e.label}{within}: {figure}{unit}{late}", ""]
    lines.append(
        _("Over time: each organisation's values %(rule)s.") % {"rule": rule_words(e.time_rule, e)}
    )
    if e.combines == COMPONENTS:
        how = f" ({e.aggregation})" if e.aggregation else ""
        lines.append(
            _("This figure is %(rule)s%(how)s from:") % {"rule": rule_words(e.kind, e), "how": how}
        )
        for c in e.components:
            value = str(_("suppressed")) if c.suppressed else number(c.value, e.decimals)
            lines.append(f"  {c.name} ({c.indicator}): {value}{composite_words(e, c)}")
        if e.recomputed is not None:
            terms = [score(c.contribution) for c in e.components if c.weight is not None]
            sign = " × " if e.aggregation == "geometric" else " + "
            lines.append(
                _("Worked out again: %(terms)s = %(value)s")
                % {"terms": sign.join(terms), "value": score(e.recomputed)}
            )
        if e.reason:
            lines.append(_("No value: %(reason)s") % {"reason": e.reason})
    else:
        rule = rule_words(e.combined_by, e)
        if e.combines == PERIODS:
            lines.append(_("Across periods: %(rule)s.") % {"rule": rule})
        elif e.combines == AREAS:
            lines.append(_("Across organisations in the area: %(rule)s.") % {"rule": rule})
        else:
            lines.append(_("Across organisations: %(rule)s.") % {"rule": rule})
        if e.across_rule == "weighted_mean" and e.combines == PERIODS and e.weight is not None:
            lines.append(
                _("Weight (%(indicator)s): %(value)s")
                % {"indicator": e.weight_indicator, "value": number(e.weight, 0)}
            )
        for p in e.parts:
            value = str(_("suppressed")) if p.suppressed else number(p.value, e.decimals)
            weight = (
                " " + _("(weight %(value)s)") % {"value": number(p.weight, 0)}
                if p.weight is not None
                else ""
            )
            area = " " + _("[area %(area)s]") % {"area": p.area} if p.area else ""
            lines.append(f"  {p.label}{area}: {value}{weight}")
        if not e.parts:
            lines.append("  " + _("(no approved values)"))
    if e.deduplication:
        d = e.deduplication
        lines.append(
            _(
                "De-duplication (%(rule)s): added up %(reported)s,"
                " changed by %(change)s for overlap between providers."
            )
            % {
                "rule": d.rule,
                "reported": number(d.reported, e.decimals),
                "change": number(d.change, e.decimals),
            }
        )
        for a in d.adjustments:
            lines.append(
                "  "
                + _("adjustment %(area)s %(period)s: %(value)s")
                % {"area": a.area_name, "period": a.period, "value": number(a.value, e.decimals)}
            )
        if d.unplaced:
            lines.append(
                "  "
                + _("not placed in an area: %(organisations)s")
                % {"organisations": ", ".join(d.unplaced)}
            )
    lines.append(_("Periods covered: %(periods)s") % {"periods": ", ".join(e.periods) or _("none")})
    if e.missing:
        lines.append(_("Reports still missing:"))
        for m in e.missing:
            lines.append(f"  {m.period}: {m.organisation}")
    else:
        lines.append(_("Reports still missing: none"))
    if e.target:
        t = e.target
        pct = (
            ", " + _("%(percent)s%% of target") % {"percent": t["percent"]}
            if t.get("percent") is not None
            else ""
        )
        lines.append(
            _("Target for %(period)s: %(target)s")
            % {"period": t["period"], "target": number(t["target"], e.decimals)}
            + pct
        )
    return lines
