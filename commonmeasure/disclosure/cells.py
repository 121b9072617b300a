"""The figures of a surface with the disclosure rules applied, for pages, the API and the CLI.

Each function reads approved figures through ``measures.selectors.query`` and returns them as
``commonmeasure.disclosure`` lets the viewer see them: ``{key: value or SUPPRESSED}``, where a
key is an organisation code, a period, a category or an area. Grouping (docs/reference/
disclosure.md): the organisations of one period form one group, as do the categories of a
dimension or the areas; a series of periods does not (its sum is not shown).
"""

from __future__ import annotations

from commonmeasure.disclosure.people import people_figures
from commonmeasure.initiatives.models import Indicator
from commonmeasure.measures.derived import component_codes
from commonmeasure.measures.provisional import provisional_periods
from commonmeasure.measures.selectors import BY_ORGANISATION, BY_PERIOD, query

from . import SUPPRESSED, Viewer, disclose


def _values(initiative, indicator, by, period_type, **kw) -> dict:
    return {r["key"]: r["value"] for r in query(initiative, indicator, by, period_type, **kw)}


def _people(initiative, indicator, by, period_type, values, **kw) -> dict | None:
    return people_figures(initiative, indicator, by, period_type, values, **kw)


def by_organisation(initiative, indicator, viewer: Viewer, period_type=None, within=None) -> dict:
    """{organisation code: value or SUPPRESSED}: one group, the organisations in ``within``
    (every period when None). The viewer's own organisations are always shown to it."""
    period_type = period_type or initiative.period_type
    values = _values(initiative, indicator, BY_ORGANISATION, period_type, within=within)
    values = {k: v for k, v in values.items() if k in viewer.names}
    people = _people(initiative, indicator, BY_ORGANISATION, period_type, values, within=within)
    shown = disclose(values, people, viewer, own_keys=viewer.own & set(values))
    return _as_components(
        initiative, indicator, viewer, shown, BY_ORGANISATION, period_type, within=within
    )


def community(initiative, indicator, viewer: Viewer, by, period_type=None, within=None) -> dict:
    """Community figures (every organisation together) by period, a dimension or an area."""
    period_type = period_type or initiative.period_type
    values = _values(initiative, indicator, by, period_type, within=within)
    return community_values(initiative, indicator, viewer, values, by, period_type, within=within)


def community_values(
    initiative, indicator, viewer: Viewer, values: dict, by=BY_PERIOD, period_type=None, **kw
) -> dict:
    """Community figures already read (e.g. a headline's series) as the viewer may see them.

    Besides the small-number rule, a member's community figure is suppressed when the other
    organisations in it are based on fewer people than the threshold: the member could take
    its own figure away from the total and find theirs (docs/reference/disclosure.md)."""
    if viewer.sees_all:
        return dict(values)
    period_type = period_type or initiative.period_type
    people = _people(initiative, indicator, by, period_type, values, **kw)
    shown = disclose(values, people, viewer, total_shown=by != BY_PERIOD)
    shown = _as_components(initiative, indicator, viewer, shown, by, period_type, **kw)
    if people is None or not viewer.own:
        return shown
    for key in _residual_small(initiative, indicator, viewer, by, period_type, people, **kw):
        if shown.get(key) is not None:
            shown[key] = SUPPRESSED
    return shown


def _as_components(initiative, indicator, viewer, shown: dict, by, period_type, **kw) -> dict:
    """A composite's figure is hidden wherever one of its components' figures is hidden from
    the viewer: its scores are worked out from the components' figures (a goalpost score is a
    component's figure scaled), so the composite would give a hidden one away."""
    if indicator.kind != Indicator.COMPOSITE or viewer.sees_all:
        return shown
    if kw.get("organisation_ids"):
        return shown  # a slice of some organisations: disclosed by its caller
    within = kw.get("within")
    for component in initiative.indicators.filter(code__in=component_codes(indicator)):
        hidden = cells(initiative, component, viewer, by, period_type, within)
        for key, value in hidden.items():
            if value is SUPPRESSED and shown.get(key) is not None:
                shown[key] = SUPPRESSED
    return shown


def _residual_small(initiative, indicator, viewer, by, period_type, people, **kw) -> set:
    """Keys whose community people minus the viewer's own organisations' people is above 0
    and below the threshold: what subtracting its own figure would reveal."""
    ids = [
        org_id
        for org_id, code in initiative.participations.values_list(
            "organisation_id", "organisation__code"
        )
        if code in viewer.own
    ]
    own_values = _values(initiative, indicator, by, period_type, organisation_ids=ids, **kw)
    own_people = _people(
        initiative, indicator, by, period_type, own_values, organisation_ids=ids, **kw
    )
    if own_people is None:
        return set()
    out = set()
    for key, total in people.items():
        rest = (total or 0) - (own_people.get(key) or 0)
        if 0 < rest < viewer.threshold:
            out.add(key)
    return out


def cells(initiative, indicator, viewer: Viewer, by, period_type=None, within=None) -> dict:
    """The figures of ``query(by=...)`` as the viewer may see them."""
    if by == BY_ORGANISATION:
        return by_organisation(initiative, indicator, viewer, period_type, within)
    return community(initiative, indicator, viewer, by, period_type, within)


def organisation_series(
    initiative, indicator, viewer: Viewer, org_code: str, period_codes, period_type=None
) -> dict:
    """{period: value or SUPPRESSED} of one organisation, each period disclosed with the other
    organisations of that period (so it is the figure every other page shows for it). Empty
    when the viewer may not see this organisation's figures under its name."""
    period_type = period_type or initiative.period_type
    if not viewer.sees_everything_of(org_code) and not viewer.named(org_code):
        return {}
    out = {}
    for code in period_codes:
        within = initiative.parse_period(code)
        found = by_organisation(initiative, indicator, viewer, period_type, within)
        if org_code in found:
            out[code] = found[org_code]
    return out


def rows(initiative, indicator, viewer: Viewer, by, period_type=None, within=None) -> list[dict]:
    """``query()``'s rows as the viewer may see them, for the API and the command line:
    ``{"key", "value", "suppressed", "provisional"}``. An organisation shown under a pseudonym
    has the pseudonym as its key (its code would name it), and the rows are sorted by key, so
    their order says nothing about who is who. ``provisional``: by period, the period is still
    being reported (``measures.provisional``); otherwise false."""
    shown = cells(initiative, indicator, viewer, by, period_type, within)
    late: set = set()
    if by == BY_PERIOD:
        late = provisional_periods(initiative, indicator, list(shown), period_type)
    out = []
    for key, value in shown.items():
        flag = key in late
        if by == BY_ORGANISATION and not viewer.named(key):
            key = viewer.label(key)
        hidden = value is SUPPRESSED
        out.append(
            {
                "key": key,
                "value": None if hidden else value,
                "suppressed": hidden,
                "provisional": flag,
            }
        )
    if by == BY_ORGANISATION:
        out.sort(key=lambda r: str(r["key"]))
    return out


__all__ = [
    "by_organisation",
    "cells",
    "community",
    "community_values",
    "organisation_series",
    "rows",
]
