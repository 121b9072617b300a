"""Set-up pages for an initiative's structure: dimensions and their categories, organisations,
and areas as a tree. Each action is a form and an edit of the definition handed to
``services.apply`` (structure_pages.run); the pages only show and collect."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from commonmeasure.initiatives.models import Organisation
from commonmeasure.reporting.models import Submission

from . import forms_structure as f
from . import services
from .access import setup_access
from .forms_common import EditorPostForm
from .structure_pages import Change, find, move, run, where

_ORGANISATION_FIELDS = ("name", "identifiers", "description", "area", "backbone")

# -- dimensions and categories --------------------------------------------------------------------


def _dimension_actions(initiative) -> dict:
    def add_dimension(c):
        def edit(d):
            d.setdefault("dimensions", []).append(
                {
                    "code": c["code"],
                    "name": c["name"],
                    "categories": [{"code": c["category_code"], "name": c["category_name"]}],
                }
            )

        n = len(services.definition_of(initiative).get("dimensions") or [])
        return Change(
            edit,
            _("added the dimension %(name)s") % {"name": c["name"]},
            _("Dimension %(name)s added.") % {"name": c["name"]},
            None,  # adding overwrites nothing: a code taken meanwhile is refused as twice
            {"add-dimension": [f"dimensions.{n}"]},
        )

    def rename_dimension(c):
        def edit(d):
            find(d["dimensions"], c["dimension"], _("Dimension"))["name"] = c["name"]

        return Change(
            edit,
            _("renamed the dimension %(code)s to %(name)s") % {"code": c["dimension"], **c},
            _("Dimension renamed."),
            {f"dimensions/{c['dimension']}": c["version"]},
        )

    def move_dimension(c):
        def edit(d):
            move(
                d["dimensions"],
                find(d["dimensions"], c["dimension"], _("Dimension")),
                c["direction"],
            )

        return Change(
            edit,
            _("reordered the dimensions"),
            _("Dimensions reordered."),
            {"dimensions": c["version"]},
        )

    def remove_dimension(c):
        def edit(d):
            gone = find(d["dimensions"], c["dimension"], _("Dimension"))
            d["dimensions"].remove(gone)
            for indicator in d.get("indicators") or []:
                if gone["code"] in (indicator.get("dimensions") or []):
                    indicator["dimensions"].remove(gone["code"])

        return Change(
            edit,
            _("removed the dimension %(code)s") % {"code": c["dimension"]},
            _("Dimension removed."),
            {"dimensions": c["version"]},
        )

    def add_category(c):
        def edit(d):
            dim = find(d["dimensions"], c["dimension"], _("Dimension"))
            dim["categories"].append({"code": c["code"], "name": c["name"]})

        return Change(
            edit,
            _("added the category %(name)s to %(dimension)s") % c,
            _("Category %(name)s added.") % c,
            None,
        )

    def _category(d, c):
        dim = find(d["dimensions"], c["dimension"], _("Dimension"))
        return dim, find(dim["categories"], c["category"], _("Category"))

    def rename_category(c):
        def edit(d):
            _category(d, c)[1]["name"] = c["name"]

        return Change(
            edit,
            _("renamed the category %(dimension)s.%(category)s to %(name)s") % c,
            _("Category renamed."),
            {f"dimensions/{c['dimension']}": c["version"]},
        )

    def move_category(c):
        def edit(d):
            dim, category = _category(d, c)
            move(dim["categories"], category, c["direction"])

        return Change(
            edit,
            _("reordered the categories of %(dimension)s") % c,
            _("Categories reordered."),
            {f"dimensions/{c['dimension']}": c["version"]},
        )

    def remove_category(c):
        def edit(d):
            dim, category = _category(d, c)
            dim["categories"].remove(category)

        return Change(
            edit,
            _("removed the category %(dimension)s.%(category)s") % c,
            _("Category removed."),
            {f"dimensions/{c['dimension']}": c["version"]},
        )

    return {
        "add_dimension": (f.AddDimensionForm, {}, add_dimension),
        "rename_dimension": (f.RenameDimensionForm, {}, rename_dimension),
        "move_dimension": (f.MoveDimensionForm, {}, move_dimension),
        "remove_dimension": (f.DimensionForm, {}, remove_dimension),
        "add_category": (f.AddCategoryForm, {}, add_category),
        "rename_category": (f.RenameCategoryForm, {}, rename_category),
        "move_category": (f.MoveCategoryForm, {}, move_category),
        "remove_category": (f.CategoryForm, {}, remove_category),
    }


@login_required
def dimensions(request, code):
    initiative, access = setup_access(request.user, code)
    here = reverse("setup:dimensions", args=[initiative.code])
    posted = run(request, initiative, _dimension_actions(initiative), here)
    if isinstance(posted, HttpResponseBase):
        return posted
    definition = services.definition_of(initiative)
    used_by: dict[str, list[str]] = {}
    for indicator in definition.get("indicators") or []:
        for dim in indicator.get("dimensions") or []:
            used_by.setdefault(dim, []).append(indicator["name"])
    rows: dict[str, list[str]] = {}
    shown = []
    for n, dim in enumerate(definition.get("dimensions") or []):
        rows[f"dim:{dim['code']}"] = [f"dimensions.{dim['code']}", f"dimensions.{n}"]
        categories = []
        for m, cat in enumerate(dim["categories"]):
            row = f"cat:{dim['code']}:{cat['code']}"
            rows[row] = [
                f"dimensions.{dim['code']}.{cat['code']}",
                f"dimensions.{dim['code']}.categories.{cat['code']}",
                f"dimensions.{n}.categories.{m}",
            ]
            categories.append(
                {**cat, "row": row, "first": m == 0, "last": m == len(dim["categories"]) - 1}
            )
        shown.append(
            {
                **dim,
                "row": f"dim:{dim['code']}",
                "categories": categories,
                "version": services.version_of(definition, f"dimensions/{dim['code']}"),
                "indicators": used_by.get(dim["code"], []),
                "first": n == 0,
                "last": n == len(definition["dimensions"]) - 1,
            }
        )
    beside = posted.beside(rows)
    for dim in shown:
        dim["problems"] = beside.get(dim["row"], [])
        for cat in dim["categories"]:
            cat["problems"] = beside.get(cat["row"], [])
    return render(
        request,
        "setup/dimensions.html",
        {
            "initiative": initiative,
            "access": access,
            "here": "setup",
            "dimensions": shown,
            "version": services.version_of(definition, "dimensions"),
            "posted": posted,
            "add_problems": beside.get("add-dimension", []),
        },
        status=posted.status,
    )


# -- organisations ------------------------------------------------------------------------------------


def _leaf_areas(definition: dict) -> list[dict]:
    areas = definition.get("areas") or []
    parents = {a.get("parent") for a in areas}
    return [a for a in areas if a["code"] not in parents]


def _organisation_actions(initiative, definition, code: str | None) -> dict:
    def add(c):
        def edit(d):
            d.setdefault("organisations", []).append({"code": c["code"], "name": c["name"]})

        n = len(definition.get("organisations") or [])
        return Change(
            edit,
            _("added the organisation %(name)s") % c,
            _("Organisation %(name)s added.") % c,
            None,
            {"add-organisation": [f"organisations.{n}"]},
        )

    def change(c):
        def edit(d):
            org = find(d["organisations"], code, _("Organisation"))
            org.update(
                name=c["name"],
                identifiers=c["identifiers"],
                description=c["description"],
                area=c["area"],
                backbone=c["backbone"],
                named_in_benchmarks=c["named_in_benchmarks"],
            )

        n = next(
            (i for i, o in enumerate(definition.get("organisations") or []) if o["code"] == code),
            -1,
        )
        return Change(
            edit,
            _("changed the organisation %(name)s") % c,
            _("Organisation %(name)s saved.") % c,
            {f"organisations/{code}": c["version"]},
            {"organisation": [f"organisations.{n}", f"organisations.{code}"]},
        )

    def remove(c):
        def edit(d):
            d["organisations"].remove(find(d["organisations"], code, _("Organisation")))

        return Change(
            edit,
            _("removed the organisation %(code)s") % {"code": code},
            _("Organisation removed."),
            {f"organisations/{code}": c["version"]},
            {"organisation": [f"organisations.{code}"]},
        )

    taken = set(
        Organisation.objects.exclude(participations__initiative=initiative).values_list(
            "code", flat=True
        )
    )
    areas = {a["code"] for a in definition.get("areas") or []}
    return {
        "add_organisation": (f.AddOrganisationForm, {"taken": taken}, add),
        "change_organisation": (f.OrganisationForm, {"areas": areas}, change),
        "remove_organisation": (f.VersionedForm, {}, remove),
    }


def _area_names(definition: dict) -> dict[str, str]:
    return {a["code"]: a["name"] for a in definition.get("areas") or []}


@login_required
def organisations(request, code):
    initiative, access = setup_access(request.user, code)
    here = reverse("setup:organisations", args=[initiative.code])
    definition = services.definition_of(initiative)
    posted = run(request, initiative, _organisation_actions(initiative, definition, None), here)
    if isinstance(posted, HttpResponseBase):
        return posted
    definition = services.definition_of(initiative)
    reports = dict(
        Submission.objects.filter(initiative=initiative)
        .values_list("organisation__code")
        .annotate(n=Count("id"))
    )
    names = _area_names(definition)
    rows = [
        {
            **org,
            "area_name": names.get(org.get("area") or "", ""),
            "reports": reports.get(org["code"], 0),
        }
        for org in definition.get("organisations") or []
    ]
    beside = posted.beside({})
    return render(
        request,
        "setup/organisations.html",
        {
            "initiative": initiative,
            "access": access,
            "here": "setup",
            "organisations": rows,
            "version": services.version_of(definition, "organisations"),
            "posted": posted,
            "add_problems": beside.get("add-organisation", []),
        },
        status=posted.status,
    )


def _one_part(request, code, kind: str, key: str, missing: str, actions):
    """What the page of one organisation or area does first: who may see it, the part (or
    404), the posted action run (a redirect after a save: to the list after a removal), and the
    definition as it is after it. Returns (initiative, access, definition, part, posted), or
    the response to send."""
    initiative, access = setup_access(request.user, code)
    definition = services.definition_of(initiative)
    if services.part_of(definition, f"{kind}/{key}") is None:
        raise Http404(missing)
    single = kind[:-1]  # "organisations" -> "organisation", "areas" -> "area"
    sent = EditorPostForm(request.POST)
    sent.is_valid()  # every value is valid: run() refuses an unknown action
    removing = request.method == "POST" and sent.cleaned_data["action"] == f"remove_{single}"
    if removing:
        to = reverse(f"setup:{kind}", args=[initiative.code])
    else:
        to = reverse(f"setup:{single}", args=[initiative.code, key])
    posted = run(request, initiative, actions(initiative, definition, key), to)
    if isinstance(posted, HttpResponseBase):
        return posted
    definition = services.definition_of(initiative)
    return initiative, access, definition, services.part_of(definition, f"{kind}/{key}"), posted


@login_required
def organisation(request, code, org):
    found = _one_part(
        request,
        code,
        "organisations",
        org,
        _("No such organisation in this initiative."),
        _organisation_actions,
    )
    if isinstance(found, HttpResponseBase):
        return found
    initiative, access, definition, current, posted = found
    values = dict(current)
    values["identifiers"] = "\n".join(current.get("identifiers") or [])
    if posted.action == "change_organisation" and not posted.stale:
        values.update(posted.values)  # keep what was typed beside its message
        values["backbone"] = "backbone" in posted.values
        values["named_in_benchmarks"] = "named_in_benchmarks" in posted.values
    beside = posted.beside({})
    problems = beside.get("organisation", [])
    fields = dict(posted.errors)
    for problem in posted.problems:
        steps = where(problem).split(".")
        if len(steps) >= 3 and steps[2] in _ORGANISATION_FIELDS:
            fields.setdefault(steps[2], services.place_and_message(problem)[1])
    problems = [p for p in problems if p not in fields.values()]
    reports = Submission.objects.filter(initiative=initiative, organisation__code=org).count()
    return render(
        request,
        "setup/organisation.html",
        {
            "initiative": initiative,
            "access": access,
            "here": "setup",
            "org": current,
            "values": values,
            "areas": _leaf_areas(definition),
            "version": services.version_of(definition, f"organisations/{org}"),
            "posted": posted,
            "problems": problems,
            "fields": fields,
            "reports": reports,
        },
        status=posted.status,
    )


# -- areas ------------------------------------------------------------------------------------------


def parents_first(areas: list[dict]) -> list[dict]:
    """The flat list of areas reordered so that each comes after its parent, otherwise as it
    was (the definition loads parents first). Areas in a circle are left at the end, for the
    definition's own check to name."""
    codes = {a["code"] for a in areas}
    out, placed, left = [], set(), list(areas)
    while left:
        ready = [
            a
            for a in left
            if not a.get("parent") or a["parent"] in placed or a["parent"] not in codes
        ]
        if not ready:
            return out + left
        for a in ready:
            out.append(a)
            placed.add(a["code"])
        left = [a for a in left if a["code"] not in placed]
    return out


def _flat(d: dict) -> list[dict]:
    """The definition's areas flat (each with ``parent``), whatever way they were written."""
    out = []

    def visit(area, parent):
        row = {k: v for k, v in area.items() if k != "children"}
        if parent:
            row["parent"] = parent
        out.append(row)
        for child in area.get("children") or []:
            visit(child, area["code"])

    for area in d.get("areas") or []:
        visit(area, area.get("parent"))
    return out


def descendants(areas: list[dict], code: str) -> set[str]:
    """The codes of every area inside ``code`` (not ``code`` itself)."""
    found, frontier = set(), {code}
    while frontier:
        frontier = {a["code"] for a in areas if a.get("parent") in frontier} - found
        found |= frontier
    return found


def _area_actions(initiative, definition, code: str | None) -> dict:
    def add(c):
        def edit(d):
            areas = _flat(d)
            row = {"code": c["code"], "name": c["name"], "level": c["level"]}
            if c["parent"]:
                find(areas, c["parent"], _("Area"))
                row["parent"] = c["parent"]
            areas.append(row)
            d["areas"] = parents_first(areas)

        n = len(definition.get("areas") or [])
        return Change(
            edit,
            _("added the area %(name)s") % c,
            _("Area %(name)s added.") % c,
            None,
            {"add-area": [f"areas.{n}", f"areas: {c['code']}"]},
        )

    def change(c):
        def edit(d):
            areas = _flat(d)
            area = find(areas, code, _("Area"))
            area.update(name=c["name"], level=c["level"])
            if c["parent"]:
                area["parent"] = c["parent"]
            else:
                area.pop("parent", None)
            d["areas"] = parents_first(areas)

        return Change(
            edit,
            _("changed the area %(name)s") % c,
            _("Area %(name)s saved.") % c,
            {f"areas/{code}": c["version"]},
        )

    def remove(c):
        def edit(d):
            areas = _flat(d)
            find(areas, code, _("Area"))
            gone = {code} | descendants(areas, code)
            d["areas"] = [a for a in areas if a["code"] not in gone]

        return Change(
            edit,
            _("removed the area %(code)s") % {"code": code},
            _("Area removed."),
            {f"areas/{code}": c["version"]},
        )

    areas = definition.get("areas") or []
    movable = {a["code"] for a in areas}
    if code:
        movable -= {code} | descendants(areas, code)
    return {
        "add_area": (f.AddAreaForm, {}, add),
        "change_area": (f.AreaForm, {"parents": movable}, change),
        "remove_area": (f.VersionedForm, {}, remove),
    }


def _tree(definition: dict, counts: dict[str, int]) -> list[dict]:
    areas = definition.get("areas") or []
    children: dict[str | None, list[dict]] = {}
    for a in areas:
        children.setdefault(a.get("parent"), []).append(a)

    def node(a):
        return {
            **a,
            "organisations": counts.get(a["code"], 0),
            "children": [node(c) for c in children.get(a["code"], [])],
        }

    return [node(a) for a in children.get(None, [])]


def _organisations_by_area(definition: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    for org in definition.get("organisations") or []:
        if org.get("area"):
            counts[org["area"]] = counts.get(org["area"], 0) + 1
    return counts


@login_required
def areas(request, code):
    initiative, access = setup_access(request.user, code)
    here = reverse("setup:areas", args=[initiative.code])
    definition = services.definition_of(initiative)
    posted = run(request, initiative, _area_actions(initiative, definition, None), here)
    if isinstance(posted, HttpResponseBase):
        return posted
    definition = services.definition_of(initiative)
    beside = posted.beside({})
    return render(
        request,
        "setup/areas.html",
        {
            "initiative": initiative,
            "access": access,
            "here": "setup",
            "tree": _tree(definition, _organisations_by_area(definition)),
            "all_areas": definition.get("areas") or [],
            "version": services.version_of(definition, "areas"),
            "posted": posted,
            "add_problems": beside.get("add-area", []),
        },
        status=posted.status,
    )


@login_required
def area(request, code, area):
    found = _one_part(
        request, code, "areas", area, _("No such area in this initiative."), _area_actions
    )
    if isinstance(found, HttpResponseBase):
        return found
    initiative, access, definition, current, posted = found
    flat = definition.get("areas") or []
    inside = descendants(flat, area)
    values = dict(current)
    if posted.action == "change_area" and not posted.stale:
        values.update(posted.values)
    beside = posted.beside({})
    names = _area_names(definition)
    return render(
        request,
        "setup/area.html",
        {
            "initiative": initiative,
            "access": access,
            "here": "setup",
            "area": current,
            "parent_name": names.get(current.get("parent") or "", ""),
            "values": values,
            "parents": [a for a in flat if a["code"] != area and a["code"] not in inside],
            "inside": [a for a in flat if a["code"] in inside],
            "organisations": [
                o for o in definition.get("organisations") or [] if o.get("area") == area
            ],
            "version": services.version_of(definition, f"areas/{area}"),
            "posted": posted,
            "problems": beside.get(posted.row, []) if posted.row else [],
            "add_problems": beside.get("add-area", []),
        },
        status=posted.status,
    )
