"""The indicator dictionary's set-up pages (docs/reference/setup-pages.md, "Indicators").

Thin views: each binds a form from forms_indicators.py and calls one function of
indicators.py, which changes the initiative through ``services.apply``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from commonmeasure.interchange.definition import DefinitionError
from commonmeasure.rollups import tasks as rollup_tasks

from . import indicators
from .access import setup_access
from .forms_indicators import (
    NEW_INDICATOR,
    ActionForm,
    FormulaCheckForm,
    IndicatorForm,
    MoveForm,
    RetireForm,
    SaveButtonsForm,
    component_formset,
    initial_from,
)
from .services import Refused, Stale, version_of


def _list_url(initiative, **query) -> str:
    url = reverse("setup:indicators", args=[initiative.code])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


@login_required
@require_GET
def indicator_list(request, code):
    initiative, access = setup_access(request.user, code)
    rows = indicators.rows(initiative)
    task = request.GET.get("rebuild", "")
    return render(
        request,
        "setup/indicators.html",
        {
            "initiative": initiative,
            "access": access,
            "here": "setup",
            "rows": rows,
            "last": len(rows) - 1,
            "rebuild": _rebuild_context(initiative, task) if "rebuild" in request.GET else None,
        },
    )


def _rebuild_context(initiative, task: str) -> dict:
    state = rollup_tasks.rebuild_state(initiative, task or None)
    return {
        "state": state,
        "running": state in (rollup_tasks.QUEUED, rollup_tasks.RUNNING),
        "url": reverse("setup:indicators_rebuild", args=[initiative.code]) + f"?task={task}",
        "page_url": _list_url(initiative, rebuild=task),
    }


@login_required
@require_GET
def rebuild_status(request, code):
    """The rollups' rebuild after a change of rules, polled by the list page."""
    initiative, _access = setup_access(request.user, code)
    return render(
        request,
        "setup/_rebuild_status.html",
        {"rebuild": _rebuild_context(initiative, request.GET.get("task", ""))},
    )


# -- create and edit -----------------------------------------------------------------------------


@login_required
def indicator_new(request, code):
    return _edit(request, code, None)


@login_required
def indicator_edit(request, code, indicator):
    return _edit(request, code, indicator)


def _edit(request, code, indicator_code):
    initiative, access = setup_access(request.user, code)
    current, version = (None, "")
    if indicator_code is not None:
        current, version = indicators.current(initiative, indicator_code)
        if current is None:
            raise Http404(_("No such indicator."))
    base = current or NEW_INDICATOR
    if request.method != "POST":
        form = IndicatorForm(
            initiative=initiative,
            code=indicator_code,
            initial={**initial_from(base), "version": version},
        )
        formset = component_formset(
            None,
            initiative=initiative,
            code=indicator_code,
            components=(base.get("composite") or {}).get("components") or [],
        )
        return _page(request, initiative, access, form, formset, indicator_code, current)

    form = IndicatorForm(
        request.POST.copy(),  # a copy: a stale save sets the version in it
        initiative=initiative,
        code=indicator_code,
        initial={"code": indicator_code},
    )
    data = form.data
    formset = component_formset(data, initiative=initiative, code=indicator_code)
    buttons = SaveButtonsForm(request.POST)
    buttons.is_valid()  # every value is valid
    if buttons.cleaned_data["preview"]:  # the preview without JavaScript: nothing is saved
        preview = _preview(initiative, indicator_code, form, formset)
        return _page(
            request, initiative, access, form, formset, indicator_code, current, preview=preview
        )
    if not (form.is_valid() & formset.is_valid()):
        return _page(request, initiative, access, form, formset, indicator_code, current, 400)
    components = [m for m in (f.mapping() for f in formset.forms) if m]
    mapping = form.mapping(components)
    sent_version = form.cleaned_data["version"] or None
    changed_rules = indicators.rules_changed(current, mapping)
    # Confirmed: the list of changes was shown for exactly this mapping.
    fingerprint = version_of({"indicator": mapping}, "indicator")
    confirm = bool(changed_rules) and buttons.cleaned_data["confirm"] != fingerprint
    try:
        saved = indicators.save(
            initiative,
            indicator_code,
            mapping,
            by=request.user,
            version=sent_version,
            dry_run=confirm,
            archive_values=form.cleaned_data["archive_values"],
        )
    except Stale as stale:
        return _stale(request, initiative, access, form, formset, data, stale, mapping)
    except DefinitionError as refused:
        top = form.place_problems(
            refused.problems, _position(initiative, indicator_code), mapping["code"]
        )
        return _page(request, initiative, access, form, formset, indicator_code, current, 400, top)
    except Refused as refused:
        return _page(
            request,
            initiative,
            access,
            form,
            formset,
            indicator_code,
            current,
            400,
            refused.problems,
            offer_archive=_leaves_values(current, mapping),
        )
    if confirm:
        return _page(
            request,
            initiative,
            access,
            form,
            formset,
            indicator_code,
            current,
            changes=_changes_in_words(initiative, saved.outcome.changes),
            fingerprint=fingerprint,
            affected=indicators.affected(initiative, indicator_code),
            reports=indicators.approved_reports(initiative, indicator_code),
        )
    if not saved.outcome.changed:
        messages.info(request, _("Nothing changed."))
    elif indicator_code is None:
        messages.success(request, _("Created %(name)s.") % {"name": mapping["name"]})
    else:
        messages.success(request, _("Saved %(name)s.") % {"name": mapping["name"]})
    if saved.rebuild_task:
        return redirect(_list_url(initiative, rebuild=saved.rebuild_task))
    return redirect(_list_url(initiative))


def _leaves_values(current: dict | None, mapping: dict) -> bool:
    """Whether the change makes a reported indicator computed or survey-fed (its stored values
    would no longer be used: the load refuses it unless they are archived)."""
    if current is None or current.get("kind") != "reported":
        return False
    return mapping["kind"] != "reported" or (mapping["survey_fed"] and not current["survey_fed"])


def _position(initiative, indicator_code) -> int:
    """Where the indicator is in the definition's list (a new one goes at the end)."""
    codes = [r["code"] for r in indicators.rows(initiative)]
    return codes.index(indicator_code) if indicator_code in codes else len(codes)


def _stale(request, initiative, access, form, formset, data, stale, mine):
    """Someone saved this indicator since the page opened: show theirs beside mine, and let
    the page save mine over theirs (the form now carries their version)."""
    code = form.editing
    if code is None:
        form.add_error("code", _("An indicator with this code already exists."))
        form.described()
        return _page(request, initiative, access, form, formset, None, None, 409)
    theirs = stale.current
    if theirs is None:
        messages.error(request, _("Someone else deleted this indicator since you opened it."))
        return redirect(_list_url(initiative))
    data["version"] = version_of({"indicators": [theirs]}, indicators.path(code))
    form = IndicatorForm(data, initiative=initiative, code=code, initial={"code": code})
    form.is_valid()
    differences = [
        {"label": label, "mine": _shown(mine.get(key)), "theirs": _shown(theirs.get(key))}
        for key, label in _labels().items()
        if _shown(mine.get(key)) != _shown(theirs.get(key))
    ]
    return _page(request, initiative, access, form, formset, code, theirs, 409, stale=differences)


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v)}" for k, v in value.items() if k != "components") + (
            "; "
            + ", ".join(f"{c.get('indicator')} × {c.get('weight', 1)}" for c in value["components"])
            if value.get("components")
            else ""
        )
    return str(value)


def _labels() -> dict[str, str]:
    """The definition file's names of an indicator's fields, in the page's words."""
    out = {name: str(f.label) for name, f in IndicatorForm.base_fields.items() if f.label}
    out["composite"] = _("Composite")
    out["outliers"] = _("Outlier check")
    return {k: v for k, v in out.items() if not k.startswith(("composite_", "outliers_"))}


def _changes_in_words(initiative, changes: dict) -> list[str]:
    """The dry run's changes: "People enrolled: Across organisations: sum → mean"."""
    names = dict(initiative.indicators.values_list("code", "name"))
    labels = _labels()
    out = []
    for path, (old, new) in changes.items():
        parts = path.split(".")
        if parts[0] == "indicators" and len(parts) >= 3:
            name = names.get(parts[1], parts[1])
            field = labels.get(parts[2], parts[2])
            detail = " ".join(parts[3:])
            what = f"{field} ({detail})" if detail else field
            out.append(
                _("%(name)s: %(field)s: %(old)s → %(new)s")
                % {"name": name, "field": what, "old": _word(old), "new": _word(new)}
            )
        else:
            out.append(f"{path}: {_word(old)} → {_word(new)}")
    return out


def _word(value: str) -> str:
    """A value of the dry run's list of changes as people read it."""
    return {"": "—", "[]": "—", "{}": "—", "True": _("yes"), "False": _("no")}.get(value, value)


def _page(
    request,
    initiative,
    access,
    form,
    formset,
    indicator_code,
    current,
    status=200,
    problems=(),
    stale=None,
    changes=None,
    affected=(),
    reports=0,
    fingerprint="",
    offer_archive=False,
    preview=None,
):
    kind = form["kind"].value() or "reported"
    check_url = reverse("setup:indicators_check_formula", args=[initiative.code]) + (
        f"?indicator={indicator_code}" if indicator_code else ""
    )
    form.fields["formula"].widget.attrs.update(
        {
            "hx-post": check_url,
            "hx-trigger": "input changed delay:400ms" + (", load" if kind == "formula" else ""),
            "hx-target": "#formula-check",
        }
    )
    return render(
        request,
        "setup/indicator_form.html",
        {
            "initiative": initiative,
            "access": access,
            "here": "setup",
            "form": form,
            "formset": formset,
            "fieldsets": [
                (legend, [form[name] for name in names]) for legend, names in form.FIELDSETS
            ],
            "composite_fields": [form[name] for name in form.COMPOSITE_FIELDS],
            "indicator_code": indicator_code,
            "current": current,
            "kind": kind,
            "problems": list(problems),
            "stale": stale,
            "changes": changes,
            "affected": affected,
            "reports": reports,
            "fingerprint": fingerprint,
            "preview": preview,
            "offer_archive": offer_archive or bool(form["archive_values"].value()),
            "preview_url": reverse("setup:indicators_preview", args=[initiative.code])
            + (f"?indicator={indicator_code}" if indicator_code else ""),
        },
        status=status,
    )


# -- the live checks ---------------------------------------------------------------------------


@login_required
@require_POST
def check_formula(request, code):
    """The formula box's check as it is typed (htmx), with the definition file's checks."""
    initiative, _access = setup_access(request.user, code)
    form = FormulaCheckForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The formula is too long."))
    result = indicators.check_formula(
        initiative, request.GET.get("indicator") or None, form.cleaned_data["formula"]
    )
    return render(request, "setup/_formula_check.html", {"check": result})


@login_required
@require_POST
def preview_composite(request, code):
    """The composite as the form now declares it, for the latest period (htmx)."""
    initiative, _access = setup_access(request.user, code)
    indicator_code = request.GET.get("indicator") or None
    form = IndicatorForm(request.POST, initiative=initiative, code=indicator_code)
    formset = component_formset(request.POST, initiative=initiative, code=indicator_code)
    preview = _preview(initiative, indicator_code, form, formset)
    return render(request, "setup/_composite_preview.html", {"preview": preview})


def _preview(initiative, indicator_code, form, formset) -> indicators.CompositePreview:
    """The composite as the (bound) form declares it, for the latest period."""
    form.is_valid()
    if not formset.is_valid() or any(f in form.errors for f in form.COMPOSITE_FIELDS):
        return indicators.CompositePreview(None, [], _("Correct the components first."))
    d = form.cleaned_data
    spec = {
        "normalisation": d["composite_normalisation"],
        "aggregation": d["composite_aggregation"],
        "cap": d["composite_cap"],
        "missing": d["composite_missing"],
        "components": [m for m in (f.mapping() for f in formset.forms) if m],
    }
    decimals = d.get("decimals")
    return indicators.composite_preview(
        initiative, indicator_code, spec, 2 if decimals is None else decimals
    )


# -- the list's buttons --------------------------------------------------------------------------


@login_required
@require_POST
def indicator_move(request, code, indicator):
    initiative, _access = setup_access(request.user, code)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose up or down."))
    _run(
        request,
        initiative,
        lambda: indicators.move(
            initiative,
            indicator,
            -1 if form.cleaned_data["direction"] == "up" else 1,
            by=request.user,
            version=form.cleaned_data["version"],
        ),
    )
    return redirect(_list_url(initiative) + f"#row-{indicator}")


@login_required
@require_POST
def indicator_retire(request, code, indicator):
    initiative, _access = setup_access(request.user, code)
    form = RetireForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The page is out of date: reload it."))
    retired = form.cleaned_data["retired"]
    if _run(
        request,
        initiative,
        lambda: indicators.retire(
            initiative, indicator, retired, by=request.user, version=form.cleaned_data["version"]
        ),
    ):
        name = initiative.indicators.get(code=indicator).name
        messages.success(
            request,
            (_("Retired %(name)s.") if retired else _("%(name)s is reported again."))
            % {"name": name},
        )
    return redirect(_list_url(initiative) + f"#row-{indicator}")


@login_required
def indicator_delete(request, code, indicator):
    """A confirmation step, then the deletion; refused (with "retire instead") while values
    use the indicator."""
    initiative, access = setup_access(request.user, code)
    current, version = indicators.current(initiative, indicator)
    if current is None:
        raise Http404(_("No such indicator."))
    problems, dry = [], None
    if request.method == "POST":
        form = ActionForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(_("The page is out of date: reload it."))
        try:
            indicators.delete(
                initiative, indicator, by=request.user, version=form.cleaned_data["version"]
            )
        except Stale:
            messages.error(request, _("Someone else changed this indicator: look again."))
            return redirect(request.path)
        except (Refused, DefinitionError) as refused:
            problems = refused.problems
        else:
            messages.success(request, _("Deleted %(name)s.") % {"name": current["name"]})
            return redirect(_list_url(initiative))
    else:
        try:
            dry = indicators.delete(
                initiative, indicator, by=request.user, version=version, dry_run=True
            )
        except (Refused, DefinitionError) as refused:
            problems = refused.problems
    return render(
        request,
        "setup/indicator_delete.html",
        {
            "initiative": initiative,
            "access": access,
            "here": "setup",
            "indicator": current,
            "version": version,
            "problems": problems,
            "users": indicators.users_of(initiative, indicator),
            "removed_with": indicators.removed_with(initiative, indicator) if dry else [],
        },
        status=400 if problems and request.method == "POST" else 200,
    )


def _run(request, initiative, action) -> bool:
    """Run a list button's change; say what stopped it. True when it was made."""
    try:
        action()
    except Stale:
        messages.error(
            request, _("Someone else changed this indicator since the page opened: look again.")
        )
    except (Refused, DefinitionError) as refused:
        for problem in refused.problems:
            messages.error(request, problem)
    else:
        return True
    return False
