"""The directory of public impact bonds: filters (country, policy sector, stage, launch year,
SDG) and free-text search, all as GET parameters so that every view of it is a shareable
address, with the number of projects each choice would give.

The filters mean what they mean in the JSON API (``selectors.find_projects``): a country is a
delivery-location country or the jurisdiction; stage and sector ignore case; the launch year is
the year of the launch date. The search is wider than the API's: every word must appear in the
project's name or INDIGO id, a delivery location's name or a party organisation's name.
"""

from __future__ import annotations

from collections import Counter

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .charts import country_name, sdg_label
from .views_common import (
    STAGE_ORDER,
    countries_text,
    directory_url,
    number,
    project_links,
    stage_label,
    usd_short,
)

PAGE_SIZE = 50
SORTS = {
    "name": (gettext_lazy("Name"), lambda r: (r["name"].casefold(), r["id"])),
    "newest": (
        gettext_lazy("Newest first"),
        lambda r: (-(r["launch_date"].toordinal() if r["launch_date"] else 0), r["id"]),
    ),
    "oldest": (
        gettext_lazy("Oldest first"),
        lambda r: (r["launch_date"].toordinal() if r["launch_date"] else 10**7, r["id"]),
    ),
    "capital": (gettext_lazy("Capital raised"), lambda r: (-(r["capital_usd"] or 0), r["id"])),
    "users": (gettext_lazy("Service users"), lambda r: (-(r["service_users"] or 0), r["id"])),
}
FACETS = ("country", "sector", "stage", "year", "sdg")


def read_filters(params) -> tuple[dict, list[str]]:
    """The filters of a query string, each checked; a value that cannot be a filter is dropped
    with a message saying so."""
    problems = []
    filters = {
        "country": params.get("country", "").strip().upper(),
        "sector": params.get("sector", "").strip(),
        "stage": params.get("stage", "").strip(),
        "q": " ".join(params.get("q", "").split())[:200],
        "year": None,
        "sdg": None,
    }
    if filters["country"] and (len(filters["country"]) != 2 or not filters["country"].isalpha()):
        problems.append(
            _("“%(text)s” is not a country code (two letters, e.g. GB); the country filter is off.")
            % {"text": filters["country"][:20]}
        )
        filters["country"] = ""
    for key, low, high, what in (
        ("year", 1900, 2100, gettext_lazy("“%(text)s” is not a year; that filter is off.")),
        (
            "sdg",
            1,
            17,
            gettext_lazy("“%(text)s” is not an SDG goal (1 to 17); that filter is off."),
        ),
    ):
        text = params.get(key, "").strip()
        if not text:
            continue
        if text.isdigit() and low <= int(text) <= high:
            filters[key] = int(text)
        else:
            problems.append(what % {"text": text[:20]})
    return filters, problems


def matches(row: dict, filters: dict, skip: str = "") -> bool:
    if filters["country"] and skip != "country" and filters["country"] not in row["countries"]:
        return False
    if (
        filters["sector"]
        and skip != "sector"
        and row["sector"].casefold() != filters["sector"].casefold()
    ):
        return False
    if (
        filters["stage"]
        and skip != "stage"
        and row["stage"].casefold() != filters["stage"].casefold()
    ):
        return False
    if filters["year"] and skip != "year" and row["launch_year"] != filters["year"]:
        return False
    if filters["sdg"] and skip != "sdg" and filters["sdg"] not in row["sdg_goals"]:
        return False
    if filters["q"] and skip != "q" and row["id"] not in filters["q_ids"]:
        return False
    return True


def facet_counts(rows: list[dict], filters: dict) -> dict[str, Counter]:
    """For each filter, how many projects each of its values gives together with the other
    filters as they are (so choosing an option shows exactly that number)."""
    counts: dict[str, Counter] = {f: Counter() for f in FACETS}
    for row in rows:
        for facet in FACETS:
            if not matches(row, filters, skip=facet):
                continue
            if facet == "country":
                counts[facet].update(row["countries"])
            elif facet == "sdg":
                counts[facet].update(set(row["sdg_goals"]))
            elif facet == "year":
                if row["launch_year"]:
                    counts[facet][row["launch_year"]] += 1
            else:
                key = row["sector"] if facet == "sector" else row["stage"]
                if key:
                    counts[facet][key] += 1
    return counts


def _options(counter: Counter, selected, label, order) -> list[dict]:
    values = set(counter)
    if selected not in (None, ""):
        values.add(selected)
    return [
        {"value": v, "label": label(v), "count": counter.get(v, 0), "selected": v == selected}
        for v in sorted(values, key=order)
    ]


def directory(request):
    filters, problems = read_filters(request.GET)
    sort = request.GET.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    rows = selectors.directory_rows()
    filters["q_ids"] = selectors.search_project_ids(filters["q"]) if filters["q"] else set()
    found = sorted((r for r in rows if matches(r, filters)), key=SORTS[sort][1])
    counts = facet_counts(rows, filters)
    stage_rank = {s: i for i, s in enumerate(STAGE_ORDER)}
    facets = [
        {
            "name": "country",
            "label": _("Country"),
            "any": _("Any country"),
            "options": _options(
                counts["country"], filters["country"], country_name, lambda c: country_name(c)
            ),
        },
        {
            "name": "sector",
            "label": _("Policy sector"),
            "any": _("Any sector"),
            "options": _options(counts["sector"], filters["sector"], str, str.casefold),
        },
        {
            "name": "stage",
            "label": _("Stage"),
            "any": _("Any stage"),
            "options": _options(
                counts["stage"],
                filters["stage"],
                stage_label,
                lambda s: (stage_rank.get(s, 99), s),
            ),
        },
        {
            "name": "year",
            "label": _("Launch year"),
            "any": _("Any year"),
            "options": _options(counts["year"], filters["year"], str, lambda y: -y),
        },
        {
            "name": "sdg",
            "label": _("SDG goal"),
            "any": _("Any goal"),
            "options": _options(counts["sdg"], filters["sdg"], sdg_label, int),
        },
    ]
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    link = project_links()
    params = {k: v for k, v in filters.items() if v not in (None, "") and k != "q_ids"}
    active = [
        {
            "label": next(f["label"] for f in facets if f["name"] == key)
            if key != "q"
            else _("Search"),
            "value": _value_label(key, value),
            "remove": directory_url(**{**params, key: None}, sort=_sort_param(sort)),
        }
        for key, value in params.items()
    ]
    context = {
        "filters": filters,
        "facets": facets,
        "problems": problems,
        "active": active,
        "total": len(rows),
        "count": len(found),
        "page": page,
        "items": [_item(r, link) for r in page.object_list],
        "sort": sort,
        "sorts": [(k, v[0]) for k, v in SORTS.items()],
        "pages": _page_links(page, params, sort),
        "clear_url": directory_url(),
    }
    if not request.headers.get("HX-Request"):
        return render(request, "impactbonds/directory.html", context)
    response = render(request, "impactbonds/_directory.html", context)
    # The address bar keeps a short, shareable address: the filters that are set, nothing empty.
    response["HX-Push-Url"] = directory_url(**params, sort=_sort_param(sort))
    return response


def _sort_param(sort: str) -> str | None:
    return None if sort == "name" else sort


def _value_label(key: str, value) -> str:
    if key == "country":
        return country_name(value)
    if key == "sdg":
        return sdg_label(value)
    if key == "stage":
        return stage_label(value)
    return str(value)


def _page_links(page, params: dict, sort: str) -> dict:
    def url(n):
        return directory_url(**params, sort=_sort_param(sort), page=n if n > 1 else None)

    return {
        "previous": url(page.previous_page_number()) if page.has_previous() else "",
        "next": url(page.next_page_number()) if page.has_next() else "",
        "numbers": [
            {"n": n, "url": url(n), "current": n == page.number} for n in page.paginator.page_range
        ]
        if page.paginator.num_pages > 1
        else [],
    }


def _item(r: dict, link) -> dict:
    return {
        "id": r["id"],
        "name": r["name"] or r["id"],
        "url": link(r["id"]),
        "countries": countries_text(r["countries"]),
        "sector": r["sector"] or "–",
        "stage": r["stage"] or "–",
        "stage_label": stage_label(r["stage"]),
        "launched": r["launch_year"] or "–",
        "service_users": number(r["service_users"]) if r["service_users"] is not None else "–",
        "users_from": r["service_users_from"],
        "capital": usd_short(r["capital_usd"]) if r["capital_usd"] is not None else "–",
        "capital_from": r["capital_from"],
    }
