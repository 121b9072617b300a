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

import csv
import io
import re
from collections import defaultdict

from django.utils.translation import gettext as _

from commonmeasure.interchange import indigo_values as values
from commonmeasure.interchange.cells import neutralised
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


# -- the report as rows, for the administration page and its downloads ------------------------------

ROW_COLUMNS = (
    "Project ID",
    "Project",
    "Project status",
    "Priority",
    "Kind",
    "Where",
    "Field",
    "Problem",
)
PRIORITY_NAMES = {
    0: "0: error",
    1: "1: missing, highest priority",
    2: "2: missing",
    3: "3: missing, lowest priority",
}


def issue_rows(projects) -> list[dict]:
    """Every error and missing field of ``projects`` (a queryset), one row each: the project,
    its status, the priority, where, the field and what is wrong."""
    statuses = dict(projects.values_list("indigo_id", "status"))
    out = []
    for report in reports(projects):
        base = {
            "project": report["id"],
            "name": report["name"],
            "status": statuses.get(report["id"], ""),
        }
        for error in report["errors"]:
            out.append(
                {
                    **base,
                    "priority": 0,
                    "kind": "error",
                    "where": error["where"],
                    "field": error["field"],
                    "message": error["message"],
                }
            )
        for level, names in report["missing"].items():
            for name in names:
                out.append(
                    {
                        **base,
                        "priority": int(level),
                        "kind": "missing",
                        "where": "projects.csv" if not name.endswith("(no rows)") else "",
                        "field": name,
                        "message": "missing",
                    }
                )
    out.sort(key=lambda r: (r["priority"], r["project"]))
    return out


def filter_rows(
    rows: list[dict], *, priority=None, field: str = "", project: str = "", status: str = ""
) -> list[dict]:
    """The rows matching every filter given: a priority (0 to 3), words in the field's name,
    words in the project's id or name, and the project's status."""
    field, project = field.strip().lower(), project.strip().lower()
    return [
        r
        for r in rows
        if (priority is None or r["priority"] == priority)
        and (not field or field in r["field"].lower())
        and (not project or project in r["project"].lower() or project in r["name"].lower())
        and (not status or r["status"] == status)
    ]


def _table(rows: list[dict]) -> list[list]:
    return [
        [
            r["project"],
            r["name"],
            r["status"],
            r["priority"],
            r["kind"],
            r["where"],
            r["field"],
            r["message"],
        ]
        for r in rows
    ]


def rows_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ROW_COLUMNS)
    for line in _table(rows):
        writer.writerow([neutralised(v) for v in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def rows_xlsx(rows: list[dict]) -> bytes:
    from openpyxl import Workbook  # optional and heavy: loaded only for this download

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data quality")
    ws.append(list(ROW_COLUMNS))
    for line in _table(rows):
        ws.append([neutralised(v) for v in line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
