"""The data-entry grid for one organisation and period, and the workflow buttons under it.

Rows are indicators: a total cell, and cells for the indicator's allowed disaggregations (one
cell per category for one dimension, a cross table for two). Saving goes through
``reporting.services.save_values`` with the submission's version, so a save that started from
an older version is refused and the difference is shown without losing what was typed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from commonmeasure.domain import periods
from commonmeasure.initiatives.access import get_initiative
from commonmeasure.initiatives.models import Indicator
from commonmeasure.reporting import breakdowns, ownership, quality, report_checks, rules, services
from commonmeasure.reporting.models import DataValue, Submission, disaggregation_key
from commonmeasure.reporting.presenters import (
    NOT_STARTED,
    plain_number,
    recent_periods,
    status_label,
    submission_statuses,
)
from commonmeasure.reporting.services import StaleVersion, WorkflowError, cell_name

from .forms import CheckedCellForm, GridActionForm, GridCellsForm
from .pages import open_report, participating_organisation


@dataclass
class Cell:
    name: str
    categories: dict[str, str]
    label: str
    value: str = ""  # what the input shows
    error: str = ""
    comment: str = ""  # stored comment, kept on save
    changed: bool = False  # differs from the value someone else saved meanwhile
    flag: str = ""  # why the value needs a second look (an outlier), shown but not blocking
    saved: str | None = None  # the stored value, when ``value`` shows what was typed instead

    @property
    def saved_value(self) -> str:
        """What Escape puts back in the cell: the value as stored."""
        return self.value if self.saved is None else self.saved


@dataclass
class IndicatorRow:
    indicator: Indicator
    total: Cell
    kind: str = "none"  # none, one, cross, many
    lines: list[dict] = field(default_factory=list)  # one/many: [{"dimension", "cells"}]
    cross: dict | None = (
        None  # {"rows": dim, "cols": dim, "col_labels", "lines": [(label, [Cell])]}
    )
    extra: list[Cell] = field(
        default_factory=list
    )  # stored combinations the layout has no place for
    owned: str = ""  # the survey whose responses give its values this period: not typed

    def cells(self) -> list[Cell]:
        out = [self.total]
        for line in self.lines:
            out += line["cells"]
        if self.cross:
            for _label, cells in self.cross["lines"]:
                out += cells
        return out + self.extra


def _cell(indicator: Indicator, cats: dict[str, str], label: str) -> Cell:
    return Cell(cell_name(indicator.code, cats), dict(cats), label)


def reported_indicators(initiative) -> list[Indicator]:
    """The indicators reporters type in: formula and composite ones are computed, not entered;
    retired ones are no longer reported."""
    return list(
        initiative.indicators.filter(kind=Indicator.REPORTED, is_retired=False)
        .prefetch_related("dimensions__categories")
        .select_related("weight_indicator")
    )


def build_rows(
    indicators: list[Indicator], stored: dict[tuple[int, str], tuple[float, str, dict]]
) -> list[IndicatorRow]:
    """The grid's layout, filled with stored values: {(indicator id, key): (value, comment, categories)}."""
    rows = []
    for ind in indicators:
        dims = list(ind.dimensions.all())
        row = IndicatorRow(ind, _cell(ind, {}, _("Total")))
        if len(dims) == 1 or len(dims) > 2:
            row.kind = "one" if len(dims) == 1 else "many"
            for d in dims:
                row.lines.append(
                    {
                        "dimension": d,
                        "cells": [_cell(ind, {d.code: c.code}, c.name) for c in d.categories.all()],
                    }
                )
        elif len(dims) == 2:
            row.kind = "cross"
            rdim, cdim = dims
            cols = list(cdim.categories.all())
            row.cross = {
                "rows": rdim,
                "cols": cdim,
                "col_labels": [c.name for c in cols],
                "lines": [
                    (
                        r.name,
                        [
                            _cell(
                                ind, {rdim.code: r.code, cdim.code: c.code}, f"{r.name}, {c.name}"
                            )
                            for c in cols
                        ],
                    )
                    for r in rdim.categories.all()
                ],
            }
        placed = {c.name for c in row.cells()}
        for (iid, _key), (_value, _comment, cats) in sorted(
            stored.items(), key=lambda kv: kv[0][1]
        ):
            if iid == ind.id and cell_name(ind.code, cats) not in placed:
                label = ", ".join(f"{d}: {c}" for d, c in sorted(cats.items()))
                row.extra.append(_cell(ind, cats, label))
        for cell in row.cells():
            value = _stored_for(stored, ind, cell)
            if value is not None:
                cell.value, cell.comment = plain_number(value[0]), value[1]
        rows.append(row)
    return rows


def _stored_for(stored, ind, cell):
    key, _categories = disaggregation_key(cell.categories)
    return stored.get((ind.id, key))


def stored_values(submission: Submission | None) -> dict:
    if submission is None:
        return {}
    return {
        (iid, key): (value, comment, cats)
        for iid, key, value, comment, cats in DataValue.objects.filter(
            submission=submission
        ).values_list(
            "indicator_id", "disaggregation__key", "value", "comment", "disaggregation__categories"
        )
    }


@require_http_methods(["GET", "POST"])
def grid(request, code, org_code, period_code):
    initiative, access, organisation, period, submission = open_report(
        request, code, org_code, period_code
    )
    if request.method == "POST":
        return _post(request, initiative, access, organisation, period, submission)
    rows = build_rows(reported_indicators(initiative), stored_values(submission))
    return _render(request, initiative, access, organisation, period, submission, rows)


def _breakdown_sums(rows, checked) -> None:
    """The running sum of each breakdown of a checked indicator, shown beside its total (and
    kept up to date as cells are typed by grid.js): on each line, and on the cross table."""
    for row in rows:
        if row.indicator.id not in checked:
            continue
        groups = [(line, line["dimension"].name, line["cells"]) for line in row.lines]
        if row.cross:
            label = f"{row.cross['rows'].name} × {row.cross['cols'].name}"
            groups.append(
                (row.cross, label, [c for _label, cells in row.cross["lines"] for c in cells])
            )
        for holder, label, cells in groups:
            given = []
            for cell in cells:
                try:
                    given.append(float(cell.value))
                except ValueError:
                    continue
            holder["sum"] = {
                "label": label,
                "total": row.total.name,
                "given": len(given),
                "expected": len(cells),
                "value": plain_number(math.fsum(given)) if given else "",
            }


def _quality(rows, submission):
    """Outlier flags on the cells, and the validation rules' outcomes for the stored values."""
    flags = quality.flags_for_submission(submission)
    for row in rows:
        for cell in row.cells():
            cell.flag = flags.get((row.indicator.id, disaggregation_key(cell.categories)[0]), "")
    return report_checks.check_submission(submission) if submission else []


def _render(
    request,
    initiative,
    access,
    organisation,
    period,
    submission,
    rows,
    *,
    version=None,
    difference=None,
    status=200,
):
    status_code = submission.status if submission else NOT_STARTED
    locked = services.locked_by_deadline(access, submission, period.code)
    editable = (
        access.can_edit(organisation.id)
        and (submission is None or submission.is_editable)
        and not locked
    )
    outcomes = _quality(rows, submission)
    _breakdown_sums(rows, breakdowns.specs(initiative))
    owners = ownership.Owners(initiative)
    for row in rows:
        cover = owners.owner(organisation.id, row.indicator.id, period) if owners else None
        row.owned = cover.source if cover is not None and row.indicator.survey_fed else ""
    deadline = initiative.deadline_for(period)
    past_deadline = deadline is not None and timezone.localdate() > deadline
    recent = recent_periods(initiative, 12)
    if period.code not in {p.code for p in recent}:
        recent = [period] + recent[:-1] if period.start > recent[-1].start else recent + [period]
    statuses = submission_statuses(initiative, organisation.id, [p.code for p in recent])
    is_submittable = submission is None or submission.is_editable
    return render(
        request,
        "web/grid.html",
        {
            "initiative": initiative,
            "access": access,
            "organisation": organisation,
            "period": period,
            "submission": submission,
            "status": status_code,
            "status_label": status_label(status_code),
            "rows": rows,
            "editable": editable,
            "version": version
            if version is not None
            else (submission.version if submission else 1),
            "can_submit": access.can_submit(organisation.id) and is_submittable and not locked,
            "locked_by_deadline": locked,
            "deadline": deadline,
            "late": services.is_late(submission, initiative, period.code),
            "can_unlock": access.can_review
            and past_deadline
            and is_submittable
            and (submission is None or submission.unlocked_at is None),
            "rule_outcomes": [o for o in outcomes if o.status != "passed"],
            "rules_passed": sum(1 for o in outcomes if o.status == "passed"),
            "rule_count": len(outcomes),
            "can_approve": access.can_review and status_code == Submission.SUBMITTED,
            "can_reopen": access.can_review and status_code == Submission.APPROVED,
            "difference": difference,
            "picker": [
                {
                    "code": p.code,
                    "status": statuses[p.code],
                    "label": status_label(statuses[p.code]),
                }
                for p in recent
            ],
            "has_errors": any(cell.error for row in rows for cell in row.cells()),
        },
        status=status,
    )


def _post(request, initiative, access, organisation, period, submission):
    form = GridActionForm(request.POST)
    here = reverse("grid", args=[initiative.code, organisation.code, period.code])
    if not form.is_valid():
        messages.error(request, form.messages["action"])
        return redirect(here)
    action = form.cleaned_data["action"]
    try:
        if action in ("save", "submit") and services.locked_by_deadline(
            access, submission, period.code
        ):
            raise WorkflowError(services.DEADLINE_MESSAGE)
        if action == "unlock":
            services.unlock_report(access, organisation, period.code, request.user)
            messages.success(
                request,
                _(
                    "Unlocked %(period)s: %(organisation)s can enter and submit it after the "
                    "deadline."
                )
                % {"period": period.code, "organisation": organisation.name},
            )
        elif action in ("save", "submit"):
            if action == "save" and not access.can_edit(organisation.id):
                raise services.PermissionDenied(_("You may not edit this organisation's report."))
            if action == "save" and submission is not None and not submission.is_editable:
                raise WorkflowError(
                    _("This report is %(status)s and cannot be edited.")
                    % {"status": submission.status}
                )
            if access.can_edit(organisation.id) and (submission is None or submission.is_editable):
                outcome = _save(request, initiative, access, organisation, period, submission)
                if outcome is None:  # every cell blank and no report yet: nothing to save
                    if action == "save":
                        messages.info(request, _("Nothing to save: every cell is blank."))
                        return redirect(here)
                elif not isinstance(outcome, Submission):
                    return outcome
                else:
                    submission = outcome
            if action == "save":
                messages.success(
                    request,
                    _("Saved %(organisation)s's report for %(period)s.")
                    % {"organisation": organisation.name, "period": period.code},
                )
                return redirect(here)
            if submission is None:
                raise WorkflowError(
                    _("An empty report cannot be submitted: enter at least one value first.")
                )
            services.submit(access, submission, request.user)
            messages.success(
                request,
                _("Submitted %(period)s for review by the backbone.") % {"period": period.code},
            )
        else:  # approve, return, reopen
            if submission is None:
                raise WorkflowError(_("There is no report for this period yet."))
            comment = form.cleaned_data["comment"]
            # The version the page was loaded at: a report changed since is not acted on.
            seen = {"expected_version": form.cleaned_data["version"]}
            if action == "approve":
                services.approve(access, submission, request.user, comment.strip(), **seen)
                messages.success(
                    request,
                    _("Approved %(organisation)s's report for %(period)s.")
                    % {"organisation": organisation.name, "period": period.code},
                )
            elif action == "return":
                services.return_for_changes(access, submission, request.user, comment, **seen)
                messages.success(
                    request,
                    _("Returned the report to %(organisation)s with your comment.")
                    % {"organisation": organisation.name},
                )
            else:
                services.reopen(access, submission, request.user, comment, **seen)
                messages.success(
                    request,
                    _("Reopened %(period)s: %(organisation)s can edit it again.")
                    % {"period": period.code, "organisation": organisation.name},
                )
    except services.PermissionDenied as denied:
        raise Forbidden(str(denied)) from None
    except WorkflowError as problem:
        messages.error(request, str(problem))
    return redirect(here)


def _save(request, initiative, access, organisation, period, submission):
    """Save the posted cells: the submission on success, None when there was nothing to save,
    else the page to show."""
    indicators = reported_indicators(initiative)
    rows = build_rows(indicators, stored_values(submission))
    form = GridCellsForm.for_rows(request.POST, rows)
    form.is_valid()
    posted = form.posted()
    _warn_retired(
        request, initiative, form.posted_indicator_codes() - {row.indicator.code for row in rows}
    )
    version = form.cleaned_data["version"]
    if submission is None and form.is_blank():
        return None
    errors = form.messages  # a cell that is not a number: the save is not tried
    if not errors:
        try:
            result = services.save_report(
                access,
                organisation,
                period.code,
                form.inputs(),
                expected_version=version,
                user=request.user,
                note=form.cleaned_data["note"],
            )
        except StaleVersion as stale:
            return _stale(
                request, initiative, access, organisation, period, indicators, rows, posted, stale
            )
        errors = result.errors  # cells the save may not write (a survey's, breakdowns)
    if errors:
        _fill(rows, posted, errors)
        messages.error(
            request,
            _("Nothing was saved: %(count)s cell(s) need correcting.") % {"count": len(errors)},
        )
        return _render(
            request,
            initiative,
            access,
            organisation,
            period,
            submission,
            rows,
            version=version,
            status=400,
        )
    return result.submission


def _stale(request, initiative, access, organisation, period, indicators, rows, posted, stale):
    """The grid again after a save refused as made on an older version: what was typed, the
    current version, and the difference from what someone else saved meanwhile."""
    current = stale.current
    fresh = build_rows(indicators, stored_values(current))
    difference = _difference(fresh, posted)
    _fill(rows, posted)
    differing = {d["name"] for d in difference}
    for row in rows:
        for cell in row.cells():
            cell.changed = cell.name in differing
    messages.error(request, str(stale))
    return _render(
        request,
        initiative,
        access,
        organisation,
        period,
        current,
        rows,
        version=current.version,
        difference=difference,
        status=409,
    )


def _warn_retired(request, initiative, codes: set[str]) -> None:
    """Cells posted for a retired indicator (a page opened before it was retired) are not
    saved: say so, naming it. ``codes``: the indicators of posted cells the grid did not offer."""
    for indicator in initiative.indicators.filter(code__in=codes, is_retired=True):
        messages.warning(
            request,
            _("%(name)s is retired: it is no longer reported, so its values were not saved.")
            % {"name": indicator.name},
        )


def _fill(rows, posted, errors=None):
    for row in rows:
        for cell in row.cells():
            if cell.name in posted:
                if cell.saved is None:
                    cell.saved = cell.value
                cell.value = posted[cell.name]
            cell.error = (errors or {}).get(cell.name, "")


def _difference(fresh_rows, posted) -> list[dict]:
    out = []
    for row in fresh_rows:
        for cell in row.cells():
            if cell.name not in posted:
                continue
            mine, theirs = posted[cell.name], cell.value
            if _same(mine, theirs):
                continue
            out.append(
                {
                    "name": cell.name,
                    "indicator": row.indicator.name,
                    "cell": cell.label,
                    "mine": mine or _("(blank)"),
                    "theirs": theirs or _("(blank)"),
                }
            )
    return out


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False


@require_POST
def check_cell(request, code, org_code, period_code):
    """Inline validation of one cell (htmx): an empty fragment, or the message."""
    initiative, access, organisation, period, submission = open_report(
        request, code, org_code, period_code
    )
    if not access.can_edit(organisation.id):
        raise Forbidden(_("You may not edit this organisation's report."))
    picked = CheckedCellForm(request.POST, trigger=request.headers.get("HX-Trigger-Name") or "")
    picked.is_valid()
    name = picked.cleaned_data["name"]
    if not name:
        return HttpResponse('<span class="cell-msg"></span>')
    indicator = initiative.indicators.filter(
        code=picked.cleaned_data["indicator"], kind=Indicator.REPORTED
    ).first()
    if indicator is None:
        return HttpResponse(
            format_html('<span class="cell-msg error">{}</span>', _("Unknown indicator."))
        )
    if indicator.is_retired:
        return HttpResponse(
            format_html(
                '<span class="cell-msg error">{}</span>',
                _("%(name)s is retired: it is no longer reported.") % {"name": indicator.name},
            )
        )
    cell = GridCellsForm(request.POST, [(name, indicator, {}, "")])
    cell.is_valid()
    if cell.posted()[name] == "":
        return HttpResponse('<span class="cell-msg"></span>')
    panel = _rules_panel(request, initiative)
    if name in cell.errors:
        return HttpResponse(
            format_html('<span class="cell-msg error">{}</span>', cell.messages[name]) + panel
        )
    return HttpResponse('<span class="cell-msg ok" aria-hidden="true"></span>' + panel)


def _rules_panel(request, initiative) -> str:
    """The validation rules checked on the totals typed so far, swapped in out of band."""
    from django.template.loader import render_to_string

    rule_set = rules.RuleSet.for_initiative(initiative)
    if not rule_set:
        return ""
    indicators = list(initiative.indicators.all())
    totals = GridCellsForm.for_totals(request.POST, indicators)
    totals.is_valid()
    typed = totals.numbers()
    values = {
        ind.code: typed[cell_name(ind.code, {})]
        for ind in indicators
        if cell_name(ind.code, {}) in typed
    }
    outcomes = rule_set.check(values)
    return render_to_string(
        "web/_rules.html",
        {
            "rule_outcomes": [o for o in outcomes if o.status != "passed"],
            "rules_passed": sum(1 for o in outcomes if o.status == "passed"),
            "rule_count": len(outcomes),
            "oob": True,
        },
    )


def goto_period(request, code, org_code):
    """The period picker's form: go to the grid of the period typed or chosen."""
    initiative, access = get_initiative(request.user, code)
    organisation = participating_organisation(initiative, org_code)
    text = request.GET.get("period", "").strip()
    try:
        period = initiative.parse_period(text)
    except periods.PeriodError as problem:
        messages.error(request, f"{problem}.")
        return redirect(reverse("organisation", args=[initiative.code, organisation.code]))
    return redirect(reverse("grid", args=[initiative.code, organisation.code, period.code]))
