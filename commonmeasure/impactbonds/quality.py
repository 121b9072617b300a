"""The data-quality report of a project, by priority, as GO Lab's INDIGO database reports it.

- Priority 0, errors: a value that cannot be interpreted (a date, number, country, currency, SDG
  goal or stage), a reference to an organisation or fund that is not loaded, a source id used
  but not in the project's sources table.
- Priorities 1 to 3, missing: a field of projects.csv left blank, at the priority the INDIGO
  standard gives it (a field inherits its section's; with none, priority 3); a per-project table
  with no rows, at that table's priority.

The report names fields, never their values' content, and looks at all the data (private fields
are not missing), so it is for the people who maintain the data.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.utils.translation import gettext as _

from commonmeasure.interchange import indigo_values as values
from commonmeasure.interchange.indigo import is_status_column, layout

from . import models as m
from .components import RECORD_SPECS, Reader, component_specs

PROJECT_SPEC = next(s for s in RECORD_SPECS if s.model is m.Project)
SOURCE_COLUMNS = re.compile(r"(\(Source ID's\)|^Sources)$")


def _title(key: str) -> str:
    return key.removeprefix("projects_").replace("_", " ").replace("datas", "data")


def _uninterpretable(spec, cells, where: str, out: list) -> None:
    def report(column, text, message):
        out.append({"priority": 0, "where": where, "field": column, "message": message})

    spec.extract(Reader(dict(cells), report))


def _source_ids(cells) -> set[str]:
    ids = set()
    for column, text in cells:
        if SOURCE_COLUMNS.search(column):
            ids.update(s.strip() for s in text.split(",") if s.strip())
    return ids


def reports(projects) -> list[dict]:
    """One report per project of ``projects`` (a queryset), ordered by INDIGO id."""
    projects = list(projects.order_by("indigo_id"))
    pks = [p.pk for p in projects]
    rows: dict[tuple[int, str], list] = defaultdict(list)
    for spec in component_specs():
        if spec.owner != "project":
            continue
        qs = spec.model.objects.filter(project_id__in=pks)
        if spec.generic:
            qs = qs.filter(component=spec.key)
        for row in qs.order_by("project_id", "position"):
            rows[(row.project_id, spec.key)].append((spec, row))
    orgs = set(m.Organisation.objects.values_list("indigo_id", flat=True))
    funds = set(m.Fund.objects.values_list("indigo_id", flat=True))
    return [_report(p, rows, orgs, funds) for p in projects]


def _report(project, rows, orgs: set[str], funds: set[str]) -> dict:
    problems: list[dict] = []
    missing: dict[str, list[str]] = {"1": [], "2": [], "3": []}
    cells = dict(project.cells)
    _uninterpretable(PROJECT_SPEC, project.cells, "projects.csv", problems)
    for column in layout()["projects"]["columns"]:
        name = column["name"]
        if column["status"] or not name.endswith("(Value)"):
            continue
        if not cells.get(name, "").strip():
            missing[str(column["priority"])].append(name)
    used_sources = _source_ids(project.cells)
    known_sources: set[str] = set()
    for key, spec in layout().items():
        if spec["record"] != "projects" or spec["owner_column"] is None:
            continue
        found = rows.get((project.pk, key), [])
        if not found:
            missing[str(spec["priority"])].append(_("%(table)s (no rows)") % {"table": _title(key)})
        for component, row in found:
            where = _("%(file)s row %(row)s of this project") % {
                "file": f"{key}.csv",
                "row": row.position + 1,
            }
            _uninterpretable(component, row.cells, where, problems)
            row_cells = dict(row.cells)
            for kind, column in component.refs.values():
                for ref in values.ids(row_cells.get(column, "")):  # one id or a list
                    if ref not in (orgs if kind == "organisation" else funds):
                        problems.append(
                            {
                                "priority": 0,
                                "where": where,
                                "field": column,
                                "message": _("refers to %(kind)s %(id)s, which is not loaded")
                                % {"kind": kind, "id": ref},
                            }
                        )
            if key == "projects_sources":
                known_sources.add(row_cells.get("Id", "").strip())
            else:
                used_sources |= _source_ids([c for c in row.cells if not is_status_column(c[0])])
    for source_id in sorted(used_sources - known_sources):
        problems.append(
            {
                "priority": 0,
                "where": _("sources"),
                "field": source_id,
                "message": _("source id used but not in the project's sources table"),
            }
        )
    counts = {"0": len(problems), **{k: len(v) for k, v in missing.items()}}
    return {
        "id": project.indigo_id,
        "name": project.name,
        "counts": counts,
        "errors": problems,
        "missing": missing,
    }
