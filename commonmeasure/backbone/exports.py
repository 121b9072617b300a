"""The activity matrix as a Vega-Lite heat map, a CSV file and an XLSX workbook. All three are
built from ``Matrix.rows()``, the same figures as the page's table. Text cells that begin with
= + - @ (or a tab) get an apostrophe (``contracts.exports.safe_text``) so that a spreadsheet
never reads them as formulas: activity, goal and organisation names are typed by users."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext

from commonmeasure.charts import BAD, CONFIG, SCHEMA
from commonmeasure.contracts.exports import safe_text

from .matrix import OVERLAP_THRESHOLD, Matrix

COLUMNS = ("organisation", "organisation_name", "goal", "goal_name", "activities", "goal_state")


def heat_map(matrix: Matrix, *, description: str) -> dict:
    """Organisations (rows) x goals (columns), coloured by the number of activities; gap
    columns outlined in red, the count written in each cell."""
    rows = matrix.rows()
    goal_labels = [f"{g} {name}".strip() for g, name in matrix.goals]
    labels = {g: lab for (g, _), lab in zip(matrix.goals, goal_labels, strict=True)}
    values = [
        {
            "organisation": r["organisation_name"],
            "goal": labels[r["goal"]],
            "activities": r["activities"],
            "state": {
                "gap": gettext("gap"),
                "overlap": gettext("overlap (%(n)s+)") % {"n": OVERLAP_THRESHOLD},
            }.get(r["state"], "—"),
        }
        for r in rows
    ]
    orgs = [name for _, name in matrix.organisations]
    x = {
        "field": "goal",
        "type": "nominal",
        "sort": goal_labels,
        "title": gettext("Goal"),
        "axis": {"labelAngle": 0, "labelLimit": 160, "orient": "top"},
    }
    y = {
        "field": "organisation",
        "type": "nominal",
        "sort": orgs,
        "title": None,
        "axis": {"labelLimit": 220},
    }
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": "container",
        "height": max(120, 36 * len(orgs)),
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": CONFIG,
        "data": {"values": values},
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "#ffffff", "strokeWidth": 2},
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": {
                        "field": "activities",
                        "type": "quantitative",
                        "title": gettext("Activities"),
                        "scale": {"scheme": "blues", "domainMin": 0},
                    },
                    "stroke": {
                        "condition": {"test": "datum.state == 'gap'", "value": BAD},
                        "value": "#ffffff",
                    },
                    "tooltip": [
                        {"field": "organisation", "title": gettext("Organisation")},
                        {"field": "goal", "title": gettext("Goal")},
                        {"field": "activities", "title": gettext("Activities")},
                        {"field": "state", "title": gettext("Goal")},
                    ],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 12},
                "encoding": {
                    "x": x,
                    "y": y,
                    "text": {"field": "activities", "type": "quantitative"},
                    "color": {
                        "condition": {"test": "datum.activities >= 3", "value": "#ffffff"},
                        "value": "#1b2733",
                    },
                },
            },
        ],
    }


def _row(r: dict) -> list:
    return [
        safe_text(r["organisation"]),
        safe_text(r["organisation_name"]),
        safe_text(r["goal"]),
        safe_text(r["goal_name"]),
        r["activities"],
        r["state"],
    ]


def matrix_csv(matrix: Matrix) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in matrix.rows():
        writer.writerow(_row(r))
    return out.getvalue()


def _state(state: str | None) -> str:
    """A goal's state in the workbook's words (the Cells sheet keeps the codes)."""
    return {"gap": gettext("gap"), "overlap": gettext("overlap")}.get(state or "", state or "")


def matrix_xlsx(matrix: Matrix, *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = gettext("Matrix")
    ws.append([safe_text(title)])
    ws["A1"].font = Font(bold=True)
    ws.append(
        [gettext("Organisation"), *[safe_text(f"{g} {name}".strip()) for g, name in matrix.goals]]
    )
    for org, name in matrix.organisations:
        ws.append([safe_text(name), *[matrix.count(org, g) for g, _ in matrix.goals]])
    ws.append(
        [
            gettext("Organisations serving"),
            *[matrix.organisations_serving(g) for g, _ in matrix.goals],
        ]
    )
    ws.append([gettext("Goal"), *[_state(matrix.state(g)) for g, _ in matrix.goals]])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    cells = wb.create_sheet(gettext("Cells"))
    cells.append(list(COLUMNS))
    for r in matrix.rows():
        cells.append(_row(r))
    rules = wb.create_sheet(gettext("Rules"))
    for line in (
        gettext("Each cell counts the organisation's activities that serve the goal."),
        gettext("gap: no organisation's activity serves the goal."),
        gettext("overlap: %(n)s or more organisations serve the goal.") % {"n": OVERLAP_THRESHOLD},
    ):
        rules.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
