"""Data-quality pages: the backbone's overview (who has not reported, completeness, timeliness,
outliers, failed rules) and the history of a report's values with its export.

Who may see what is decided by ``commonmeasure.initiatives.access``: the overview is the
backbone's (it shows unapproved values of every organisation); a report's history is for those
who may see its unapproved values. See docs/reference/web-pages.md and data-quality.md.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonmeasure import charts
from commonmeasure.domain import periods
from commonmeasure.initiatives.access import get_initiative
from commonmeasure.reporting import audit, breakdowns, quality, rules
from commonmeasure.reporting.models import Submission
from commonmeasure.reporting.presenters import status_label

from .forms import DismissFlagForm
from .pages import open_report

OVERVIEW_PERIODS = 6


@require_POST
def dismiss_flag(request, code):
    """POST /i/CODE/quality/dismiss/: the backbone explains and dismisses one outlier flag."""
    initiative, access = get_initiative(request.user, code)
    if not access.can_review:
        raise Forbidden(_("Only the initiative's backbone can dismiss data-quality flags."))
    form = DismissFlagForm(request.POST)
    back = reverse("quality", args=[initiative.code])
    if not form.is_valid():
        problems = "; ".join(f"{e}" for errors in form.errors.values() for e in errors)
        messages.error(
            request, _("The flag was not dismissed: %(problems)s") % {"problems": problems}
        )
        period = form.posted_period
        return redirect(f"{back}?period={period}#outliers" if period else f"{back}#outliers")
    data = form.cleaned_data
    submission = (
        Submission.objects.filter(
            initiative=initiative, organisation__code=data["organisation"], period=data["period"]
        )
        .select_related("organisation", "initiative")
        .first()
    )
    indicator = initiative.indicators.filter(code=data["indicator"]).first()
    if submission is None or indicator is None:
        raise Http404(_("No such value"))
    try:
        quality.dismiss_flag(
            submission, indicator, data["key"], data["value"], data["comment"], request.user
        )
    except quality.CannotDismiss as problem:
        messages.error(request, _("The flag was not dismissed: %(problem)s") % {"problem": problem})
    else:
        messages.success(
            request,
            _(
                "Dismissed the flag of %(indicator)s for %(organisation)s; the reason is kept in the report's history."
            )
            % {"indicator": indicator.name, "organisation": submission.organisation.name},
        )
    return redirect(f"{back}?period={data['period']}#outliers")


def overview(request, code):
    initiative, access = get_initiative(request.user, code)
    if not access.can_review:
        raise Forbidden(_("Only the initiative's backbone can see its data quality."))
    due = quality.due_periods(initiative, OVERVIEW_PERIODS)
    chosen = due[0]
    if request.GET.get("period"):
        try:
            chosen = initiative.parse_period(request.GET["period"].strip())
        except periods.PeriodError:
            raise Http404(_("No such period")) from None
        if chosen.code not in {p.code for p in due}:
            due = [chosen] + due[:-1]
    cells = quality.completeness(initiative, due)
    orgs = []
    seen = set()
    for c in cells:
        if c.organisation.id not in seen:
            seen.add(c.organisation.id)
            mine = [x for x in cells if x.organisation.id == c.organisation.id]
            orgs.append(
                {
                    "organisation": c.organisation,
                    "cells": [{"cell": x, "label": status_label(x.status)} for x in mine],
                    "on_time_rate": quality.on_time_rate(mine),
                }
            )
    per_period = []
    for p in reversed(due):
        mine = [c for c in cells if c.period == p.code]
        reported = sum(1 for c in mine if c.has_reported)
        per_period.append(
            {
                "period": p.code,
                "reported": reported,
                "organisations": len(mine),
                "share": 100 * reported / len(mine) if mine else 0.0,
                "values": sum(c.reported for c in mine),
                "expected": sum(c.expected for c in mine),
            }
        )
    spec = charts.bars(
        [{"label": r["period"], "value": r["share"]} for r in per_period],
        category_title=_("Period"),
        title=_("Organisations reported (%)"),
        decimals=0,
        description=_("Share of organisations that have submitted their report, per period"),
    )
    missing = [
        {"cell": c, "label": status_label(c.status)}
        for c in quality.not_reported([c for c in cells if c.period == chosen.code])
    ]
    subs = list(
        Submission.objects.filter(initiative=initiative, period=chosen.code).select_related(
            "organisation"
        )
    )
    rule_set = rules.RuleSet.for_initiative(initiative)
    failures = []
    if rule_set and subs:
        sums = rules.totals([s.id for s in subs])
        for s in sorted(subs, key=lambda s: s.organisation.name):
            for o in rule_set.failures(sums[s.id]):
                failures.append({"submission": s, "outcome": o})
    checked = breakdowns.specs(initiative) if subs else {}
    if checked:  # breakdowns that disagree with their totals, e.g. stored before the check
        values = breakdowns.stored([s.id for s in subs], checked, breakdowns.dims_of(initiative.id))
        for s in sorted(subs, key=lambda s: s.organisation.name):
            for o in breakdowns.check_values(checked, values[s.id]):
                failures.append({"submission": s, "outcome": o})
    flagged = quality.outliers(initiative, chosen.code)
    return render(
        request,
        "web/quality.html",
        {
            "here": "quality",
            "initiative": initiative,
            "access": access,
            "period": chosen,
            "due": due,
            "deadline": initiative.deadline_for(chosen),
            "orgs": orgs,
            "per_period": per_period,
            "spec": spec,
            "missing": missing,
            "outliers": [f for f in flagged if f.review is None],
            "dismissed": [f for f in flagged if f.review is not None],
            "failures": failures,
            "overall_on_time": quality.on_time_rate(cells),
        },
    )


def history(request, code, org_code, period_code):
    initiative, access, organisation, period, submission = open_report(
        request, code, org_code, period_code
    )
    indicator = request.GET.get("indicator") or None
    key = request.GET.get("key")
    if indicator is not None and not initiative.indicators.filter(code=indicator).exists():
        raise Http404(_("No such indicator"))
    entries = audit.history(submission, indicator, key) if submission else []
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        if submission is None:
            raise Http404(_("There is no report for this period yet"))
        name = f"history-{initiative.code}-{organisation.code}-{period.code}"
        if fmt == "csv":
            response = HttpResponse(
                audit.export_csv(submission, entries), content_type="text/csv; charset=utf-8"
            )
        else:
            response = HttpResponse(
                audit.export_xlsx(submission, entries),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response
    return render(
        request,
        "web/history.html",
        {
            "initiative": initiative,
            "access": access,
            "organisation": organisation,
            "period": period,
            "submission": submission,
            "entries": entries,
            "steps": (
                list(submission.status_changes.select_related("changed_by").order_by("-id"))
                if submission is not None and indicator is None
                else []
            ),
            "reviews": quality.reviews_of(submission, indicator, key) if submission else [],
            "indicator": indicator,
            "key": key,
            "query": request.GET.urlencode(),
        },
    )
