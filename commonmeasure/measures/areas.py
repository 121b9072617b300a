"""Values up an initiative's area hierarchy (e.g. ward -> borough -> region).

The rules, with worked examples, are in docs/reference/areas.md. In short:

- Each organisation's value for the range is the same query by ``organisation``: its
  values combined over time by the indicator's time rule (approved data only, unless the
  caller asks for other statuses).
- An indicator summed across organisations (``aggregation: sum``) is added up the tree. In an
  area, the values of the organisations placed in it are combined by the indicator's
  ``deduplication``: ``sum`` (no overlap), ``max`` (full overlap: the largest provider's count)
  or ``adjusted`` (the sum plus the overlap adjustments declared for that area and the periods
  in range, usually negative). An area's value is that, plus the sum of its children's values.
- Any other indicator (mean, weighted mean, min, max) is combined by its own cross-organisation
  rule over every organisation in the area's subtree, each counted once.
- An area with no organisation value in its subtree has no value (and is left out of
  ``area_query``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from commonmeasure.domain import aggregation, periods
from commonmeasure.initiatives.models import Area, Indicator, Initiative, OverlapAdjustment
from commonmeasure.measures.query_spec import (
    BY_AREA,
    BY_ORGANISATION,
    Answer,
    QueryError,
    QuerySpec,
)
from commonmeasure.reporting.models import Submission
from commonmeasure.rollups import reads

from .common import clean, rows


def level_of(by: str) -> str | None:
    """``area`` -> None (every level); ``area:ward`` -> ``ward``."""
    return by.split(":", 1)[1].strip() if ":" in by else None


def _structure(initiative: Initiative):
    areas = list(Area.objects.filter(initiative=initiative).order_by("sort_order", "code"))
    children: dict[int | None, list[Area]] = defaultdict(list)
    for a in areas:
        children[a.parent_id].append(a)
    placed: dict[int, list[str]] = defaultdict(list)  # area id -> organisation codes
    for org_code, area_id in (
        initiative.participations.filter(area__isnull=False)
        .order_by("organisation__code")
        .values_list("organisation__code", "area_id")
    ):
        placed[area_id].append(org_code)
    return areas, children, placed


def _declared(initiative, indicator) -> list[tuple[int, periods.Period | None, float]]:
    """Every overlap adjustment of the indicator: (area id, its reporting period, value)."""
    out = []
    for area_id, code, value in OverlapAdjustment.objects.filter(
        initiative=initiative, indicator=indicator
    ).values_list("area_id", "period", "value"):
        try:
            p = initiative.parse_period(code)  # a reporting period (checked on load)
        except periods.PeriodError:
            p = None
        out.append((area_id, p, value))
    return out


def _in_range(declared, within) -> dict[int, float]:
    """Declared overlap adjustments per area, for the periods inside ``within`` (all if None)."""
    out: dict[int, list[float]] = defaultdict(list)
    for area_id, p, value in declared:
        if within is not None and (p is None or not within.contains(p)):
            continue
        out[area_id].append(value)
    return {area_id: math.fsum(vs) for area_id, vs in out.items()}


def _adjustments(initiative, indicator, within) -> dict[int, float]:
    return _in_range(_declared(initiative, indicator), within)


def deduplicates(indicator: Indicator) -> bool:
    """Whether the indicator's providers in one area overlap (``deduplication`` max or adjusted),
    so that its initiative-level figure is worked out through the areas (community_totals)."""
    return (
        indicator.kind == Indicator.REPORTED
        and indicator.aggregation == aggregation.SUM
        and indicator.deduplication != Indicator.DEDUP_SUM
    )


def _visible(initiative, organisation_ids) -> set[str] | None:
    if organisation_ids is None:
        return None
    return set(
        initiative.participations.filter(organisation_id__in=organisation_ids).values_list(
            "organisation__code", flat=True
        )
    )


def _combine(indicator, structure, org_values, weights, adjust, visible) -> dict[str, float | None]:
    """{area code: value} from the organisations' values, by the rules of the module docstring."""
    _areas, children, placed = structure
    summed = indicator.aggregation == aggregation.SUM
    out: dict[str, float | None] = {}

    def walk(area: Area) -> list[str]:
        """Fill ``out`` for the subtree; return the organisation codes with a value in it."""
        own = [c for c in placed.get(area.id, []) if org_values.get(c) is not None]
        below: list[str] = []
        child_values = []
        for child in children.get(area.id, []):
            below += walk(child)
            if child.code in out and out[child.code] is not None:
                child_values.append(out[child.code])
        if not own and not below:
            return []
        if summed:
            values = [float(org_values[c]) for c in own]
            if not values:
                value = math.fsum(child_values)
            elif indicator.deduplication == Indicator.DEDUP_MAX:
                value = max(values) + math.fsum(child_values)
            else:
                value = math.fsum(values) + math.fsum(child_values)
            if area.id in adjust and (visible is None or set(placed.get(area.id, [])) <= visible):
                value += adjust[area.id]
        else:
            codes = own + below
            values = [float(org_values[c]) for c in codes]
            ws = [weights.get(c) for c in codes] if weights else None
            try:
                value = aggregation.combine_across(values, indicator.aggregation, ws)
            except aggregation.AggregationError:
                value = None
        out[area.code] = value
        return own + below

    for root in children.get(None, []):
        walk(root)
    return out


def area_values(
    spec: QuerySpec, answer: Answer
) -> tuple[dict[str, float | None], dict[str, float | None], list[Area]]:
    """({area code: value}, {organisation code: value}, areas) for a reported indicator.

    Areas with no organisation value in their subtree are absent from the first mapping.
    """
    initiative, indicator = spec.initiative, spec.indicator
    within, organisation_ids = spec.within, spec.organisation_ids
    by_organisation = spec.replace(by=BY_ORGANISATION)
    org_values = {r["key"]: r["value"] for r in answer(by_organisation)}
    weights: dict[str, float | None] = {}
    if indicator.aggregation == aggregation.WEIGHTED_MEAN and indicator.weight_indicator_id:
        weights = {
            r["key"]: r["value"]
            for r in answer(by_organisation.replace(indicator=indicator.weight_indicator))
        }
    structure = _structure(initiative)
    adjust = (
        _adjustments(initiative, indicator, within)
        if indicator.aggregation == aggregation.SUM
        and indicator.deduplication == Indicator.DEDUP_ADJUSTED
        else {}
    )
    visible = _visible(initiative, organisation_ids)
    out = _combine(indicator, structure, org_values, weights, adjust, visible)
    return out, org_values, structure[0]


@dataclass
class CommunityTotal:
    """How the initiative-level figure of a de-duplicated indicator is made, for one range."""

    total: float | None  # areas + unplaced: the figure query(by="period") gives
    reported: float  # the organisations' values simply added up
    areas: float | None  # the top areas' values added up (de-duplicated)
    unplaced: list[str]  # organisations with a value that are placed in no area (codes)
    unplaced_value: float  # their values added up

    @property
    def deduplication(self) -> float:
        """What de-duplication changed: total - reported (negative when overlap was removed)."""
        return (self.total or 0.0) - self.reported


def community_total(spec: QuerySpec, answer: Answer, _cache: dict | None = None) -> CommunityTotal:
    """The initiative-level figure of a de-duplicated indicator over ``within`` (the whole range
    if None): the top areas' values (each area de-duplicated as declared) plus the values of the
    organisations placed in no area, which cannot be de-duplicated. When every organisation with
    a value is placed, it is exactly the top areas' total (docs/reference/areas.md)."""
    initiative, indicator, within = spec.initiative, spec.indicator, spec.within
    cache = _cache if _cache is not None else {}
    if "structure" not in cache:
        cache["structure"] = _structure(initiative)
        cache["declared"] = (
            _declared(initiative, indicator)
            if indicator.deduplication == Indicator.DEDUP_ADJUSTED
            else []
        )
        cache["visible"] = _visible(initiative, spec.organisation_ids)
        cache["placed"] = {c for codes in cache["structure"][2].values() for c in codes}
    structure, placed = cache["structure"], cache["placed"]
    known = cache.get("known")
    if known is not None and within is not None and within.code in known:
        org_values = known[within.code]
    else:
        org_values = _organisation_values(spec, answer)
    adjust = _in_range(cache["declared"], within)
    by_area = _combine(indicator, structure, org_values, {}, adjust, cache["visible"])
    roots = [by_area.get(r.code) for r in structure[1].get(None, [])]
    roots = [v for v in roots if v is not None]
    unplaced = sorted(c for c in org_values if c not in placed)
    unplaced_value = math.fsum(float(org_values[c]) for c in unplaced)
    areas_total = math.fsum(roots) if roots else None
    reported = math.fsum(float(v) for v in org_values.values())
    if areas_total is None and not unplaced:
        total = None
    else:
        total = (areas_total or 0.0) + unplaced_value
    return CommunityTotal(total, reported, areas_total, unplaced, unplaced_value)


def _organisation_values(spec: QuerySpec, answer: Answer) -> dict[str, float]:
    return {
        r["key"]: r["value"]
        for r in answer(spec.replace(by=BY_ORGANISATION))
        if r["value"] is not None
    }


def community_totals(spec: QuerySpec, plain: dict, answer: Answer) -> dict:
    """{period: initiative-level figure} of a de-duplicated indicator, for the periods of the
    plain by-period sums ``plain`` (what query(by="period") gives without de-duplication). Without
    areas the plain sums stand."""
    initiative, indicator, period_type = spec.initiative, spec.indicator, spec.period_type
    within, statuses, organisation_ids = spec.within, spec.statuses, spec.organisation_ids
    if not Area.objects.filter(initiative=initiative).exists():
        return plain
    cache: dict = {}
    if statuses == (Submission.APPROVED,):  # every period's organisation totals in one read
        found = reads.organisation_totals(
            initiative, indicator, period_type, [str(k) for k in plain], organisation_ids
        )
        if found is not None:
            codes = dict(initiative.organisations.values_list("id", "code"))
            cache["known"] = {
                p: {codes.get(o, str(o)): v for o, v in values.items()}
                for p, values in found.items()
            }
            cache["known"].update({str(k): {} for k in plain if str(k) not in found})
    out = {}
    for key, value in plain.items():
        if value is None:
            out[key] = None
            continue
        bucket = periods.parse(str(key), period_type, initiative.fy_first_month)
        whole = within is None or within.contains(bucket)
        if not whole:  # the part of the period inside the range asked for (not in the rollups)
            start, end = max(bucket.start, within.start), min(bucket.end, within.end)
            bucket = periods.Period(start, end, bucket.type, f"{bucket.code} (part)")
        found = community_total(
            spec.replace(by=BY_ORGANISATION, within=bucket, from_rollups=whole), answer, cache
        )
        out[key] = found.total
    return out


def area_query(spec: QuerySpec, answer: Answer) -> list[dict]:
    """query() by ``area`` (every area) or ``area:<level>``: [{"key": area code, "value"}]."""
    initiative = spec.initiative
    level = level_of(spec.by)
    if level is not None:
        levels = sorted(
            set(Area.objects.filter(initiative=initiative).values_list("level", flat=True))
        )
        if level not in levels:
            known = ", ".join(f"area:{lv}" for lv in levels if lv) or _("none: define areas first")
            raise QueryError(
                _("no areas of level %(level)s in %(initiative)s; use area or %(known)s")
                % {"level": repr(level), "initiative": initiative.code, "known": known}
            )
    values, _parents, areas = area_values(spec, answer)
    wanted = {a.code for a in areas if level is None or a.level == level}
    return rows({code: v for code, v in values.items() if code in wanted})


def area_tree(spec: QuerySpec, answer: Answer) -> list[dict]:
    """The area hierarchy with values, for pages: a list of root nodes, each
    ``{"code", "name", "level", "value", "organisations": [{"code", "name", "value"}],
    "adjustment", "children": [...]}``. Works for every kind of indicator (values come from
    the query's answer, so formula and composite indicators are computed per area)."""
    initiative, indicator, within = spec.initiative, spec.indicator, spec.within
    area_vals = {r["key"]: r["value"] for r in answer(spec.replace(by=BY_AREA))}
    org_vals = {r["key"]: r["value"] for r in answer(spec.replace(by=BY_ORGANISATION))}
    areas, children, _levels = _structure(initiative)
    names = dict(initiative.participations.values_list("organisation__code", "organisation__name"))
    placed: dict[int, list[str]] = defaultdict(list)
    for org_code, area_id in initiative.participations.filter(area__isnull=False).values_list(
        "organisation__code", "area_id"
    ):
        placed[area_id].append(org_code)
    adjust = (
        _adjustments(initiative, indicator, within)
        if indicator.kind == Indicator.REPORTED
        and indicator.aggregation == aggregation.SUM
        and indicator.deduplication == Indicator.DEDUP_ADJUSTED
        else {}
    )

    def node(area: Area) -> dict:
        return {
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "value": area_vals.get(area.code),
            "organisations": [
                {"code": c, "name": names.get(c, c), "value": org_vals.get(c)}
                for c in sorted(placed.get(area.id, []))
            ],
            "adjustment": clean(adjust[area.id]) if area.id in adjust else None,
            "children": [node(child) for child in children.get(area.id, [])],
        }

    return [node(root) for root in children.get(None, [])]
