"""How a figure was worked out: the rule, the parts it combines, what is missing, the target.

``explain()`` answers for one figure of ``measures.selectors.query`` (one key of a query by
period, organisation, a dimension or an area) what the indicator page, the API
(``GET /api/v1/initiatives/{code}/explain``) and the command line (``commonmeasure query
--explain``) show (docs/reference/explain.md):

- the rule applied: the indicator's time rule, its cross-organisation rule (and weight), its
  de-duplication, its formula or composite;
- the parts the figure combines, each as the disclosure module lets the viewer see it
  (``commonmeasure.disclosure``): by period, a dimension or an area, each organisation's own
  value (named, or under its pseudonym, or suppressed); by organisation, the organisation's
  value in each reporting period; for a formula or composite, each component's figure;
- the reporting periods covered and the reports still missing in them (organisations
  expected to report, ``reporting.quality.expected_participations``, with no approved report);
- the de-duplication through areas (what adding up gave, what the areas changed, the overlap
  adjustments declared), shown only when no part is suppressed: with a part hidden, the
  change would give it away;
- the target for that period and scope, and the figure itself.

Every value comes from the functions the pages already use (``query``, ``disclosure.cells``,
``measures.areas``, ``measures.derived``), so the parts combined by the stated rule give the
figure: tests/insights/test_explain.py checks it over random data.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from commonmeasure.disclosure import SUPPRESSED, Viewer, disclose, operator_viewer
from commonmeasure.disclosure import cells as disclosed
from commonmeasure.disclosure.people import people_indicator
from commonmeasure.domain import aggregation, composites, periods
from commonmeasure.initiatives.access import public_indicators
from commonmeasure.initiatives.models import Area, Indicator, Initiative, OverlapAdjustment
from commonmeasure.interchange.composite_spec import composite_from_spec
from commonmeasure.measures.areas import deduplicates
from commonmeasure.measures.common import clean
from commonmeasure.measures.selectors import (
    BY_AREA,
    BY_ORGANISATION,
    BY_PERIOD,
    QueryError,
    community_total,
    derived_detail,
    fetch_rows,
    query,
)
from commonmeasure.measures.targets import progress
from commonmeasure.reporting.models import Submission
from commonmeasure.reporting.quality import expected_participations

ORGANISATIONS, PERIODS, COMPONENTS, AREAS = "organisations", "periods", "components", "areas"


class ExplainError(QueryError):
    """The figure asked for does not exist or may not be explained to this viewer."""


@dataclass
class Part:
    """One value the figure combines: an organisation's, or a reporting period's."""

    key: str  # organisation code (its pseudonym when anonymised to the viewer) or period code
    label: str  # the organisation's name or pseudonym; the period code
    value: float | int | None  # None when suppressed
    suppressed: bool = False
    weight: float | int | None = None  # a weighted mean's weight, when the viewer may see it
    # By area: the area the organisation is placed in (its providers overlap there), unless the
    # organisation is anonymised to the viewer (a placement could tell who it is).
    area: str | None = None


@dataclass
class Component:
    indicator: str
    name: str
    value: float | int | None  # the component's raw figure for the same key
    suppressed: bool = False
    # A composite's component (docs/reference/composite-indicators.md): how its raw figure is
    # normalised, the normalised score, the weight used (the weights used sum to 1) and its
    # contribution (w·y, or the factor y^w of a geometric composite). None when withheld.
    normalisation: str | None = None
    direction: str | None = None
    normalised: float | int | None = None
    weight: float | int | None = None
    contribution: float | int | None = None


@dataclass
class Missing:
    period: str
    organisation: str  # name, or pseudonym when anonymised to the viewer


@dataclass
class Adjustment:
    area: str
    area_name: str
    period: str
    value: float | int


@dataclass
class Deduplication:
    rule: str  # max or adjusted
    reported: float | int | None  # the organisations' values simply added up
    change: float | int | None  # figure - reported
    unplaced: list[str] = field(default_factory=list)  # organisations in no area (labels)
    adjustments: list[Adjustment] = field(default_factory=list)


@dataclass
class Explanation:
    initiative: str
    indicator: str
    indicator_name: str
    unit: str
    decimals: int
    kind: str  # reported, formula, composite
    by: str
    key: str
    label: str  # the key in words: a period, an organisation's name or pseudonym, a category
    period_type: str
    period: str | None  # the range asked for (``within``)
    figure: float | int | None
    suppressed: bool
    provisional: bool
    time_rule: str
    across_rule: str
    weight_indicator: str | None
    deduplication_rule: str  # sum (no overlap), max, adjusted
    formula: str | None
    combines: str  # organisations, periods, components or areas
    combined_by: str  # the rule the parts are combined by: sum, mean, weighted_mean, ...
    periods: list[str]
    parts: list[Part]
    components: list[Component]
    missing: list[Missing]
    deduplication: Deduplication | None
    target: dict | None
    weight: float | int | None = None  # by organisation, weighted mean: the figure's own weight
    reason: str | None = None  # a formula's or composite's: why there is no value
    aggregation: str | None = None  # a composite's: arithmetic or geometric
    # A composite's figure worked out again from its components' normalised scores and weights
    # (Σ w·y, or Π y^w); None when a score is withheld from the viewer.
    recomputed: float | int | None = None
    # Components left out because the viewer may not see them: for the public, the indicators
    # not ticked as published (initiatives/access.py ``public_indicators``).
    withheld_components: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def explain(
    initiative: Initiative,
    indicator: Indicator,
    by: str,
    key: str,
    period_type: str | None = None,
    viewer: Viewer | None = None,
    within: periods.Period | None = None,
) -> Explanation:
    """How the figure ``key`` of ``query(initiative, indicator, by, period_type, within=...)``
    was worked out, as ``viewer`` may see it (the operator, who sees all, when None)."""
    viewer = viewer or operator_viewer(initiative)
    period_type = period_type or initiative.period_type
    shown = disclosed.rows(initiative, indicator, viewer, by, period_type, within)
    scope = _Scope(initiative, indicator, by, key, period_type, viewer, within)
    row = next((r for r in shown if str(r["key"]) == scope.row_key), None)
    out = Explanation(
        initiative=initiative.code,
        indicator=indicator.code,
        indicator_name=indicator.name,
        unit=indicator.unit,
        decimals=indicator.decimals,
        kind=indicator.kind,
        by=by,
        key=scope.row_key,
        label=scope.label,
        period_type=period_type,
        period=within.code if within else None,
        figure=row["value"] if row else None,
        suppressed=bool(row and row["suppressed"]),
        provisional=bool(row and row["provisional"]),
        time_rule=indicator.time_aggregation,
        across_rule=indicator.aggregation,
        weight_indicator=indicator.weight_indicator.code if indicator.weight_indicator_id else None,
        deduplication_rule=indicator.deduplication,
        formula=indicator.formula or None,
        combines=ORGANISATIONS,
        combined_by=indicator.aggregation,
        periods=[p.code for p in scope.reporting_periods()],
        parts=[],
        components=[],
        missing=scope.missing(),
        deduplication=None,
        target=None,
    )
    if indicator.kind != Indicator.REPORTED:
        out.combines, out.combined_by = COMPONENTS, indicator.kind
        out.components, out.reason = scope.components()
        if indicator.kind == Indicator.COMPOSITE:
            out.aggregation = (indicator.composite or {}).get("aggregation") or "arithmetic"
            out.recomputed = _recompute_composite(out)
        if viewer.public:
            _withhold_unpublished(initiative, out)
    elif by == BY_ORGANISATION:
        out.combines, out.combined_by = PERIODS, indicator.time_aggregation
        out.parts = scope.period_parts()
        out.weight = scope.own_weight()
    elif by == BY_AREA or by.startswith(BY_AREA + ":"):
        out.combines = AREAS
        out.parts = scope.area_parts()
        out.deduplication = scope.area_deduplication(out.parts, out.figure)
    else:
        out.parts = scope.organisation_parts()
        if by == BY_PERIOD:
            out.deduplication = scope.community_deduplication(out.parts, out.figure)
    out.target = scope.target(out.figure, out.suppressed)
    return out


class _Scope:
    """The range, the organisations and the key of one figure, resolved for one viewer."""

    def __init__(self, initiative, indicator, by, key, period_type, viewer, within):
        self.initiative, self.indicator, self.by = initiative, indicator, by
        self.period_type, self.viewer, self.within = period_type, viewer, within
        self.fy = initiative.fy_first_month
        self.org_code: str | None = None
        self.area: Area | None = None
        self.valued: set[str] = set()  # by area: the organisations in it with a value
        self.range = within  # the months the figure covers (None: every period)
        key = str(key)
        if by == BY_PERIOD:
            try:
                bucket = periods.parse(key, period_type, self.fy)
            except periods.PeriodError as exc:
                raise ExplainError(_("key: %(problem)s") % {"problem": exc}) from None
            self.range = _overlap(bucket, within)
            self.row_key = self.label = bucket.code
        elif by == BY_ORGANISATION:
            self.org_code = self._organisation(key)
            named = viewer.named(self.org_code)
            self.row_key = self.org_code if named else viewer.label(self.org_code)
            self.label = viewer.label(self.org_code)
        elif by == BY_AREA or by.startswith(BY_AREA + ":"):
            self.area = Area.objects.filter(initiative=initiative, code=key).first()
            if self.area is None:
                raise ExplainError(
                    _("key: no area %(key)s in %(initiative)s")
                    % {"key": repr(key), "initiative": initiative.code}
                )
            self.row_key, self.label = self.area.code, self.area.name
        else:
            dimension = indicator.dimensions.filter(code=by).first()
            category = dimension.categories.filter(code=key).first() if dimension else None
            if category is None:
                raise ExplainError(
                    _("key: no category %(key)s of %(by)s for %(indicator)s")
                    % {"key": repr(key), "by": repr(by), "indicator": indicator.code}
                )
            self.row_key, self.label = key, f"{dimension.name}: {category.name}"

    def _organisation(self, key: str) -> str:
        """The organisation the viewer means: its code if the viewer may see it by name, its
        pseudonym otherwise (a code never reaches what a pseudonym hides)."""
        viewer = self.viewer
        if key in viewer.names and viewer.named(key):
            return key
        for code in viewer.names:
            if not viewer.named(code) and viewer.label(code) == key:
                return code
        raise ExplainError(
            _("key: no organisation %(key)s in %(initiative)s")
            % {"key": repr(key), "initiative": self.initiative.code}
        )

    # -- periods and missing reports ---------------------------------------------------------

    def reporting_periods(self) -> list[periods.Period]:
        """The reporting periods the figure covers, up to the current one: those of the range,
        or, for the whole history, from the first approved report to the last."""
        initiative = self.initiative
        if self.range is not None:
            first, last = self.range.start, self.range.end - 1
        else:
            subs = Submission.objects.filter(initiative=initiative, status=Submission.APPROVED)
            if self.org_code:
                subs = subs.filter(organisation__code=self.org_code)
            starts = sorted(subs.values_list("period_start", flat=True).distinct())
            if not starts:
                return []
            first = periods.month_index(starts[0].year, starts[0].month)
            last = periods.month_index(starts[-1].year, starts[-1].month)
        today = timezone.localdate()
        last = min(last, periods.month_index(today.year, today.month))
        out: dict[str, periods.Period] = {}
        for m in range(first, last + 1):
            p = periods.containing(
                periods.month(*periods.index_to_year_month(m)), initiative.period_type, self.fy
            )
            out.setdefault(p.code, p)
        return list(out.values())

    def missing(self) -> list[Missing]:
        codes = [p.code for p in self.reporting_periods()]
        expected = expected_participations(self.initiative).values_list(
            "organisation__code", flat=True
        )
        expected = sorted(c for c in expected if self.org_code in (None, c))
        if self.area is not None:
            placed = set(_placed_in(self.initiative, self.area))
            expected = [c for c in expected if c in placed]
        done = set(
            Submission.objects.filter(
                initiative=self.initiative, status=Submission.APPROVED, period__in=codes
            ).values_list("organisation__code", "period")
        )
        label = self.viewer.label
        return [
            Missing(period, label(code))
            for period in codes
            for code in sorted(expected, key=label)
            if (code, period) not in done
        ]

    # -- parts -------------------------------------------------------------------------------

    def _org_part(self, code: str, value, weight=None) -> Part:
        viewer = self.viewer
        hidden = value is SUPPRESSED
        return Part(
            key=code if viewer.named(code) else viewer.label(code),
            label=viewer.label(code),
            value=None if hidden else value,
            suppressed=hidden,
            weight=weight if viewer.sees_everything_of(code) else None,
        )

    def _weights(self, by: str, **kw) -> dict:
        ind = self.indicator
        if ind.aggregation != aggregation.WEIGHTED_MEAN or not ind.weight_indicator_id:
            return {}
        rows = query(self.initiative, ind.weight_indicator, by, self.period_type, **kw)
        return {r["key"]: r["value"] for r in rows}

    def _sorted(self, parts: list[Part]) -> list[Part]:
        return sorted(parts, key=lambda p: str(p.key))  # order says nothing about who is who

    def organisation_parts(self) -> list[Part]:
        """By period or a dimension: each organisation's own value for the key."""
        if self.by == BY_PERIOD:
            found = disclosed.by_organisation(
                self.initiative, self.indicator, self.viewer, self.period_type, self.range
            )
            weights = self._weights(BY_ORGANISATION, within=self.range)
            parts = {c: self._org_part(c, v, weights.get(c)) for c, v in found.items()}
            self._place(parts, found)
            return self._sorted(list(parts.values()))
        values, people, weights = {}, {}, {}
        base = _people_indicator(self.indicator)
        ids = dict(
            self.initiative.participations.values_list("organisation__code", "organisation_id")
        )
        for code in self.viewer.names:
            kw = {"within": self.within, "organisation_ids": [ids[code]]}
            value = _one(
                query(self.initiative, self.indicator, self.by, self.period_type, **kw),
                self.row_key,
            )
            if value is None:
                continue
            values[code] = value
            if base is not None:
                people[code] = (
                    value
                    if base.id == self.indicator.id
                    else _one(
                        query(self.initiative, base, self.by, self.period_type, **kw), self.row_key
                    )
                )
            if self.indicator.aggregation == aggregation.WEIGHTED_MEAN:
                weights[code] = _one(self._weight_rows(**kw), self.row_key)
        shown = disclose(
            values,
            people if base is not None else None,
            self.viewer,
            own_keys=self.viewer.own & set(values),
        )
        return self._sorted([self._org_part(c, v, weights.get(c)) for c, v in shown.items()])

    def _weight_rows(self, **kw) -> list[dict]:
        ind = self.indicator
        if not ind.weight_indicator_id:
            return []
        return query(self.initiative, ind.weight_indicator, self.by, self.period_type, **kw)

    def period_parts(self) -> list[Part]:
        """By organisation: the organisation's value in each reporting period (what its
        figure combines over time), each hidden when the period's figure of that organisation
        is hidden on every other page (disclosed with the other organisations of the period)."""
        org_id = self.initiative.participations.get(
            organisation__code=self.org_code
        ).organisation_id
        rows = fetch_rows(
            self.initiative, self.indicator, organisation_ids=[org_id], within=self.within
        )
        out = []
        sees = self.viewer.sees_everything_of(self.org_code)
        for row in sorted(rows, key=lambda r: r.period.start):
            hidden = False
            if not sees:
                found = disclosed.by_organisation(
                    self.initiative, self.indicator, self.viewer, None, row.period
                )
                hidden = found.get(self.org_code) in (SUPPRESSED, None)
            value = None if hidden else _clean(row.value)
            out.append(Part(row.period.code, row.period.code, value, hidden))
        return out

    def own_weight(self):
        """By organisation, for a weighted mean: the organisation's weight over the range (its
        figure has no value without one), when the viewer may see it."""
        ind = self.indicator
        if ind.aggregation != aggregation.WEIGHTED_MEAN or not ind.weight_indicator_id:
            return None
        if not self.viewer.sees_everything_of(self.org_code):
            return None
        rows = query(
            self.initiative,
            ind.weight_indicator,
            BY_ORGANISATION,
            self.period_type,
            within=self.within,
        )
        return _one(rows, self.org_code)

    def area_parts(self) -> list[Part]:
        """By area: the value of each organisation placed in the area or an area below it."""
        placed = set(_placed_in(self.initiative, self.area))
        found = disclosed.by_organisation(
            self.initiative, self.indicator, self.viewer, self.period_type, self.within
        )
        weights = self._weights(BY_ORGANISATION, within=self.within)
        parts = {c: self._org_part(c, v, weights.get(c)) for c, v in found.items() if c in placed}
        self._place(parts, found)
        return self._sorted(list(parts.values()))

    def _place(self, parts: dict[str, Part], found: dict) -> None:
        """For an indicator de-duplicated through areas: the area each organisation is placed
        in (so that the parts can be combined area by area), unless the organisation is
        anonymised to the viewer (a placement could tell who it is); and which organisations
        have a value (the areas they are in are the ones whose adjustments apply)."""
        self.valued = {c for c in parts if found.get(c) is not None}
        if not deduplicates(self.indicator):
            return
        where = dict(
            self.initiative.participations.filter(area__isnull=False).values_list(
                "organisation__code", "area__code"
            )
        )
        for code, part in parts.items():
            if self.viewer.named(code) or self.viewer.sees_everything_of(code):
                part.area = where.get(code)

    def components(self) -> tuple[list[Component], str | None]:
        """A formula's or composite's components for the same key, each as the viewer may see
        it (an organisation's components only to the organisation and the backbone), and why
        the figure has no value (None when it has one). For a composite, each component's
        normalised score, weight and contribution too (``_composite_parts``)."""
        raw_key = self.org_code if self.by == BY_ORGANISATION else self.row_key
        detail = derived_detail(
            self.initiative, self.indicator, self.by, self.period_type, within=self.within
        )
        row = next((r for r in detail if str(r["key"]) == str(raw_key)), None)
        parts = row["components"] if row else {}
        names = {  # in the viewer's language (initiatives/content.py)
            i.code: i.name for i in self.initiative.indicators.only("code", "name", "translations")
        }
        out, any_hidden = [], {}
        for code in sorted(parts):
            value = parts[code]
            if self.by == BY_ORGANISATION:
                hidden = not self.viewer.sees_everything_of(self.org_code)
                any_hidden[code] = hidden or not self.viewer.sees_all
            else:
                ind = self.initiative.indicators.get(code=code)
                seen = disclosed.cells(
                    self.initiative, ind, self.viewer, self.by, self.period_type, self.within
                )
                hidden = seen.get(raw_key) is SUPPRESSED
                any_hidden[code] = any(v is SUPPRESSED for v in seen.values())
            out.append(Component(code, names.get(code, code), None if hidden else value, hidden))
        if self.indicator.kind == Indicator.COMPOSITE:
            _composite_parts(self.indicator, row or {}, out, any_hidden)
        return out, (row or {}).get("reason")

    # -- de-duplication and target -----------------------------------------------------------

    def community_deduplication(self, parts: list[Part], figure) -> Deduplication | None:
        if not deduplicates(self.indicator):
            return None
        if not Area.objects.filter(initiative=self.initiative).exists():
            return None
        if any(p.suppressed for p in parts):
            return None  # what the areas changed would give a hidden part away
        total = community_total(
            self.initiative, self.indicator, self.period_type, within=self.range
        )
        return Deduplication(
            rule=self.indicator.deduplication,
            reported=_clean(total.reported),
            change=_clean(total.deduplication),
            unplaced=sorted(self.viewer.label(c) for c in total.unplaced),
            adjustments=self._adjustments(None, self.valued),
        )

    def area_deduplication(self, parts: list[Part], figure) -> Deduplication | None:
        """By area: what adding up the area's organisations gave, what the de-duplication in
        the area and the areas below it changed, and the overlap adjustments it applied (those
        of the areas in the subtree with a value in their own subtree, periods in range)."""
        ind = self.indicator
        if ind.aggregation != aggregation.SUM or ind.deduplication == Indicator.DEDUP_SUM:
            return None
        if any(p.suppressed for p in parts):
            return None
        reported = math.fsum(p.value for p in parts if p.value is not None)
        change = None if figure is None else _clean(figure - reported)
        with_value = self.valued
        return Deduplication(
            ind.deduplication,
            _clean(reported),
            change,
            [],
            self._adjustments(self.area, with_value),
        )

    def _adjustments(self, area: Area | None, with_value=None) -> list[Adjustment]:
        """The overlap adjustments declared for the periods covered: the initiative's, or
        those of ``area`` and the areas below it that have an organisation with a value
        (``with_value``) in their subtree (an area without one has no value to adjust)."""
        if self.indicator.deduplication != Indicator.DEDUP_ADJUSTED:
            return []
        found = OverlapAdjustment.objects.filter(
            initiative=self.initiative, indicator=self.indicator
        ).select_related("area")
        if area is not None:
            found = found.filter(area_id__in=_subtree(self.initiative, area))
        if with_value is not None:
            found = [a for a in found if with_value & set(_placed_in(self.initiative, a.area))]
        out = []
        for adj in sorted(found, key=lambda a: (a.period, a.area.code)):
            try:
                p = self.initiative.parse_period(adj.period)
            except periods.PeriodError:
                continue
            if self.range is None or self.range.contains(p):
                out.append(Adjustment(adj.area.code, adj.area.name, adj.period, _clean(adj.value)))
        return out

    def target(self, figure, suppressed: bool) -> dict | None:
        period = (
            self.row_key if self.by == BY_PERIOD else (self.within.code if self.within else None)
        )
        if period is None or self.by not in (BY_PERIOD, BY_ORGANISATION) and self.area is None:
            return None
        scope = {}
        if self.org_code:
            scope["organisation"] = self.org_code
        if self.area is not None:
            scope["area"] = self.area
        found = progress(self.initiative, self.indicator, period, figure, **scope)
        if found is None:
            return None
        found = {"period": period, **found}
        if suppressed:  # how far from the target would give the hidden figure away
            found.update(percent=None, status=None, reason=None)
        return found


def _composite_parts(indicator, row: dict, out: list[Component], any_hidden: dict) -> None:
    """Fill in each component's normalisation, score, weight and contribution from the
    composite's row of ``derived_detail``, withholding the score of a hidden raw figure (it
    would give the figure away), and for min-max and z-score, which compare the units of the
    query with each other, the score of a component any of whose units is hidden from the
    viewer (the score would tell where the hidden one lies)."""
    try:
        declared = {
            c.code: c
            for c in composite_from_spec(indicator.code, indicator.composite or {}).components
        }
    except (composites.CompositeError, KeyError, TypeError, ValueError):
        declared = {}
    relative = (composites.MIN_MAX, composites.Z_SCORE)
    normalised = row.get("normalised") or {}
    weights = row.get("weights") or {}
    contributions = row.get("contributions") or {}
    for c in out:
        spec = declared.get(c.indicator)
        if spec is not None:
            c.normalisation, c.direction = spec.normalisation, spec.direction
        withheld = c.suppressed or (
            spec is not None and spec.normalisation in relative and any_hidden.get(c.indicator)
        )
        c.weight = weights.get(c.indicator)
        if not withheld:
            c.normalised = normalised.get(c.indicator)
            c.contribution = contributions.get(c.indicator)


def _withhold_unpublished(initiative: Initiative, e: Explanation) -> None:
    """For the public: the components that are not published indicators are left out (their
    names, codes and figures), and with them the formula and the recomputation that name or
    use them."""
    shown = set(public_indicators(initiative).values_list("code", flat=True))
    kept = [c for c in e.components if c.indicator in shown]
    e.withheld_components = len(e.components) - len(kept)
    if e.withheld_components:
        e.components, e.formula, e.recomputed, e.reason = kept, None, None, None
    if e.weight_indicator and e.weight_indicator not in shown:
        e.weight_indicator = None


def _recompute_composite(e: Explanation):
    """The composite's figure from its components' scores and weights alone (the weights used
    sum to 1): Σ w·y for an arithmetic composite, Π y^w for a geometric one."""
    used = [c for c in e.components if c.weight is not None]
    if e.figure is None or not used or any(c.normalised is None for c in used):
        return None
    if e.aggregation == "geometric":
        value = math.exp(math.fsum(c.weight * math.log(c.normalised) for c in used if c.weight > 0))
    else:
        value = math.fsum(c.weight * c.normalised for c in used)
    return _clean(value)


def _overlap(bucket: periods.Period, within: periods.Period | None) -> periods.Period:
    if within is None or within.contains(bucket):
        return bucket
    start, end = max(bucket.start, within.start), min(bucket.end, within.end)
    return periods.Period(start, max(start, end), bucket.type, f"{bucket.code} (part)")


def _subtree(initiative, area: Area) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for aid, parent in Area.objects.filter(initiative=initiative).values_list("id", "parent_id"):
        children.setdefault(parent, []).append(aid)
    out, todo = set(), [area.id]
    while todo:
        aid = todo.pop()
        out.add(aid)
        todo.extend(children.get(aid, []))
    return out


def _placed_in(initiative, area: Area) -> list[str]:
    return list(
        initiative.participations.filter(area_id__in=_subtree(initiative, area)).values_list(
            "organisation__code", flat=True
        )
    )


def _people_indicator(indicator):
    return people_indicator(indicator)


def _one(rows: list[dict], key: str):
    return next((r["value"] for r in rows if str(r["key"]) == key), None)


def _clean(value):
    return clean(value)
