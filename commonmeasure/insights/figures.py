"""The figures behind the dashboards, benchmarking pages and explorer.

Everything here reads approved data through ``measures.selectors.query`` and applies the
disclosure rules of ``commonmeasure.disclosure`` (docs/reference/disclosure.md): cells based on
fewer people than the initiative's threshold are suppressed for everyone but the organisation
itself and the backbone, and other organisations are shown under anonymous labels unless they
opted in to be named. Who may open a page at all is decided by ``initiatives.access``; callers
pass the resulting ``Viewer``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from commonmeasure.disclosure import (  # noqa: F401  (the pages import them from here too)
    SUPPRESSED,
    Viewer,
    disclose,
    for_everyone,
    viewer_for,
)
from commonmeasure.disclosure.people import (
    NotAvailable,
    figures,
    named_indicator,
    people_figures,
    rate_parts,
)
from commonmeasure.domain import benchmarking, periods
from commonmeasure.measures.selectors import BY_ORGANISATION

# --- peers -----------------------------------------------------------------------------------


@dataclass
class PeerView:
    """One indicator in one period across the organisations, as one viewer may see it."""

    values: dict[str, float | None]  # organisation code -> value, everyone's
    people: dict[str, float] | None
    shown: dict[str, object]  # organisation code -> value or SUPPRESSED, for this viewer
    distribution: dict[str, float]  # the values every member may see: the peer distribution
    summary: benchmarking.PeerSummary | None

    def position(self, code: str, polarity: str) -> benchmarking.Position | None:
        own = self.values.get(code)
        if own is None:
            return None
        others = [v for k, v in self.distribution.items() if k != code]
        return benchmarking.position(float(own), others, polarity)


def peer_view(
    initiative, indicator, viewer: Viewer, period_type: str, within: periods.Period | None
) -> PeerView:
    values = figures(initiative, indicator, BY_ORGANISATION, period_type, within=within)
    values = {k: v for k, v in values.items() if k in viewer.names}
    people = people_figures(
        initiative, indicator, BY_ORGANISATION, period_type, values, within=within
    )
    shown = disclose(values, people, viewer, own_keys=viewer.own & set(values))
    public = for_everyone(values, people, viewer.threshold)
    distribution = {k: float(v) for k, v in public.items() if v is not None and v is not SUPPRESSED}
    return PeerView(
        values, people, shown, distribution, benchmarking.peer_summary(distribution.values())
    )


def funnel(initiative, indicator, view: PeerView, viewer: Viewer, period_type, within):
    """The funnel plot of a rate for this viewer, or None when the indicator is not a rate.

    Points: the organisations this viewer may see (its own always). Target: the pooled
    proportion over the organisations every member may see, so it is the same for everyone.
    """
    parts = rate_parts(indicator)
    if parts is None:
        return None
    num = figures(
        initiative,
        named_indicator(initiative, parts.numerator),
        BY_ORGANISATION,
        period_type,
        within=within,
    )
    den = figures(
        initiative,
        named_indicator(initiative, parts.denominator),
        BY_ORGANISATION,
        period_type,
        within=within,
    )
    units, problems = {}, []
    for code, shown in view.shown.items():
        if shown is SUPPRESSED or shown is None:
            continue
        events, n = num.get(code), den.get(code)
        if events is None or n is None:
            continue
        if float(events).is_integer() and float(n).is_integer() and 0 <= events <= n:
            units[code] = (int(events), int(n))
        else:
            problems.append(viewer.label(code))
    pooled = [units[c] for c in view.distribution if c in units] or list(units.values())
    total = sum(n for _, n in pooled)
    if not units or not total:
        raise NotAvailable(_("no organisation has a denominator above 0 in this period"))
    target = sum(e for e, _ in pooled) / total
    return benchmarking.funnel_plot(units, target=target), parts, problems
