"""The indicator dictionary's set-up: create, edit, reorder, retire and delete indicators.

Every change is an edit of the definition mapping applied with ``services.apply`` (so the
definition file's own checks and messages apply, and ``initiative dump`` afterwards equals the
same edit by hand). Besides the edits, this module holds what the pages show before a save:
the formula check (the definition file's checks for one formula, and the denominators that may
be 0), the composite preview (the composite computation of ``measures/derived.py`` on the
latest period) and which figures a change of aggregation rules changes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonmeasure.domain import expressions, periods
from commonmeasure.initiatives.models import Indicator, Initiative
from commonmeasure.interchange.definition import DefinitionError, validate_definition
from commonmeasure.interchange.definition_checks import formula_warnings
from commonmeasure.measures import selectors
from commonmeasure.measures.derived import component_codes
from commonmeasure.reporting.models import Submission
from commonmeasure.rollups import receivers
from commonmeasure.rollups.tasks import rebuild_in_background

from . import services
from .services import Outcome, definition_of, part_of, version_of

# The fields whose change changes figures already shown: the rollups are rebuilt after them.
RULE_FIELDS = (
    "kind",
    "aggregation",
    "time_aggregation",
    "weight_indicator",
    "deduplication",
    "formula",
    "composite",
)
# A code for an indicator being created, before it has one (the formula check needs a code).
NEW_CODE = "new-indicator"


def path(code: str) -> str:
    return f"indicators/{code}"


def rows(initiative: Initiative) -> list[dict]:
    """The list page's rows, in the definition's order, each with its version."""
    definition = definition_of(initiative)
    out = []
    for item in definition.get("indicators") or []:
        out.append({**item, "version": version_of(definition, path(item["code"]))})
    return out


def current(initiative: Initiative, code: str) -> tuple[dict | None, str]:
    """One indicator's mapping (None when there is none) and its version."""
    definition = definition_of(initiative)
    return part_of(definition, path(code)), version_of(definition, path(code))


def _index(definition: dict, code: str) -> int:
    for n, item in enumerate(definition.get("indicators") or []):
        if item.get("code") == code:
            return n
    return -1


# -- the edits ---------------------------------------------------------------------------------


def _replace(code: str | None, mapping: dict):
    """An edit putting ``mapping`` in the place of indicator ``code`` (None: at the end)."""

    def edit(definition: dict) -> None:
        items = definition.setdefault("indicators", [])
        n = _index(definition, code) if code else -1
        if n < 0:
            items.append(mapping)
        else:
            items[n] = mapping

    return edit


@dataclass
class Saved:
    outcome: Outcome
    rebuild_task: str | None = None  # the queued rollups rebuild, when the rules changed
    rules_changed: list[str] = field(default_factory=list)


def rules_changed(before: dict | None, after: dict) -> list[str]:
    """The aggregation-rule fields (``RULE_FIELDS``) a change of an indicator changes."""
    if before is None:
        return []
    return [f for f in RULE_FIELDS if (before.get(f) or None) != (after.get(f) or None)]


def save(
    initiative: Initiative,
    code: str | None,
    mapping: dict,
    *,
    by,
    version: str | None = None,
    dry_run: bool = False,
    archive_values: bool = False,
) -> Saved:
    """Create (``code`` None) or change an indicator to ``mapping`` (its definition-file
    fields). A change of aggregation rules queues the rollups' rebuild as a background task
    instead of rebuilding inside the request. Raises what ``services.apply`` raises."""
    before, _version = current(initiative, code) if code else (None, "")
    name = mapping.get("name") or mapping.get("code")
    what = (
        _("created the indicator %(name)s") % {"name": name}
        if code is None
        else _("changed the indicator %(name)s") % {"name": name}
    )
    # An edit always carries the version the page showed; none at all is as good as stale.
    versions = {path(code): version or ""} if code else {}
    if code is None:
        versions[path(mapping["code"])] = version_of({}, path(mapping["code"]))  # none yet
    # Fields the page does not hold (e.g. ``translations``) are kept as they are.
    mapping = {**(before or {}), **mapping}
    changed = rules_changed(before, mapping)
    with receivers.deferred():
        outcome = services.apply(
            initiative,
            _replace(code, mapping),
            by=by,
            what=what,
            versions=versions,
            dry_run=dry_run,
            archive_values=archive_values,
        )
    task = None
    if not dry_run and outcome.changed:
        task = rebuild_in_background(outcome.initiative)
    return Saved(outcome, task, changed)


def move(initiative: Initiative, code: str, step: int, *, by, version: str) -> Outcome:
    """Move an indicator one place up (``step`` -1) or down (+1) in the list."""

    def edit(definition: dict) -> None:
        items = definition["indicators"]
        n = _index(definition, code)
        m = n + step
        if n < 0 or not 0 <= m < len(items):
            return
        items[n], items[m] = items[m], items[n]

    ind = Indicator.objects.get(initiative=initiative, code=code)
    return services.apply(
        initiative,
        edit,
        by=by,
        what=_("moved the indicator %(name)s") % {"name": ind.name},
        versions={path(code): version},
    )


def retire(initiative: Initiative, code: str, retired: bool, *, by, version: str) -> Outcome:
    """Retire an indicator (``retired``) or bring it back."""
    ind = Indicator.objects.get(initiative=initiative, code=code)

    def edit(definition: dict) -> None:
        definition["indicators"][_index(definition, code)]["retired"] = retired

    what = (
        _("retired the indicator %(name)s") if retired else _("brought back the indicator %(name)s")
    ) % {"name": ind.name}
    return services.apply(initiative, edit, by=by, what=what, versions={path(code): version})


def delete(
    initiative: Initiative, code: str, *, by, version: str, dry_run: bool = False
) -> Outcome:
    """Delete an indicator no values use (``services.Refused``, with counts, otherwise), and
    what named it: targets and overlap adjustments for it."""
    ind = Indicator.objects.get(initiative=initiative, code=code)

    def edit(definition: dict) -> None:
        definition["indicators"] = [i for i in definition["indicators"] if i["code"] != code]
        for key in ("targets", "overlap_adjustments"):
            definition[key] = [t for t in definition.get(key) or [] if t.get("indicator") != code]

    return services.apply(
        initiative,
        edit,
        by=by,
        what=_("deleted the indicator %(name)s") % {"name": ind.name},
        versions={path(code): version},
        dry_run=dry_run,
    )


def removed_with(initiative: Initiative, code: str) -> list[str]:
    """What deleting an indicator removes besides it, in words: its targets and overlap
    adjustments."""
    definition = definition_of(initiative)
    out = []
    targets = [t for t in definition.get("targets") or [] if t.get("indicator") == code]
    if targets:
        out.append(ngettext("%(n)s target", "%(n)s targets", len(targets)) % {"n": len(targets)})
    adjustments = [
        a for a in definition.get("overlap_adjustments") or [] if a.get("indicator") == code
    ]
    if adjustments:
        out.append(
            ngettext("%(n)s overlap adjustment", "%(n)s overlap adjustments", len(adjustments))
            % {"n": len(adjustments)}
        )
    return out


def users_of(initiative: Initiative, code: str) -> list[str]:
    """The names of the indicators computed from, or weighted by, this one."""
    found = []
    for ind in initiative.indicators.select_related("weight_indicator"):
        if code in component_codes(ind) or (
            ind.weight_indicator is not None and ind.weight_indicator.code == code
        ):
            found.append(ind.name)
    return found


# -- the formula check -------------------------------------------------------------------------


@dataclass
class FormulaCheck:
    problems: list[str]
    warnings: list[str]
    uses: list[str]  # the names of the indicators the formula uses

    @property
    def ok(self) -> bool:
        return not self.problems


def check_formula(initiative: Initiative, code: str | None, formula: str) -> FormulaCheck:
    """The definition file's checks of one formula, as if indicator ``code`` (None: a new
    indicator) had it: unknown codes, an indicator computed from itself in a circle, no
    indicator used; and, as warnings, each denominator that may be 0."""
    formula = (formula or "").strip()
    if not formula:
        return FormulaCheck([_("Write the formula, e.g. employed / enrolled * 100.")], [], [])
    definition = definition_of(initiative)
    code = code or NEW_CODE
    mine = copy.deepcopy(part_of(definition, path(code))) or {"code": code, "name": code}
    mine.update(kind="formula", formula=formula, composite=None, dimensions=[], survey_fed=False)
    mine.update(aggregation="sum", deduplication="sum", weight_indicator=None)
    _replace(code if part_of(definition, path(code)) else None, mine)(definition)
    n = _index(definition, code)
    try:
        defn = validate_definition(definition, _("the formula"))
    except DefinitionError as refused:
        ours = [p for p in refused.problems if _about(p, n, code)]
        return FormulaCheck([_strip(p, n, code) for p in ours or refused.problems], [], [])
    names = {i.code: i.name for i in defn.indicators}
    uses = [names[c] for c in _names(formula)]
    return FormulaCheck([], formula_warnings(defn, code), uses)


def _names(formula: str) -> list[str]:
    return list(expressions.names(formula))


def _about(problem: str, n: int, code: str) -> bool:
    return problem.startswith((f"indicators.{n}", "indicators:")) or f"({code})" in problem


def _strip(problem: str, n: int, code: str) -> str:
    """The message without its location in the file ("indicators.3 (rate): formula ...")."""
    where, message = services.place_and_message(problem)
    if where in (f"indicators.{n} ({code})", f"indicators.{n}.formula", "indicators"):
        return message
    return problem


# -- the composite preview ----------------------------------------------------------------------


@dataclass
class PreviewRow:
    key: str
    label: str
    value: float | None
    reason: str | None
    components: list[dict]  # {"code", "name", "raw", "normalised", "weight", "contribution"}


@dataclass
class CompositePreview:
    period: str | None
    rows: list[PreviewRow]
    problem: str | None = None
    indicator: Indicator | None = None  # the composite as declared (not saved)


def latest_period(initiative: Initiative, codes: list[str]) -> str | None:
    """The latest reporting period with approved values of any of these indicators."""
    return (
        Submission.objects.filter(
            initiative=initiative,
            status=Submission.APPROVED,
            values__indicator__code__in=codes,
        )
        .order_by("-period_start")
        .values_list("period", flat=True)
        .first()
    )


def composite_preview(
    initiative: Initiative, code: str | None, spec: dict, decimals: int = 2
) -> CompositePreview:
    """The composite ``spec`` computed for each organisation in the latest period with
    approved values, with each component's raw figure, normalised score, weight and
    contribution: the computation of ``measures/derived.py`` (``selectors.derived_detail``)
    on an indicator not yet saved."""
    codes = [c.get("indicator") for c in spec.get("components") or [] if c.get("indicator")]
    if not codes:
        return CompositePreview(None, [], _("Add at least one component."))
    period = latest_period(initiative, codes)
    if period is None:
        return CompositePreview(None, [], _("No approved values of the components yet."))
    draft = Indicator(
        initiative=initiative,
        code=code or NEW_CODE,
        name=code or NEW_CODE,
        kind=Indicator.COMPOSITE,
        composite=spec,
        decimals=decimals,
        value_type=Indicator.SCORE,
    )
    within = periods.parse(period, initiative.period_type, initiative.fy_first_month)
    try:
        detail = selectors.derived_detail(
            initiative, draft, selectors.BY_ORGANISATION, initiative.period_type, within=within
        )
    except selectors.QueryError as problem:
        return CompositePreview(period, [], str(problem))
    known = {i.code: i for i in initiative.indicators.filter(code__in=codes)}
    labels = dict(initiative.participations.values_list("organisation__code", "organisation__name"))
    out = []
    for row in detail:
        parts = []
        for c in codes:
            parts.append(
                {
                    "code": c,
                    "name": known[c].name if c in known else c,
                    "indicator": known.get(c),
                    "raw": row["components"].get(c),
                    "normalised": (row.get("normalised") or {}).get(c),
                    "weight": (row.get("weights") or {}).get(c),
                    "contribution": (row.get("contributions") or {}).get(c),
                }
            )
        key = str(row["key"])
        out.append(PreviewRow(key, labels.get(key, key), row["value"], row["reason"], parts))
    return CompositePreview(period, out, indicator=draft)


# -- what a change of rules changes ------------------------------------------------------------


def affected(initiative: Initiative, code: str) -> list[str]:
    """The names of the indicators whose figures follow this one's: it, and the formula and
    composite indicators computed from it (at any depth)."""
    indicators = list(initiative.indicators.all())
    by_code = {i.code: i for i in indicators}
    seen = [code]
    for c in seen:
        for ind in indicators:
            if ind.code not in seen and c in component_codes(ind):
                seen.append(ind.code)
    return [by_code[c].name if c in by_code else c for c in seen]


def approved_reports(initiative: Initiative, code: str) -> int:
    return (
        Submission.objects.filter(
            initiative=initiative, status=Submission.APPROVED, values__indicator__code=code
        )
        .distinct()
        .count()
    )
