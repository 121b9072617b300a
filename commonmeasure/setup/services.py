"""Change an initiative's set-up from the browser: one action, one place.

Every set-up page (indicators, formulas, composites, dimensions, organisations, areas, overlap
adjustments, targets, validation rules, a new initiative) changes the initiative the same way a
definition file does: ``apply`` writes the initiative out as its definition
(``reporting.initiative_file.dump_definition``), lets the page edit that mapping, checks the result with
the definition file's own rules and messages (``interchange.definition.validate_definition``), and
loads it with ``reporting.initiative_file.load_definition``. So ``initiative dump`` after an edit in
the browser gives the same file as the same edit made by hand, and a page can never accept what a
file would refuse.

Around that, ``apply`` adds what a shared web page needs:

- Version check. A page shows the version (``version_of``) of each part it edits (an indicator,
  the list of dimensions, ...) and sends it back; if someone saved that part since, nothing is
  written and ``Stale`` says what the part holds now.
- Removal, never silent. A part the edit removes (an indicator, a dimension or category, an
  organisation, an area) is deleted only when nothing uses it; otherwise ``Refused`` says how many
  values or reports use it, and where, so the page can offer to retire or archive instead.
- Dry run. ``dry_run=True`` does everything in a transaction that is rolled back, and returns the
  same ``Outcome``: the list of what would change.
- Audit trail and activity feed. Each change is one ``backbone.SettingsChange`` ("field: old →
  new" for every changed path) and one line in the activity feed.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonmeasure.backbone.models import SettingsChange
from commonmeasure.conversation.services import record_event
from commonmeasure.initiatives.models import (
    Area,
    Category,
    Dimension,
    Indicator,
    Initiative,
    OverlapAdjustment,
    Participation,
    Target,
)
from commonmeasure.interchange.definition import DefinitionError as DefinitionError
from commonmeasure.interchange.definition import validate_definition
from commonmeasure.reporting.archive import StaleValues
from commonmeasure.reporting.initiative_file import LoadSummary, dump_definition, load_definition
from commonmeasure.reporting.models import DataValue, Submission

# The lists of a definition whose items are told apart by their code.
KEYED_LISTS = ("dimensions", "organisations", "indicators", "rules")


# -- the parts of a definition, and their versions -------------------------------------------------


def definition_of(initiative: Initiative) -> dict:
    """The initiative as its definition mapping (what ``initiative dump`` writes)."""
    return dump_definition(initiative)


def part_of(definition: dict, path: str):
    """The part of a definition at ``path``: "indicators/job_starts", "dimensions", "targets", "".

    A list item is found by its code; a missing item is None."""
    node = definition
    for step in [s for s in path.split("/") if s]:
        if isinstance(node, dict):
            node = node.get(step)
        elif isinstance(node, list):
            node = next(
                (item for item in node if isinstance(item, dict) and item.get("code") == step), None
            )
        else:
            return None
        if node is None:
            return None
    return node


def version_of(definition_or_initiative, path: str = "") -> str:
    """A short fingerprint of one part of the definition: it changes when that part changes."""
    definition = (
        definition_of(definition_or_initiative)
        if isinstance(definition_or_initiative, Initiative)
        else definition_or_initiative
    )
    text = json.dumps(part_of(definition, path), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# -- outcomes and refusals -------------------------------------------------------------------------


@dataclass
class Outcome:
    initiative: Initiative | None
    summary: LoadSummary
    changes: dict[str, list[str]] = field(default_factory=dict)  # {"path": [old, new]}
    removed: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.changes)


class Stale(Exception):
    """Someone saved the part being edited after the page was opened: nothing was written."""

    def __init__(self, path: str, current):
        super().__init__(_("Someone else changed this since you opened the page."))
        self.path = path
        self.current = current


class Refused(Exception):
    """The change cannot be made as it is; ``problems`` says why, each with where."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def place_and_message(problem: str) -> tuple[str, str]:
    """A problem's place and message: ("indicators.2.unit", "...") of "indicators.2.unit: ...";
    ("", problem) when it names no place. A translation may put a space or a non-breaking space
    before the colon (French does): the place is the same."""
    head, sep, rest = problem.partition(": ")
    if not sep:
        return "", problem
    return head.rstrip(" \u00a0"), rest


class _DryRun(Exception):
    pass


# -- the one way a set-up page changes an initiative -----------------------------------------------


def apply(
    initiative: Initiative | None,
    edit: Callable[[dict], None],
    *,
    by,
    what: str,
    versions: dict[str, str] | None = None,
    dry_run: bool = False,
    archive_values: bool = False,
) -> Outcome:
    """Edit the initiative's definition with ``edit`` (a function changing the mapping in place)
    and load it. ``initiative=None`` starts from an empty mapping (a new initiative).

    ``what`` is the sentence for the activity feed ("changed the indicator Job starts").
    ``versions`` maps each path the page edits to the version it showed (see ``version_of``).
    Raises ``Stale``, ``Refused`` or ``DefinitionError`` (with every problem located, as for a
    file), writing nothing."""
    try:
        with transaction.atomic():
            outcome = _apply(initiative, edit, by, what, versions or {}, archive_values, dry_run)
            if dry_run:
                raise _DryRun()
    except _DryRun:
        outcome.dry_run = True
        if initiative is not None:
            initiative.refresh_from_db()
        else:
            outcome.initiative = None
    return outcome


def _apply(initiative, edit, by, what, versions, archive_values, dry_run) -> Outcome:
    if initiative is not None:
        initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
        before = definition_of(initiative)
    else:
        before = {}
    for path, expected in versions.items():
        if version_of(before, path) != expected:
            raise Stale(path, part_of(before, path))
    after = copy.deepcopy(before)
    edit(after)
    if initiative is not None and after.get("code") != initiative.code:
        raise Refused([_("code: the code of an initiative cannot be changed")])
    # Removals first: a part still in use is refused with what uses it, before the file's
    # checks would name only the first dangling reference to it.
    refusals, removals = _removals(initiative, before, after)
    if refusals:
        raise Refused(refusals)
    defn = validate_definition(after, _("the set-up"))
    try:
        loaded, summary = load_definition(defn, archive_values=archive_values)
    except StaleValues as exc:
        raise Refused([str(exc)]) from None
    removed = [remove() for remove in removals]
    changes = differences(before, definition_of(loaded))
    outcome = Outcome(loaded, summary, changes, removed)
    if changes and not dry_run:
        SettingsChange.objects.create(
            initiative=loaded,
            changed_by=by if getattr(by, "pk", None) else None,
            changes={path: [old, new] for path, (old, new) in changes.items()},
        )
        record_event(
            loaded,
            "setup",
            by,
            what,
            f"/i/{loaded.code}/setup/",
        )
    return outcome


# -- what a change removes ---------------------------------------------------------------------------


def _codes(definition: dict, key: str) -> set[str]:
    return {item["code"] for item in _items(definition.get(key))}


def _area_codes(areas: list) -> set[str]:
    found = set()
    for area in _items(areas):
        found.add(area["code"])
        found |= _area_codes(area.get("children"))
    return found


def _categories(definition: dict) -> set[tuple[str, str]]:
    # Read before the definition's own checks (see _apply): anything malformed is left to them.
    return {
        (d["code"], c["code"])
        for d in _items(definition.get("dimensions"))
        for c in _items(d.get("categories"))
    }


def _items(node) -> list[dict]:
    """The coded items of a definition list, skipping anything malformed."""
    if not isinstance(node, list):
        return []
    return [item for item in node if isinstance(item, dict) and isinstance(item.get("code"), str)]


def _span(rows) -> str:
    first, last = rows.get("first"), rows.get("last")
    if not first:
        return ""
    return first if first == last else _("%(first)s to %(last)s") % {"first": first, "last": last}


def _removals(initiative, before: dict, after: dict) -> tuple[list[str], list[Callable[[], str]]]:
    """What the edit removes: the refusals (parts still in use) and the deletions to run after
    the load (parts nothing uses)."""
    if initiative is None:
        return [], []
    problems: list[str] = []
    removals: list[Callable[[], str]] = []

    for code in sorted(_codes(before, "indicators") - _codes(after, "indicators")):
        indicator = Indicator.objects.get(initiative=initiative, code=code)
        used = DataValue.objects.filter(indicator=indicator).aggregate(
            values=Count("id"),
            reports=Count("submission", distinct=True),
            first=Min("submission__period"),
            last=Max("submission__period"),
        )
        if used["values"]:
            problems.append(
                _(
                    "indicators.%(code)s: %(name)s has %(values)s values in %(reports)s reports "
                    "(%(span)s); retire it instead, or archive its values"
                )
                % {
                    "code": code,
                    "name": indicator.name,
                    "values": used["values"],
                    "reports": used["reports"],
                    "span": _span(used),
                }
            )
        else:
            removals.append(
                _deleter(
                    Indicator.objects.filter(pk=indicator.pk),
                    _("indicator %(code)s") % {"code": code},
                )
            )

    # (categories, indicator, period, how many values): where the breakdowns are used
    used = (
        list(
            DataValue.objects.filter(initiative=initiative)
            .exclude(disaggregation__key="")
            .values_list("disaggregation__categories", "indicator__name", "submission__period")
            .annotate(n=Count("id"))
        )
        if _categories(before) - _categories(after)
        else []
    )
    used_keys = [(cats, n) for cats, _name, _period, n in used]
    gone_dimensions = _codes(before, "dimensions") - _codes(after, "dimensions")
    for dim_code, cat_code in sorted(_categories(before) - _categories(after)):
        rows = [row for row in used if (row[0] or {}).get(dim_code) == cat_code]
        n = sum(row[3] for row in rows)
        if n:
            found = sorted(row[2] for row in rows)
            problems.append(
                _(
                    "dimensions.%(dimension)s.%(category)s: %(values)s values use this category "
                    "(%(indicators)s; %(span)s)"
                )
                % {
                    "dimension": dim_code,
                    "category": cat_code,
                    "values": n,
                    "indicators": ", ".join(sorted({row[1] for row in rows})),
                    "span": _span({"first": found[0], "last": found[-1]}),
                }
            )
        elif dim_code not in gone_dimensions:
            removals.append(
                _deleter(
                    Category.objects.filter(
                        dimension__initiative=initiative, dimension__code=dim_code, code=cat_code
                    ),
                    _("category %(code)s") % {"code": f"{dim_code}.{cat_code}"},
                )
            )
    for dim_code in sorted(gone_dimensions):
        n = sum(count for cats, count in used_keys if dim_code in (cats or {}))
        if not n:
            removals.append(
                _deleter(
                    Dimension.objects.filter(initiative=initiative, code=dim_code),
                    _("dimension %(code)s") % {"code": dim_code},
                )
            )

    for org_code in sorted(_codes(before, "organisations") - _codes(after, "organisations")):
        participation = Participation.objects.select_related("organisation").get(
            initiative=initiative, organisation__code=org_code
        )
        reports = Submission.objects.filter(
            initiative=initiative, organisation=participation.organisation
        ).aggregate(reports=Count("id"), first=Min("period"), last=Max("period"))
        if reports["reports"]:
            problems.append(
                _(
                    "organisations.%(code)s: %(name)s has %(reports)s reports (%(span)s); "
                    "it cannot leave the initiative"
                )
                % {
                    "code": org_code,
                    "name": participation.organisation.name,
                    "reports": reports["reports"],
                    "span": _span(reports),
                }
            )
        else:
            removals.append(
                _deleter(
                    Participation.objects.filter(pk=participation.pk),
                    _("organisation %(code)s") % {"code": org_code},
                )
            )

    gone_areas = sorted(_area_codes(before.get("areas")) - _area_codes(after.get("areas")))
    for area_code in gone_areas:
        area = Area.objects.filter(initiative=initiative, code=area_code).first()
        if area is None:
            continue
        # Deleting an area would take its targets and adjustments with it and leave its
        # organisations nowhere: refused while anything uses it, with how many.
        organisations = Participation.objects.filter(initiative=initiative, area=area).count()
        targets = Target.objects.filter(initiative=initiative, area=area).count()
        adjustments = OverlapAdjustment.objects.filter(initiative=initiative, area=area).count()
        if organisations or targets or adjustments:
            uses = []
            if organisations:
                uses.append(
                    ngettext("%(n)s organisation", "%(n)s organisations", organisations)
                    % {"n": organisations}
                )
            if targets:
                uses.append(ngettext("%(n)s target", "%(n)s targets", targets) % {"n": targets})
            if adjustments:
                uses.append(
                    ngettext("%(n)s overlap adjustment", "%(n)s overlap adjustments", adjustments)
                    % {"n": adjustments}
                )
            problems.append(
                _(
                    "areas.%(code)s: %(name)s is used by %(uses)s; move them to another area "
                    "or remove them first"
                )
                % {"code": area_code, "name": area.name, "uses": ", ".join(uses)}
            )
        else:
            removals.append(
                _deleter(
                    Area.objects.filter(initiative=initiative, code=area_code),
                    _("area %(code)s") % {"code": area_code},
                )
            )
    return problems, removals


def _deleter(queryset, label: str) -> Callable[[], str]:
    def delete() -> str:
        queryset.delete()
        return label

    return delete


# -- what changed --------------------------------------------------------------------------------------


def _flatten(node, prefix: str, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        if not node and prefix:
            out[prefix] = "{}"
        for key, value in node.items():
            _flatten(value, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(node, list):
        keyed = all(isinstance(item, dict) and "code" in item for item in node) and node
        if keyed:
            for item in node:
                _flatten(item, f"{prefix}.{item['code']}", out)
        elif not node:
            out[prefix] = "[]"
        elif all(not isinstance(item, dict | list) for item in node):
            out[prefix] = ", ".join(str(item) for item in node)
        else:
            for n, item in enumerate(node):
                _flatten(item, f"{prefix}.{n}", out)
    else:
        out[prefix] = "" if node is None else str(node)


def differences(before: dict, after: dict) -> dict[str, tuple[str, str]]:
    """Every path whose value differs: {"indicators.job_starts.decimals": ("0", "1")}.

    Items of lists of coded things are named by their code, so reordering shows as a change of
    ``sort`` only where the definition records order."""
    old: dict[str, str] = {}
    new: dict[str, str] = {}
    _flatten(before, "", old)
    _flatten(after, "", new)
    changes = {}
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path, ""), new.get(path, "")
        if a != b:
            changes[path] = (a, b)
    if [i.get("code") for i in before.get("indicators") or []] != [
        i.get("code") for i in after.get("indicators") or []
    ] and _codes(before, "indicators") == _codes(after, "indicators"):
        changes["indicators (order)"] = (
            ", ".join(i["code"] for i in before["indicators"]),
            ", ".join(i["code"] for i in after["indicators"]),
        )
    return changes
