"""The page /i/CODE/explain/?indicator=…&by=…&key=…: how one figure was worked out."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from commonmeasure.disclosure import viewer_for
from commonmeasure.domain import periods
from commonmeasure.initiatives.access import get_initiative, visible_indicator
from commonmeasure.measures.selectors import QueryError
from commonmeasure.reporting.presenters import format_value

from .explain import explain
from .explain_text import rule_words, score

NORMALISATIONS = {
    "min_max": _lazy("min-max (against the other rows)"),
    "z_score": _lazy("z-score (against the other rows)"),
    "distance_to_target": _lazy("distance to target"),
    "goalposts": _lazy("goalposts"),
}


def explain_url(initiative_code: str, indicator_code: str, by: str, key, **extra) -> str:
    """The link behind "How was this worked out?" for one figure."""
    params = {"indicator": indicator_code, "by": by, "key": str(key)}
    params.update({k: v for k, v in extra.items() if v})
    return reverse("insights:explain", args=[initiative_code]) + "?" + urlencode(params)


def _by_words(by: str, indicator) -> str:
    if by == "period":
        return _("period")
    if by == "organisation":
        return _("organisation")
    if by.startswith("area"):
        return _("area")
    dimension = indicator.dimensions.filter(code=by).first()
    return dimension.name if dimension else by


def explain_page(request, code):
    initiative, access = get_initiative(request.user, code)
    indicator = visible_indicator(access, request.GET.get("indicator", ""))
    if indicator is None:
        raise Http404(_("No such indicator in this initiative."))
    by = request.GET.get("by") or "period"
    key = request.GET.get("key") or ""
    period_type = request.GET.get("period_type") or None
    within = None
    context = {"initiative": initiative, "access": access, "indicator": indicator}
    try:
        if request.GET.get("period"):
            within = periods.parse(request.GET["period"], None, initiative.fy_first_month)
        viewer = viewer_for(initiative, access)
        found = explain(initiative, indicator, by, key, period_type, viewer, within)
    except (QueryError, periods.PeriodError) as problem:
        context["problem"] = str(problem)
        return render(request, "insights/explain.html", context, status=400)

    areas = dict(initiative.areas.values_list("code", "name")) if found.parts else {}

    def shown(value, hidden):
        return _("suppressed") if hidden else format_value(value, indicator)

    context.update(
        e=found,
        by_words=_by_words(by, indicator),
        figure_text=shown(found.figure, found.suppressed),
        time_words=rule_words(found.time_rule, found),
        combined_words=rule_words(found.combined_by, found),
        parts=[
            {
                "label": p.label,
                "value": shown(p.value, p.suppressed),
                "weight": None if p.weight is None else format_value(p.weight),
                "suppressed": p.suppressed,
                "area": areas.get(p.area, p.area) if p.area else None,
            }
            for p in found.parts
        ],
        components=[
            {
                "name": c.name,
                "value": shown(c.value, c.suppressed),
                "normalisation": NORMALISATIONS.get(c.normalisation, c.normalisation),
                "used": c.weight is not None,
                "normalised": score(c.normalised),
                "weight": score(c.weight),
                "contribution": score(c.contribution),
                "withheld": c.normalised is None,
                "href": explain_url(
                    initiative.code,
                    c.indicator,
                    by,
                    found.key,
                    period_type=period_type,
                    period=request.GET.get("period"),
                ),
            }
            for c in found.components
        ],
        recomputed_terms=(" × " if found.aggregation == "geometric" else " + ").join(
            score(c.contribution) for c in found.components if c.weight is not None
        ),
        recomputed=score(found.recomputed) if found.recomputed is not None else None,
        adjustments=[
            {"area": a.area_name, "period": a.period, "value": format_value(a.value, indicator)}
            for a in (found.deduplication.adjustments if found.deduplication else [])
        ],
        dedup_reported=format_value(found.deduplication.reported, indicator)
        if found.deduplication
        else None,
        dedup_change=format_value(found.deduplication.change, indicator)
        if found.deduplication
        else None,
        target_text=format_value(found.target["target"], indicator) if found.target else None,
        threshold=viewer.threshold,
        placed=any(p.area for p in found.parts),
    )
    return render(request, "insights/explain.html", context)
