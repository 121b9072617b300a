"""What the indicator page shows for areas and for formula and composite indicators: the
values by area, and per key why a computed value is missing and what each component
contributed. Callers pass what ``initiatives.access`` allowed; figures come from query()."""

from __future__ import annotations

from django.utils.translation import gettext as _

from commonmeasure import charts
from commonmeasure.domain.translation import number
from commonmeasure.initiatives.models import Area, Indicator
from commonmeasure.measures.areas import deduplicates
from commonmeasure.measures.selectors import community_total, derived_detail, query
from commonmeasure.reporting.presenters import format_value


def _fmt(value, indicator=None, decimals: int | None = None) -> str:
    if decimals is not None and value is not None:
        return number(float(value), decimals)
    return format_value(value, indicator)


def area_options(initiative) -> list[tuple[str, str]]:
    """The "show by" choices for areas: every area, and each level."""
    levels = list(
        Area.objects.filter(initiative=initiative)
        .exclude(level="")
        .order_by("level")
        .values_list("level", flat=True)
        .distinct()
    )
    if not Area.objects.filter(initiative=initiative).exists():
        return []
    return [("area", _("Area (every level)"))] + [
        (f"area:{lv}", _("Area: %(level)s") % {"level": lv}) for lv in levels
    ]


def by_area(initiative, indicator, by, period_type, within, title, shown=None, link=None) -> dict:
    """The indicator page's panel for ``by=area`` or ``area:<level>``: a table and bars.

    ``shown``: {area: value or "suppressed"} as the viewer may see them
    (``disclosure.cells.community``); None reads them unfiltered. ``link``: area code -> the
    address of that figure's explanation, put on each row of the table and each bar."""

    if shown is None:
        shown = {
            r["key"]: r["value"]
            for r in query(initiative, indicator, by, period_type, within=within)
        }
    names = dict(Area.objects.filter(initiative=initiative).values_list("code", "name"))
    rows = [
        {"label": names.get(k, k), "value": v, "explain": link(k) if link else None}
        for k, v in shown.items()
    ]
    hidden = "suppressed"
    return {
        "columns": ["Area", title],
        "table": [
            {
                "head": r["label"],
                "cells": [hidden if r["value"] == hidden else _fmt(r["value"], indicator)],
                "href": None,
                "explain": [(None, r["explain"])] if r["explain"] else [],
            }
            for r in rows
        ],
        "spec": charts.link_points(
            charts.bars(
                [r for r in rows if r["value"] != hidden],
                category_title="Area",
                title=title,
                decimals=indicator.decimals,
                description=_("%(indicator)s by area") % {"indicator": indicator.name},
            )
        ),
        "empty": not rows,
    }


def derived_panel(initiative, indicator, by, period_type, within) -> dict | None:
    """For a formula or composite indicator: per key the value, why it is missing, and each
    component's value (and for a composite its normalised score, weight and contribution)."""
    if indicator.kind == Indicator.REPORTED:
        return None
    detail = derived_detail(initiative, indicator, by, period_type, within=within)
    codes = []
    for row in detail:
        codes += [c for c in row["components"] if c not in codes]
    components = {i.code: i for i in initiative.indicators.filter(code__in=codes)}
    labels = {}
    if by == "organisation":
        labels = dict(initiative.organisations.values_list("code", "name"))
    elif by == "area" or by.startswith("area:"):
        labels = dict(Area.objects.filter(initiative=initiative).values_list("code", "name"))
    rows = []
    for row in detail:
        parts = []
        for code in codes:
            raw = row["components"].get(code)
            part = {"code": code, "value": _fmt(raw, components.get(code))}
            if indicator.kind == Indicator.COMPOSITE and "normalised" in row:
                part["normalised"] = _fmt(row["normalised"].get(code), decimals=3)
                part["weight"] = _fmt(row["weights"].get(code), decimals=3)
                part["contribution"] = _fmt(row["contributions"].get(code), decimals=3)
            parts.append(part)
        rows.append(
            {
                "key": labels.get(row["key"], row["key"]),
                "value": _fmt(row["value"], indicator)
                if indicator.kind == Indicator.FORMULA
                else _fmt(row["value"], decimals=3),
                "reason": row["reason"],
                "parts": parts,
            }
        )
    if by == "period":
        rows.reverse()
    spec = indicator.composite or {}
    return {
        "kind": indicator.kind,
        "formula": indicator.formula,
        "aggregation": spec.get("aggregation", "arithmetic"),
        "codes": codes,
        "headers": [components[c].name if c in components else c for c in codes],
        "rows": rows,
    }


def community_note(initiative, indicator, period_type, within, access) -> dict | None:
    """For an indicator whose providers overlap in areas, how its initiative figure is made over
    ``within`` (the whole range if None): the organisations' values added up, what
    de-duplication changed, the top areas' total and the organisations placed in no area.
    Their names are for the backbone only (they could pair a name with a figure)."""

    if not deduplicates(indicator) or not Area.objects.filter(initiative=initiative).exists():
        return None
    found = community_total(initiative, indicator, period_type, within=within)
    if found.total is None:
        return None
    names = []
    if access is not None and access.is_backbone and found.unplaced:
        names = list(
            initiative.organisations.filter(code__in=found.unplaced)
            .order_by("name")
            .values_list("name", flat=True)
        )
    return {
        "range": within.code if within is not None else "",
        "rule": indicator.get_deduplication_display(),
        "total": _fmt(found.total, indicator),
        "reported": _fmt(found.reported, indicator),
        "change": _fmt(found.deduplication, indicator),
        "changed": abs(found.deduplication) > 1e-9,
        "areas": _fmt(found.areas, indicator) if found.areas is not None else None,
        "unplaced": len(found.unplaced),
        "unplaced_value": _fmt(found.unplaced_value, indicator),
        "unplaced_names": names,
    }
