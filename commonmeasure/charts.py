"""Vega-Lite specifications as plain dictionaries: the chart building every app uses.

Each function takes the rows a page already shows in its table, so the chart and the table
always carry the same numbers. ``base_spec`` is the empty chart with the shared look (fonts,
colours, axes) that the apps' own charts start from (insights/charts.py, impactbonds/charts.py,
contracts/views.py). The browser renders the specs with vega-embed, served locally from
/assets/vega.js (see ``web/assets.py``). No Django, no database.
"""

from __future__ import annotations

import json

from commonmeasure.domain.translation import gettext, number, pgettext

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier only; never fetched
ACCENT = "#1f5f8b"
GOOD = "#146c3f"
BAD = "#b3261e"
# Every mark at least 3:1 against the white background (WCAG 1.4.11; docs/explanation/accessibility.md).
PALETTE = ["#1f5f8b", "#c66a1f", "#3a9a6b", "#8e5ea2", "#c9474b", "#3a8fb7", "#8f7b1f", "#7a7a7a"]
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

CONFIG = {
    "font": FONT,
    "view": {"stroke": None},
    "axis": {
        "labelColor": "#4a5560",
        "titleColor": "#4a5560",
        "gridColor": "#e6e9ee",
        "domainColor": "#c5ccd4",
        "tickColor": "#c5ccd4",
        "labelFontSize": 11,
        "titleFontSize": 11,
        "titleFontWeight": 600,
    },
    "legend": {
        "labelLimit": 320,
        "labelFontSize": 12,
        "titleFontSize": 12,
        "orient": "top",
        "direction": "horizontal",
    },
    "range": {"category": PALETTE},
}


def number_format(decimals: int) -> str:
    return f",.{decimals}f"


def _linked(row: dict, point: dict) -> dict:
    """The chart's point for a table row, with the row's link to its explanation if any."""
    if row.get("explain"):
        point["explain"] = row["explain"]
    return point


def base_spec(description: str, height: int = 320) -> dict:
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": "container",
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "config": CONFIG,
    }


def sparkline(rows: list[dict], *, verdict: str = "neutral", description: str = "") -> dict:
    """A small line of the latest values, the last point marked."""
    colour = {"good": GOOD, "bad": BAD}.get(verdict, ACCENT)
    spec = base_spec(description or gettext("Recent values"), height=44)
    spec["config"] = {**CONFIG, "axis": {"disable": True}}
    spec["padding"] = {"top": 4, "bottom": 4, "left": 2, "right": 6}
    spec["data"] = {"values": [{"period": r["key"], "value": r["value"]} for r in rows]}
    x = {"field": "period", "type": "ordinal", "sort": None, "axis": None}
    y = {"field": "value", "type": "quantitative", "axis": None, "scale": {"zero": False}}
    spec["layer"] = [
        {
            "mark": {"type": "line", "color": colour, "strokeWidth": 2, "interpolate": "monotone"},
            "encoding": {
                "x": x,
                "y": y,
                "tooltip": [{"field": "period"}, {"field": "value", "format": ",.2~f"}],
            },
        },
        {
            "transform": [
                {"window": [{"op": "row_number", "as": "n"}]},
                {"joinaggregate": [{"op": "max", "field": "n", "as": "last"}]},
                {"filter": "datum.n == datum.last"},
            ],
            "mark": {"type": "point", "filled": True, "color": colour, "size": 30},
            "encoding": {"x": x, "y": y},
        },
    ]
    return spec


def series(rows: list[dict], *, title: str, decimals: int, description: str = "") -> dict:
    """The community total per period: a line with points (bars when there are few periods)."""
    spec = base_spec(description or title)
    spec["data"] = {"values": [_linked(r, {"period": r["key"], "value": r["value"]}) for r in rows]}
    fmt = number_format(decimals)
    x = {
        "field": "period",
        "type": "ordinal",
        "sort": None,
        "title": gettext("Period"),
        "axis": {"labelAngle": -45 if len(rows) > 12 else 0, "labelOverlap": "greedy"},
    }
    y = {
        "field": "value",
        "type": "quantitative",
        "title": title,
        "axis": {"format": "~s" if decimals == 0 else ",~f"},
    }
    tooltip = [
        {"field": "period", "title": gettext("Period")},
        {"field": "value", "title": title, "format": fmt},
    ]
    if len(rows) <= 6:
        spec["mark"] = {
            "type": "bar",
            "color": ACCENT,
            "cornerRadiusTopLeft": 2,
            "cornerRadiusTopRight": 2,
        }
        spec["encoding"] = {"x": x, "y": y, "tooltip": tooltip}
    else:
        spec["mark"] = {
            "type": "line",
            "color": ACCENT,
            "strokeWidth": 2.5,
            "point": {"filled": True, "size": 36},
        }
        spec["encoding"] = {"x": x, "y": y, "tooltip": tooltip}
    return spec


def bars(
    rows: list[dict], *, category_title: str, title: str, decimals: int, description: str = ""
) -> dict:
    """One horizontal bar per row ({"label": ..., "value": ...}), in the order given."""
    spec = base_spec(
        description
        or gettext("%(title)s by %(category)s") % {"title": title, "category": category_title},
        height=max(120, 24 * len(rows)),
    )
    spec["data"] = {
        "values": [_linked(r, {"label": r["label"], "value": r["value"]}) for r in rows]
    }
    spec["mark"] = {
        "type": "bar",
        "color": ACCENT,
        "cornerRadiusTopRight": 2,
        "cornerRadiusBottomRight": 2,
    }
    spec["encoding"] = {
        "y": {
            "field": "label",
            "type": "nominal",
            "sort": None,
            "title": None,
            "axis": {"labelLimit": 220},
        },
        "x": {"field": "value", "type": "quantitative", "title": title},
        "tooltip": [
            {"field": "label", "title": category_title},
            {"field": "value", "title": title, "format": number_format(decimals)},
        ],
    }
    return spec


def stacked(
    rows: list[dict],
    *,
    categories: list[str],
    dimension_title: str,
    title: str,
    decimals: int,
    stack: bool = True,
    description: str = "",
) -> dict:
    """Bars per period split by category ({"period", "category", "value"}); stacked for values
    that add up (sums), grouped side by side for those that do not (means, rates)."""
    spec = base_spec(
        description
        or gettext("%(title)s by %(category)s") % {"title": title, "category": dimension_title}
    )
    spec["data"] = {
        "values": [
            _linked(r, {"period": r["period"], "category": r["category"], "value": r["value"]})
            for r in rows
        ]
    }
    fmt = number_format(decimals)
    encoding = {
        "x": {
            "field": "period",
            "type": "ordinal",
            "sort": None,
            "title": gettext("Period"),
            "axis": {"labelAngle": -45 if len({r["period"] for r in rows}) > 12 else 0},
        },
        "y": {
            "field": "value",
            "type": "quantitative",
            "title": title,
            "stack": "zero" if stack else None,
        },
        "color": {
            "field": "category",
            "type": "nominal",
            "sort": categories,
            "title": dimension_title,
            "scale": {"domain": categories},
        },
        "order": {"field": "category_order", "type": "quantitative"},
        "tooltip": [
            {"field": "period", "title": gettext("Period")},
            {"field": "category", "title": dimension_title},
            {"field": "value", "title": title, "format": fmt},
        ],
    }
    spec["transform"] = [
        {"calculate": f"indexof({json.dumps(categories)}, datum.category)", "as": "category_order"}
    ]
    if not stack:
        encoding["xOffset"] = {"field": "category", "type": "nominal", "sort": categories}
    spec["mark"] = {"type": "bar"}
    spec["encoding"] = encoding
    return spec


PROVISIONAL_OPACITY = 0.35  # a provisional period's bar or point (docs/reference/periods.md)


def mark_provisional(spec: dict, period_field: str, provisional: set[str]) -> dict:
    """Mark the points of periods still being reported: each point gets ``provisional`` (true
    or false); bars and points of provisional periods are faded, and a line is dashed from the
    last complete period on, so that a period still being reported is not read as a fall."""
    values = spec["data"]["values"]
    for point in values:
        point["provisional"] = point.get(period_field) in provisional
    if not any(p["provisional"] for p in values):
        return spec
    enc = spec.pop("encoding")
    enc = {
        **enc,
        "tooltip": [
            *enc.get("tooltip", []),
            {"field": "status", "title": pgettext("a chart field", "Status")},
        ],
    }
    for point in values:
        point["status"] = "provisional" if point["provisional"] else "complete"
    fade = {
        "condition": {"test": "datum.provisional", "value": PROVISIONAL_OPACITY},
        "value": 1,
    }
    if "layer" in spec:  # an already layered chart: fade its points and bars
        spec["encoding"] = enc
        for layer in spec["layer"]:
            kind = layer.get("mark", {}).get("type")
            if kind in ("point", "bar", "circle", "square"):
                layer["encoding"] = {**layer.get("encoding", {}), "opacity": fade}
        return spec
    mark = spec.pop("mark")
    if mark.get("type") != "line":
        spec["mark"], spec["encoding"] = mark, {**enc, "opacity": fade}
        return spec
    # One solid line through complete periods, a dashed one from the last complete period of
    # each series ("bridge") through the provisional ones, and faded points.
    series = enc.get("color", {}).get("field")
    last: dict = {}
    for point in values:
        point["bridge"] = False
        if not point["provisional"]:
            last[point.get(series) if series else None] = point
    for point in last.values():
        point["bridge"] = True
    line = {k: v for k, v in mark.items() if k != "point"}
    points = {"type": "point", "filled": True, "size": 36}
    if "color" in mark:
        points["color"] = mark["color"]
    spec["layer"] = [
        {"transform": [{"filter": "!datum.provisional"}], "mark": line, "encoding": enc},
        {
            "transform": [{"filter": "datum.provisional || datum.bridge"}],
            "mark": {**line, "strokeDash": [5, 4], "opacity": 0.6},
            "encoding": enc,
        },
        {"mark": points, "encoding": {**enc, "opacity": fade}},
    ]
    return spec


def _figure(value) -> str:
    if isinstance(value, bool) or value is None:
        return gettext("no value")
    if isinstance(value, int | float):
        return number(value, 0 if float(value).is_integer() else 2)
    return str(value)


def text_alternative(spec: dict | None, title: str = "") -> str:
    """The words a chart is read as (its figure's label): the title, what it shows, and the
    latest figures (the last period of a series; the first bars otherwise). The table beside
    the chart has every figure; this is what a person who cannot see the chart hears first."""
    if not spec:
        return title
    description = spec.get("description") or ""
    parts = [p for p in (title, "" if description == title else description) if p]
    values = spec.get("data", {}).get("values") if isinstance(spec.get("data"), dict) else None
    rows = [r for r in values or [] if isinstance(r, dict) and "value" in r]
    if rows and "period" in rows[-1] and "category" in rows[-1]:
        period = rows[-1]["period"]
        latest = [r for r in rows if r["period"] == period]
        shown = "; ".join(f"{r['category']}: {_figure(r['value'])}" for r in latest)
        parts.append(
            gettext("Latest: %(period)s, %(figures)s") % {"period": period, "figures": shown}
        )
    elif rows and "period" in rows[-1]:
        last = rows[-1]
        parts.append(
            gettext("Latest: %(period)s, %(figures)s")
            % {"period": last["period"], "figures": _figure(last["value"])}
        )
    elif rows and "label" in rows[0]:
        shown = "; ".join(f"{r['label']}: {_figure(r['value'])}" for r in rows[:5])
        if len(rows) > 5:
            parts.append(
                gettext("Figures: %(figures)s and %(count)s more")
                % {"figures": shown, "count": len(rows) - 5}
            )
        else:
            parts.append(gettext("Figures: %(figures)s") % {"figures": shown})
    parts.append(gettext("The table beside it has every figure"))
    return ". ".join(p.rstrip(". ") for p in parts) + "."


LINK_FIELD = "explain"  # a point's link to how its figure was worked out (explain.md)
_LINKED_MARKS = {"point", "bar", "circle", "square", "tick", "rect"}


def _mark_type(unit: dict) -> str | None:
    mark = unit.get("mark")
    return mark if isinstance(mark, str) else (mark or {}).get("type")


def link_points(spec: dict) -> dict:
    """Make each bar and point a link to its figure's explanation: the marks drawing data whose
    points carry an ``explain`` address get a Vega-Lite ``href`` encoding (a click opens it;
    the table beside the chart carries the same links for keyboards). A line becomes a line
    without links and a layer of linked points on it, so that every point, not the whole line,
    is a link. Call it last, after ``mark_provisional``."""
    href = {"field": LINK_FIELD, "type": "nominal"}

    def has_links(unit: dict, inherited: list) -> bool:
        values = (unit.get("data") or {}).get("values", inherited) or []
        return any(isinstance(v, dict) and v.get(LINK_FIELD) for v in values)

    def linked(unit: dict) -> list[dict]:
        """The unit as one or more layers, its points and bars linked."""
        kind = _mark_type(unit)
        if kind in _LINKED_MARKS:
            return [{**unit, "encoding": {**unit.get("encoding", {}), "href": href}}]
        mark = unit.get("mark")
        if kind == "line" and isinstance(mark, dict) and mark.get("point"):
            points = {"type": "point", "filled": True, "size": 36}
            if isinstance(mark["point"], dict):
                points.update(mark["point"])
            if "color" in mark:
                points["color"] = mark["color"]
            line = {**unit, "mark": {k: v for k, v in mark.items() if k != "point"}}
            dots = {**unit, "mark": points}
            dots["encoding"] = {**unit.get("encoding", {}), "href": href}
            return [line, dots]
        return [unit]

    top = (spec.get("data") or {}).get("values") or []
    if "layer" in spec:
        layers = []
        for layer in spec["layer"]:
            layers += linked(layer) if has_links(layer, top) else [layer]
        spec["layer"] = layers
        return spec
    if not has_links(spec, top):
        return spec
    kind = _mark_type(spec)
    if kind == "line":
        mark = dict(spec.pop("mark"))
        mark.setdefault("point", True)
        enc = spec.pop("encoding")
        spec["layer"] = linked({"mark": mark, "encoding": enc})
        return spec
    return linked(spec)[0]


def unlink(spec: dict) -> dict:
    """The spec without the links of ``link_points`` (a downloaded file has no site to open)."""
    out = {k: v for k, v in spec.items() if k not in ("encoding", "layer", "data")}
    if "data" in spec:
        data = dict(spec["data"])
        if "values" in data:
            data["values"] = [
                {k: v for k, v in d.items() if k != LINK_FIELD} if isinstance(d, dict) else d
                for d in data["values"]
            ]
        out["data"] = data
    if "encoding" in spec:
        out["encoding"] = {k: v for k, v in spec["encoding"].items() if k != "href"}
    if "layer" in spec:
        out["layer"] = [unlink(layer) for layer in spec["layer"]]
    return out
