"""Vega-Lite specs for the insight pages, built from the rows their tables show.

The look (fonts, colours, axes) is shared with ``commonmeasure.charts``.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from commonmeasure.charts import ACCENT, BAD, GOOD, PALETTE, base_spec, number_format

MUTED = "#9aa5b1"
OWN = "#e0812f"


def peers(points: list[dict], summary, *, title: str, decimals: int, description: str) -> dict:
    """Each organisation's value as a dot over a box from the lower to the upper quartile, the
    median marked and whiskers to the lowest and highest shown values; the viewer's own dot
    (``own``) in another colour. ``points``: {"label", "value", "own"}."""
    spec = base_spec(description, height=140)
    fmt = number_format(decimals)
    x = {"field": "value", "type": "quantitative", "title": title, "scale": {"zero": False}}
    layers = []
    if summary is not None:
        box = [
            {
                "min": summary.minimum,
                "q1": summary.lower_quartile,
                "median": summary.median,
                "q3": summary.upper_quartile,
                "max": summary.maximum,
            }
        ]
        layers += [
            {
                "data": {"values": box},
                "mark": {"type": "rule", "color": MUTED},
                "encoding": {"x": {**x, "field": "min"}, "x2": {"field": "max"}},
            },
            {
                "data": {"values": box},
                "mark": {"type": "bar", "color": "#dbe6f0", "size": 40},
                "encoding": {
                    "x": {**x, "field": "q1"},
                    "x2": {"field": "q3"},
                    "tooltip": [
                        {"field": "q1", "title": _("Lower quartile"), "format": fmt},
                        {"field": "median", "title": _("Median"), "format": fmt},
                        {"field": "q3", "title": _("Upper quartile"), "format": fmt},
                    ],
                },
            },
            {
                "data": {"values": box},
                "mark": {"type": "tick", "color": ACCENT, "thickness": 3, "size": 40},
                "encoding": {"x": {**x, "field": "median"}},
            },
        ]
    layers.append(
        {
            "data": {"values": points},
            "mark": {"type": "point", "filled": True, "size": 90, "opacity": 0.9},
            "encoding": {
                "x": x,
                "color": {
                    "field": "own",
                    "type": "nominal",
                    "scale": {"domain": [True, False], "range": [OWN, ACCENT]},
                    "legend": None,
                },
                "tooltip": [
                    {"field": "label", "title": _("Organisation")},
                    {"field": "value", "title": title, "format": fmt},
                ],
            },
        }
    )
    spec["layer"] = layers
    return spec


def funnel(
    points: list[dict], curve: list[dict], target: float, *, title: str, description: str
) -> dict:
    """A funnel plot: each organisation's rate against its denominator, the pooled target and
    the 95% (dashed) and 99.8% (solid) control limits. Rates are already multiplied by the
    indicator's factor. ``curve``: {"n", "lower_95", "upper_95", "lower_99_8", "upper_99_8"}."""
    spec = base_spec(description, height=340)
    x = {"field": "n", "type": "quantitative", "title": _("Denominator (people)")}
    y_title = title
    limits = []
    for field, dash, name in (
        ("lower_95", [5, 4], "95% limits"),
        ("upper_95", [5, 4], "95% limits"),
        ("lower_99_8", None, "99.8% limits"),
        ("upper_99_8", None, "99.8% limits"),
    ):
        mark = {"type": "line", "color": MUTED, "strokeWidth": 1.5, "interpolate": "monotone"}
        if dash:
            mark["strokeDash"] = dash
        limits.append(
            {
                "data": {"values": curve},
                "mark": mark,
                "encoding": {
                    "x": x,
                    "y": {"field": field, "type": "quantitative", "title": y_title},
                    "tooltip": [{"field": "n", "title": "n"}, {"field": field, "title": name}],
                },
            }
        )
    spec["layer"] = [
        *limits,
        {
            "data": {"values": [{"target": target}]},
            "mark": {"type": "rule", "color": ACCENT, "strokeWidth": 1.5},
            "encoding": {"y": {"field": "target", "type": "quantitative"}},
        },
        {
            "data": {"values": points},
            "mark": {"type": "point", "filled": True, "size": 90},
            "encoding": {
                "x": x,
                "y": {"field": "rate", "type": "quantitative", "title": y_title},
                "color": {
                    "field": "flag",
                    "type": "nominal",
                    # xgettext:no-python-format
                    "title": _("Against the 99.8% limits"),
                    "scale": {"domain": ["within", "above", "below"], "range": [ACCENT, GOOD, BAD]},
                },
                "shape": {
                    "field": "own",
                    "type": "nominal",
                    "scale": {"domain": [True, False], "range": ["diamond", "circle"]},
                    "legend": None,
                },
                "tooltip": [
                    {"field": "label", "title": _("Organisation")},
                    {"field": "rate", "title": title, "format": ",.2f"},
                    {"field": "n", "title": _("Denominator")},
                ],
            },
        },
    ]
    return spec


def percentiles(rows: list[dict], *, description: str) -> dict:
    """One bar per indicator: the share of peers the organisation does better than (0 to 100),
    polarity taken into account, with rules at the quartiles."""
    spec = base_spec(description, height=max(120, 28 * len(rows)))
    y = {
        "field": "label",
        "type": "nominal",
        "sort": None,
        "title": None,
        "axis": {"labelLimit": 240},
    }
    spec["layer"] = [
        {
            "data": {"values": rows},
            "mark": {"type": "bar", "color": ACCENT, "cornerRadiusEnd": 2},
            "encoding": {
                "y": y,
                "x": {
                    "field": "percentile",
                    "type": "quantitative",
                    # xgettext:no-python-format
                    "title": _("Better than this % of peers"),
                    "scale": {"domain": [0, 100]},
                },
                "tooltip": [
                    {"field": "label", "title": _("Indicator")},
                    {"field": "percentile", "title": _("Percentile"), "format": ".1f"},
                ],
            },
        },
        {
            "data": {"values": [{"at": 25}, {"at": 50}, {"at": 75}]},
            "mark": {"type": "rule", "color": MUTED, "strokeDash": [3, 3]},
            "encoding": {"x": {"field": "at", "type": "quantitative"}},
        },
    ]
    return spec


def pivot(
    points: list[dict],
    *,
    x_title: str,
    series_title: str | None,
    title: str,
    decimals: int,
    line: bool,
    description: str,
) -> dict:
    """The explorer's chart: ``points`` {"x", "series", "value"}. A line per series over periods
    (``line``), otherwise bars (grouped when there is a series)."""
    spec = base_spec(description)
    spec["data"] = {"values": points}
    order = list(dict.fromkeys(p["x"] for p in points))
    encoding = {
        "x": {"field": "x", "type": "ordinal", "sort": order, "title": x_title},
        "y": {"field": "value", "type": "quantitative", "title": title},
        "tooltip": [
            {"field": "x", "title": x_title},
            {"field": "value", "title": title, "format": number_format(decimals)},
        ],
    }
    if series_title:
        series = list(dict.fromkeys(p["series"] for p in points))
        encoding["color"] = {
            "field": "series",
            "type": "nominal",
            "sort": series,
            "title": series_title,
            "scale": {"range": PALETTE},
        }
        encoding["tooltip"].insert(1, {"field": "series", "title": series_title})
        if not line:
            encoding["xOffset"] = {"field": "series", "type": "nominal", "sort": series}
    if line:
        spec["mark"] = {"type": "line", "point": {"filled": True, "size": 36}, "strokeWidth": 2}
    else:
        spec["mark"] = {"type": "bar", "color": ACCENT}
    spec["encoding"] = encoding
    return spec


def turn_the_curve(
    history: list[dict], forecast: list[dict], targets: list[dict], *, title: str, description: str
) -> dict:
    """History (solid), the baseline forecast (dashed) and the targets (diamonds), each
    ``{"period", "value"}``, on one period axis."""
    spec = base_spec(description, height=280)
    order = sorted({r["period"] for r in [*history, *forecast, *targets]})
    x = {"field": "period", "type": "ordinal", "sort": order, "title": _("Period")}
    y = {"field": "value", "type": "quantitative", "title": title}
    actual, forecast_name, target = _("Actual"), _("Baseline forecast"), _("Target")
    rows = (
        [{**r, "series": actual} for r in history]
        + [{**r, "series": forecast_name} for r in forecast]
        + [{**r, "series": target} for r in targets]
    )
    colour = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {
            "domain": [actual, forecast_name, target],
            "range": [ACCENT, MUTED, OWN],
        },
    }
    tooltip = [{"field": "series"}, {"field": "period"}, {"field": "value", "format": ",.2~f"}]
    spec["data"] = {"values": rows}
    spec["layer"] = [
        {
            "transform": [{"filter": f"datum.series == {json.dumps(actual, ensure_ascii=False)}"}],
            "mark": {"type": "line", "point": {"filled": True, "size": 36}, "strokeWidth": 2.5},
            "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip},
        },
        {
            "transform": [
                {"filter": f"datum.series == {json.dumps(forecast_name, ensure_ascii=False)}"}
            ],
            "mark": {"type": "line", "strokeDash": [6, 4], "strokeWidth": 2},
            "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip},
        },
        {
            "transform": [{"filter": f"datum.series == {json.dumps(target, ensure_ascii=False)}"}],
            "mark": {"type": "point", "shape": "diamond", "filled": True, "size": 120},
            "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip},
        },
    ]
    return spec
