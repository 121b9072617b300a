"""Charts and the world map of the public impact bond pages, as Vega-Lite specifications (plain
dictionaries), plus the country and SDG names they label things with.

Each chart takes the rows its page also shows as a table, so the two always carry the same
numbers. The map reads the country shapes from this server (``countries-110m.json``, from the
world-atlas package; static/impactbonds/README.md) and every link in it is a local path:
nothing is fetched from anywhere else, so it works offline.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonmeasure.charts import CONFIG, PALETTE

STATIC = Path(__file__).parent / "static" / "impactbonds"
NO_PROJECTS = "#e4e9ef"
LOW, HIGH = "#b5d3e8", "#12344d"
POINT = "#e0812f"

SDG_NAMES = {
    1: gettext_lazy("No poverty"),
    2: gettext_lazy("Zero hunger"),
    3: gettext_lazy("Good health and well-being"),
    4: gettext_lazy("Quality education"),
    5: gettext_lazy("Gender equality"),
    6: gettext_lazy("Clean water and sanitation"),
    7: gettext_lazy("Affordable and clean energy"),
    8: gettext_lazy("Decent work and economic growth"),
    9: gettext_lazy("Industry, innovation and infrastructure"),
    10: gettext_lazy("Reduced inequalities"),
    11: gettext_lazy("Sustainable cities and communities"),
    12: gettext_lazy("Responsible consumption and production"),
    13: gettext_lazy("Climate action"),
    14: gettext_lazy("Life below water"),
    15: gettext_lazy("Life on land"),
    16: gettext_lazy("Peace, justice and strong institutions"),
    17: gettext_lazy("Partnerships for the goals"),
}


@cache
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    names, numeric = {}, {}
    with (STATIC / "countries.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            names[row["alpha2"]] = row["name"]
            numeric[row["alpha2"]] = row["numeric"]
    return names, numeric


def country_name(code: str) -> str:
    """'GB' -> 'United Kingdom'; an unknown code is returned as it is."""
    return _countries()[0].get(code, code)


def iso_numeric(code: str) -> str | None:
    """'GB' -> '826', the id of the country's shape in countries-110m.json."""
    return _countries()[1].get(code)


def sdg_label(goal: int) -> str:
    name = SDG_NAMES.get(goal)
    if not name:
        return f"SDG {goal}"
    return _("SDG %(goal)s: %(name)s") % {"goal": goal, "name": name}


def _base(description: str, height: int) -> dict:
    return {
        "description": description,
        "width": "container",
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "config": CONFIG,
    }


def launches_by_sector(rows: list[dict], *, years: list[int], sectors: list[str]) -> dict:
    """Stacked bars: impact bonds launched per year ({"year", "sector", "projects"}), one colour
    per policy sector, every year from the first to the last on the axis."""
    spec = _base(_("Impact bonds launched per year, by policy sector"), 300)
    per_year: dict[int, int] = {}
    for r in rows:
        per_year[r["year"]] = per_year.get(r["year"], 0) + r["projects"]
    tallest = max(per_year.values(), default=1)
    spec["data"] = {
        "values": [
            {"year": str(r["year"]), "sector": r["sector"], "projects": r["projects"]} for r in rows
        ]
    }
    spec["transform"] = [
        {"calculate": f"indexof({_js_list(sectors)}, datum.sector)", "as": "order"}
    ]
    spec["mark"] = {"type": "bar", "cornerRadiusEnd": 0, "stroke": "#fff", "strokeWidth": 0.5}
    spec["encoding"] = {
        "x": {
            "field": "year",
            "type": "ordinal",
            "title": _("Year launched"),
            "scale": {"domain": [str(y) for y in years]},
            "axis": {"labelAngle": -45 if len(years) > 12 else 0},
        },
        "y": {
            "field": "projects",
            "type": "quantitative",
            "title": _("Impact bonds launched"),
            "stack": "zero",
            "axis": {"tickCount": min(5, tallest), "format": "d"},
        },
        "color": {
            "field": "sector",
            "type": "nominal",
            "title": _("Policy sector"),
            "scale": {"domain": sectors, "range": _palette(len(sectors))},
        },
        "order": {"field": "order", "type": "quantitative"},
        "tooltip": [
            {"field": "year", "title": _("Year")},
            {"field": "sector", "title": _("Policy sector")},
            {"field": "projects", "title": _("Impact bonds")},
        ],
    }
    spec["config"] = {
        **CONFIG,
        "legend": {**CONFIG["legend"], "columns": 3, "symbolType": "square"},
    }
    return spec


def capital_by_country(rows: list[dict]) -> dict:
    """Horizontal bars: capital raised in USD per country ({"country", "code", "capital", "projects"}),
    in the order given, each bar linking to the directory for that country."""
    spec = _base(_("Capital raised (USD) by country"), max(140, 26 * len(rows)))
    spec["data"] = {
        "values": [
            {
                "country": r["country"],
                "capital": float(r["capital"]),
                "projects": r["projects"],
                "href": r["href"],
            }
            for r in rows
        ]
    }
    spec["mark"] = {"type": "bar", "color": PALETTE[0], "cornerRadiusEnd": 2}
    spec["encoding"] = {
        "y": {
            "field": "country",
            "type": "nominal",
            "sort": None,
            "title": None,
            "axis": {"labelLimit": 180},
        },
        "x": {
            "field": "capital",
            "type": "quantitative",
            "title": _("Capital raised (USD)"),
            "axis": {"format": "$.2~s"},
        },
        "href": {"field": "href"},
        "tooltip": [
            {"field": "country", "title": _("Country")},
            {"field": "capital", "title": _("Capital raised (USD)"), "format": "$,.0f"},
            {"field": "projects", "title": _("Impact bonds with capital in USD")},
        ],
    }
    return spec


def world_map(
    countries: list[dict],
    points: list[dict],
    *,
    shapes_url: str,
    legend: bool = True,
    height: int = 470,
    focus: bool = False,
) -> dict:
    """The world map: countries shaded by number of impact bonds, delivery locations as points.

    ``countries``: [{"code", "name", "projects", "href"}]; ``points``: [{"name", "project",
    "project_name", "country", "lat", "lng", "href"}]. A click on a shaded country or on a point
    follows its ``href`` (a local path: the filtered directory, or the project). Antarctica is
    left out. With ``focus``, only the countries given are drawn, so the map zooms to them."""
    rows = []
    for c in countries:
        number = iso_numeric(c["code"])
        if number:
            rows.append(
                {
                    "id": number,
                    "code": c["code"],
                    "name": c["name"],
                    "projects": c["projects"],
                    "href": c["href"],
                }
            )
    top = max([r["projects"] for r in rows] + [2])
    key = {"orient": "bottom-left", "direction": "horizontal", "gradientLength": 140, "format": "d"}
    if top <= 6:
        key["values"] = list(range(1, top + 1))
    spec = _base(_("World map: impact bonds per country, and delivery locations"), height)
    spec["height"] = "container"  # the page's stylesheet sets it (``height`` is the default there)
    spec["projection"] = {"type": "equalEarth"}
    shapes = {
        "data": {"url": shapes_url, "format": {"type": "topojson", "feature": "countries"}},
        "transform": [
            {"filter": "datum.id != '010'"},
            {
                "lookup": "id",
                "from": {
                    "data": {"values": rows},
                    "key": "id",
                    "fields": ["code", "name", "projects", "href"],
                },
            },
            {"calculate": "datum.projects ? datum.projects : 0", "as": "n"},
            {"calculate": "datum.name ? datum.name : datum.properties.name", "as": "country"},
            {
                "calculate": "datum.country + ': ' + datum.n + (datum.n == 1 ? ' impact bond' : ' impact bonds')",
                "as": "label",
            },
            *([{"filter": "datum.n > 0"}] if focus else []),
        ],
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.6},
        "encoding": {
            "color": {
                "condition": {
                    "test": "datum.n > 0",
                    "field": "n",
                    "type": "quantitative",
                    "title": _("Impact bonds"),
                    "scale": {"domain": [1, top], "range": [LOW, HIGH]},
                    "legend": key if legend else None,
                },
                "value": NO_PROJECTS,
            },
            # Only a country with impact bonds links anywhere: one without has no href, which
            # Vega-Lite would otherwise turn into the relative link "null".
            "href": {"condition": {"test": "datum.n > 0", "field": "href"}, "value": ""},
            "tooltip": [
                {"field": "country", "title": _("Country")},
                {"field": "n", "title": _("Impact bonds")},
            ],
            "description": {"field": "label"},
        },
    }
    located = {
        "data": {
            "values": [
                {
                    "name": p["name"] or _("Delivery location"),
                    "project": p["project_name"] or p["project"],
                    "country": country_name(p["country"]) if p["country"] else "",
                    "lat": float(p["lat"]),
                    "lng": float(p["lng"]),
                    "href": p["href"],
                }
                for p in points
            ]
        },
        "mark": {
            "type": "circle",
            "size": 46,
            "color": POINT,
            "opacity": 0.9,
            "stroke": "#ffffff",
            "strokeWidth": 1,
        },
        "encoding": {
            "longitude": {"field": "lng", "type": "quantitative"},
            "latitude": {"field": "lat", "type": "quantitative"},
            "href": {"field": "href"},
            "tooltip": [
                {"field": "name", "title": _("Delivery location")},
                {"field": "project", "title": _("Impact bond")},
                {"field": "country", "title": _("Country")},
            ],
            "description": {"field": "name"},
        },
    }
    spec["layer"] = [shapes, located]
    return spec


def _js_list(items: list[str]) -> str:
    import json

    return json.dumps(items)


def _palette(n: int) -> list[str]:
    extra = ["#4f7cac", "#d9a441", "#6c8f3c", "#a25c8f", "#3f8f8f", "#9c6b4e", "#5b5f97", "#c06c84"]
    colours = PALETTE + extra
    return [colours[i % len(colours)] for i in range(max(n, 1))]
