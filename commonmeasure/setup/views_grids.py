"""Two set-up grids for one indicator at a time: targets and baselines by scope (the initiative,
each area, each organisation) and period, and overlap adjustments by area and reporting period.
A save is one ``services.apply``: the grid's cells replace that indicator's targets (or
adjustments) in the definition, a blank cell removes one, and the definition file's own checks
(periods, baselines, which indicators take adjustments) answer with their messages, shown in the
cell they concern."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from commonmeasure.domain import periods
from commonmeasure.reporting.presenters import plain_number, recent_periods

from . import services
from .access import setup_access
from .forms_grids import GridForm, IndicatorChoiceForm, NewPeriodForm
from .structure_pages import done, place, save

NEW = "_new"  # the column whose period is typed above it


@dataclass
class Grid:
    """One indicator's grid: rows (scopes or areas), columns (period codes), and the cells."""

    key: str  # "targets" or "overlap_adjustments"
    indicator: dict
    rows: list[dict]
    columns: list[str]
    baselines: bool
    current: dict[tuple[str, str], dict] = field(default_factory=dict)

    def names(self, row: str, column: str) -> dict[str, str]:
        base = f"{row}|{column}"
        out = {"value": f"v|{base}"}
        if self.baselines:
            out |= {"from": f"bf|{base}", "to": f"bt|{base}"}
        return out

    def places(self, new_period: str = "") -> tuple[dict[str, str], set[str]]:
        """{box name: its place in words}, and the names of the boxes that hold numbers."""
        cells, numbers = {}, set()
        for row in self.rows:
            for column in [*self.columns, NEW]:
                words = _("%(row)s, %(period)s") % {
                    "row": row["name"],
                    "period": column if column != NEW else (new_period or _("the new period")),
                }
                names = self.names(row["key"], column)
                cells[names["value"]] = words
                numbers.add(names["value"])
                if self.baselines:
                    cells[names["from"]] = _("%(place)s, baseline from") % {"place": words}
                    cells[names["to"]] = _("%(place)s, baseline to") % {"place": words}
        return cells, numbers


def _depths(areas: list[dict]) -> dict[str, int]:
    parent = {a["code"]: a.get("parent") for a in areas}
    out = {}
    for code in parent:
        n, at = 0, parent[code]
        while at and n < len(parent):
            n, at = n + 1, parent.get(at)
        out[code] = n
    return out


def _area_rows(definition: dict) -> list[dict]:
    areas = definition.get("areas") or []
    depth = _depths(areas)
    return [
        {
            "key": f"a.{a['code']}",
            "name": a["name"],
            "depth": depth[a["code"]],
            "level": a.get("level") or "",
            "scope": {"area": a["code"]},
        }
        for a in areas
    ]


def _scope_key(item: dict) -> str:
    if item.get("organisation"):
        return f"o.{item['organisation']}"
    if item.get("area"):
        return f"a.{item['area']}"
    return "i"


def _sorted_periods(codes, fy: int) -> list[str]:
    def key(code):
        try:
            p = periods.parse(code, None, fy)
            return (p.start, p.end, code)
        except periods.PeriodError:
            return (10**9, 0, code)

    return sorted(set(codes), key=key)


def _part(definition: dict, key: str, indicator: str) -> list[dict]:
    return [i for i in definition.get(key) or [] if i.get("indicator") == indicator]


def _version(definition: dict, key: str, indicator: str) -> str:
    return services.version_of({"part": _part(definition, key, indicator)}, "part")


def _grid(definition: dict, key: str, indicator: dict, initiative) -> Grid:
    fy = definition.get("fy_first_month", 4)
    part = _part(definition, key, indicator["code"])
    if key == "targets":
        rows = [
            {
                "key": "i",
                "name": definition["name"],
                "depth": 0,
                "level": _("initiative"),
                "scope": {},
            },
            *_area_rows(definition),
            *(
                {
                    "key": f"o.{o['code']}",
                    "name": o["name"],
                    "depth": 0,
                    "level": _("organisation"),
                    "scope": {"organisation": o["code"]},
                }
                for o in definition.get("organisations") or []
            ),
        ]
        columns = [t["period"] for t in part] or [str(initiative.current_period().start_date.year)]
    else:
        rows = _area_rows(definition)
        recent = [p.code for p in recent_periods(initiative, 6)]
        columns = [a["period"] for a in part] + recent
    grid = Grid(key, indicator, rows, _sorted_periods(columns, fy), key == "targets")
    grid.current = {(_scope_key(i), i["period"]): i for i in part}
    return grid


def _cells_shown(grid: Grid, posted: dict | None, problems: dict[str, list[str]]) -> list[dict]:
    """The grid's rows with each cell's boxes: what was typed (after a refusal) or what is
    stored, and the cell's messages."""
    out = []
    for row in grid.rows:
        cells = []
        for column in [*grid.columns, NEW]:
            names = grid.names(row["key"], column)
            item = grid.current.get((row["key"], column), {})
            stored = {
                "value": plain_number(item.get("value")) if item else "",
                "from": item.get("baseline_from", ""),
                "to": item.get("baseline_to", ""),
            }
            boxes = {
                part: {
                    "name": name,
                    "value": posted.get(name, "") if posted is not None else stored[part],
                }
                for part, name in names.items()
            }
            messages = [m for name in names.values() for m in problems.get(name, [])]
            cells.append({"column": column, "boxes": boxes, "problems": messages})
        out.append({**row, "cells": cells})
    return out


def _items(grid: Grid, data: dict) -> list[tuple[str, dict]]:
    """The grid's filled cells as definition items, each with the name of its value box."""
    out = []
    for row in grid.rows:
        for column in [*grid.columns, NEW]:
            names = grid.names(row["key"], column)
            value = data.get(names["value"])
            if value is None:
                continue
            period = data["new_period"] if column == NEW else column
            item = {
                "indicator": grid.indicator["code"],
                **row["scope"],
                "period": period,
                "value": value,
            }
            if grid.baselines:
                item["baseline_from"] = data.get(names["from"], "")
                item["baseline_to"] = data.get(names["to"], "")
            out.append((names["value"], item))
    return out


def _differences(grid: Grid, posted: dict) -> list[dict]:
    """After a stale save: the cells where what was sent differs from what is stored now."""
    out = []
    for row in grid.rows:
        for column in grid.columns:
            names = grid.names(row["key"], column)
            item = grid.current.get((row["key"], column), {})
            now = plain_number(item.get("value")) if item else ""
            yours = (posted.get(names["value"]) or "").strip()
            if yours != now:
                out.append({"row": row["name"], "period": column, "yours": yours, "now": now})
    return out


def _page(request, code, key: str, template: str, url_name: str, choose):
    initiative, access = setup_access(request.user, code)
    definition = services.definition_of(initiative)
    choices = [i for i in definition.get("indicators") or [] if choose(i)]
    choice = IndicatorChoiceForm(request.POST if request.method == "POST" else request.GET)
    wanted = choice.cleaned_data["indicator"] if choice.is_valid() else ""
    indicator = next((i for i in choices if i["code"] == wanted), None)
    if wanted and indicator is None:
        raise Http404(_("No such indicator for this grid."))
    indicator = indicator or (choices[0] if choices else None)
    context = {
        "initiative": initiative,
        "access": access,
        "here": "setup",
        "choices": choices,
        "indicator": indicator,
    }
    if indicator is None:
        return render(request, template, context)
    grid = _grid(definition, key, indicator, initiative)
    posted, problems, summary, stale, status = None, {}, [], None, 200
    if request.method == "POST":
        period = NewPeriodForm(request.POST)
        period.is_valid()  # every value is valid: GridForm checks the period with the cells
        cells, numbers = grid.places(period.cleaned_data["new_period"])
        form = GridForm(request.POST, cells=cells, numbers=numbers)
        if not form.is_valid():
            posted, status = form.data, 400
            problems = {name: [message] for name, message in form.messages.items()}
            summary = list(form.messages.values())
        else:
            items = _items(grid, form.cleaned_data)
            version = form.cleaned_data["version"]
            if (
                any(name.startswith("v|") and name.endswith(f"|{NEW}") for name, _i in items)
                and not form.cleaned_data["new_period"]
            ):
                posted, status = form.data, 400
                summary = [
                    _("Give the period of the new column (e.g. 2027, 2026-27, 2026-Q3 or 2026-09).")
                ]
                problems = {"new_period": summary}
            else:
                where: dict[str, list[str]] = {}

                def edit(d):
                    if _version(d, key, indicator["code"]) != version:
                        raise services.Stale(key, _part(d, key, indicator["code"]))
                    kept = [i for i in d.get(key) or [] if i.get("indicator") != indicator["code"]]
                    for name, item in items:
                        where[name] = [f"{key}.{len(kept)}"]
                        kept.append(item)
                    d[key] = kept

                what = (
                    _("changed the targets of %(name)s")
                    if key == "targets"
                    else _("changed the overlap adjustments of %(name)s")
                ) % {"name": indicator["name"]}
                saved = save(request, initiative, edit, what=what)
                to = reverse(url_name, args=[initiative.code]) + f"?indicator={indicator['code']}"
                if saved.ok:
                    return done(request, saved, _("Saved."), to)
                status = saved.status
                if saved.stale:
                    stale = _differences(grid, form.data)
                else:
                    posted = form.data
                    summary = saved.problems
                    problems = {}
                    for problem, name, _path in place(saved.problems, where):
                        problems.setdefault(name, []).append(problem)
    context.update(
        grid=grid,
        rows=_cells_shown(grid, posted, problems),
        version=_version(definition, key, indicator["code"]),
        summary=summary,
        stale=stale,
        new_period=(posted or {}).get("new_period", ""),
        new_period_problem=(problems.get("new_period") or [""])[0],
    )
    return render(request, template, context, status=status)


@login_required
def targets(request, code):
    return _page(request, code, "targets", "setup/targets.html", "setup:targets", lambda i: True)


@login_required
def overlaps(request, code):
    return _page(
        request,
        code,
        "overlap_adjustments",
        "setup/overlaps.html",
        "setup:overlaps",
        lambda i: i.get("deduplication") == "adjusted",
    )
