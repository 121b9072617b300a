"""A composite indicator's declaration (the ``composite`` mapping of the definition file and of
``Indicator.composite``) turned into the domain's Composite. Pure Python: the definition file's
checks use it too."""

from __future__ import annotations

from commonmeasure.domain import composites
from commonmeasure.domain.translation import gettext, gettext_noop


def composite_from_spec(code: str, spec: dict) -> composites.Composite:
    """``{"normalisation", "aggregation", "cap", "missing", "components": [{"indicator",
    "weight", "direction", "normalisation", "target", "cap", "lower", "upper"}]}``; a component's
    normalisation and cap default to the composite's (min_max, not capped)."""
    default_norm = spec.get("normalisation") or composites.MIN_MAX
    default_cap = bool(spec.get("cap", False))
    parts = []
    for c in spec.get("components") or []:
        parts.append(
            composites.Component(
                code=c["indicator"],
                weight=float(c.get("weight", 1.0) if c.get("weight") is not None else 1.0),
                direction=c.get("direction") or composites.POSITIVE,
                normalisation=c.get("normalisation") or default_norm,
                target=c.get("target"),
                cap=bool(c["cap"]) if c.get("cap") is not None else default_cap,
                lower=c.get("lower"),
                upper=c.get("upper"),
            )
        )
    return composites.Composite(
        code,
        tuple(parts),
        aggregation=spec.get("aggregation") or composites.ARITHMETIC,
        missing=spec.get("missing") or composites.NO_VALUE,
    )


# Normalisations that always give some unit 0 or less, which geometric aggregation cannot take:
# min-max gives the lowest unit 0, a z-score is negative below the mean, and goalposts give 0
# at or below the lower goalpost.
NOT_FOR_GEOMETRIC = {
    composites.MIN_MAX: gettext_noop("min-max gives the lowest unit 0"),
    composites.Z_SCORE: gettext_noop("z-scores are negative below the mean"),
    composites.GOALPOSTS: gettext_noop("goalposts give 0 at or below the lower goalpost"),
}


def check_composite(code: str, spec: dict) -> list[str]:
    """Problems with a composite declaration that do not depend on the data, as
    ``components.N: ...`` messages; empty when it can be used."""
    try:
        composite = composite_from_spec(code, spec)
    except composites.CompositeError as problem:
        return [str(problem)]
    problems = []
    if composite.aggregation == composites.GEOMETRIC:
        for n, c in enumerate(composite.components):
            if c.weight > 0 and c.normalisation in NOT_FOR_GEOMETRIC:
                problems.append(
                    gettext(
                        "components.%(n)s (%(code)s): geometric aggregation needs values above 0, but %(NOT_FOR_GEOMETRIC)s; use distance_to_target or arithmetic aggregation"
                    )
                    % {
                        "n": n,
                        "code": c.code,
                        "NOT_FOR_GEOMETRIC": gettext(NOT_FOR_GEOMETRIC[c.normalisation]),
                    }
                )
    return problems
