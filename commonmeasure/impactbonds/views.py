"""The home page of the public impact bond database: the headline figures for any date, the
world map and the charts, each chart with its numbers as a table.

The figures are GO Lab's rules (``figures.headline``, docs/reference/impact-bond-stats.md) over
the public projects; the map and the charts show the same counted projects.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from . import charts, figures, selectors
from .views_common import (
    directory_url,
    long_date,
    number,
    parse_as_of,
    project_links,
    usd,
    usd_short,
)

# The key of projects without a sector; shown translated.
NO_SECTOR = gettext_noop("Sector not given")


def home(request):
    as_of, problem = parse_as_of(request.GET.get("as_of", ""))
    rows = selectors.directory_rows()
    result = figures.headline([r["facts"] for r in rows], as_of=as_of, explain=True)
    counted_ids = {line["id"] for line in result["projects"]}
    counted = [r for r in rows if r["id"] in counted_ids]

    countries = [
        {
            "code": code,
            "name": charts.country_name(code),
            "projects": n,
            "href": directory_url(country=code),
        }
        for code, n in result["by_country"].items()
    ]
    link = project_links()
    points = [
        {**p, "href": link(p["project"])} for p in selectors.delivery_points(sorted(counted_ids))
    ]
    launches, years, sectors, undated = launches_table(counted)
    no_sector = _(NO_SECTOR)  # the chart and its table name it in the viewer's language
    launches = [
        {**r, "sector": no_sector if r["sector"] == NO_SECTOR else r["sector"]} for r in launches
    ]
    sectors = [no_sector if s == NO_SECTOR else s for s in sectors]
    capital = capital_table(counted)
    capital_total = Decimal(result["capital_raised_usd"])
    context = {
        "as_of": as_of,
        "as_of_text": long_date(as_of) if as_of else "",
        "as_of_value": as_of.isoformat() if as_of else "",
        "problem": problem,
        "sentence": figures.headline_sentence(result),
        "figures": result,
        "cards": [
            {
                "label": _("Impact bonds"),
                "value": number(result["impact_bonds"]),
                "note": _("contracted, in delivery or complete"),
            },
            {
                "label": _("Service users"),
                "value": number(result["service_users"]),
                "note": ngettext(
                    "from %(n)s project; actual where given, else targeted",
                    "from %(n)s projects; actual where given, else targeted",
                    result["service_users_projects"],
                )
                % {"n": result["service_users_projects"]},
            },
            {
                "label": _("Capital raised"),
                "value": usd_short(capital_total),
                "note": ngettext(
                    "%(amount)s from %(n)s project",
                    "%(amount)s from %(n)s projects",
                    result["capital_projects"],
                )
                % {"amount": usd(capital_total), "n": result["capital_projects"]}
                + (
                    _("; %(n)s more in their own currency only")
                    % {"n": result["capital_unconverted_projects"]}
                    if result["capital_unconverted_projects"]
                    else ""
                ),
            },
            {
                "label": _("Countries"),
                "value": number(len(result["by_country"])),
                "note": _("delivery locations and jurisdictions"),
            },
        ],
        "map_spec": charts.world_map(
            countries, points, shapes_url=static("impactbonds/countries-110m.json")
        ),
        "map_countries": countries,
        "map_points": len(points),
        "launches_spec": charts.launches_by_sector(launches, years=years, sectors=sectors)
        if launches
        else None,
        "launches_table": launches_matrix(launches, years, sectors),
        "sectors": sectors,
        "undated": undated,
        "capital_spec": charts.capital_by_country(capital) if capital else None,
        "capital_rows": capital,
        "public_projects": len(rows),
    }
    return render(request, "impactbonds/home.html", context)


def launches_table(projects: list[dict]) -> tuple[list[dict], list[int], list[str], int]:
    """Impact bonds launched per year and policy sector: ([{"year", "sector", "projects"}], every
    year from the first to the last, sectors from the most to the fewest projects, the number
    of projects with no launch date)."""
    counts: Counter[tuple[int, str]] = Counter()
    undated = 0
    for p in projects:
        if p["launch_year"] is None:
            undated += 1
            continue
        counts[(p["launch_year"], p["sector"] or NO_SECTOR)] += 1
    if not counts:
        return [], [], [], undated
    per_sector: Counter[str] = Counter()
    for (_year, sector), n in counts.items():
        per_sector[sector] += n
    sectors = sorted(per_sector, key=lambda s: (s == NO_SECTOR, -per_sector[s], s))
    first, last = min(y for y, _ in counts), max(y for y, _ in counts)
    rows = [
        {"year": y, "sector": s, "projects": counts[(y, s)]}
        for y in range(first, last + 1)
        for s in sectors
        if counts[(y, s)]
    ]
    return rows, list(range(first, last + 1)), sectors, undated


def launches_matrix(rows: list[dict], years: list[int], sectors: list[str]) -> list[dict]:
    """The chart's numbers as a table: one row per year, one column per sector, and the total."""
    cell = {(r["year"], r["sector"]): r["projects"] for r in rows}
    return [
        {
            "year": y,
            "cells": [cell.get((y, s), 0) for s in sectors],
            "total": sum(cell.get((y, s), 0) for s in sectors),
        }
        for y in years
    ]


def capital_table(projects: list[dict]) -> list[dict]:
    """Capital raised in USD per country, largest first. A project's capital (GO Lab's rule: USD
    exact, else minimum) is counted in each of its countries, as the number of projects per
    country is; so the rows add up to more than the total when a project spans countries."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    projects_with: Counter[str] = Counter()
    for p in projects:
        if p["capital_usd"] is None:
            continue
        for code in p["countries"]:
            totals[code] += p["capital_usd"]
            projects_with[code] += 1
    rows = [
        {
            "code": code,
            "country": charts.country_name(code),
            "capital": total,
            "capital_text": usd(total),
            "projects": projects_with[code],
            "href": directory_url(country=code),
        }
        for code, total in totals.items()
    ]
    rows.sort(key=lambda r: (-r["capital"], r["country"]))
    return rows
