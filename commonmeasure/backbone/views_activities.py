"""Mutually reinforcing activities: every member of an initiative sees each organisation's
activities and the matrix of organisations x goals; an organisation's reporters add and edit
its activities, the backbone those of every organisation (Access.can_edit)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonmeasure.initiatives.access import get_initiative
from commonmeasure.initiatives.models import Organisation

from . import exports, matrix, services
from .forms import ActivityForm, ActivityOrganisationForm
from .models import Activity


def member_access(user, code):
    """The initiative for its members; 404 if unseen, 403 if seen only because it is published."""
    initiative, access = get_initiative(user, code)
    if not access.is_member:
        raise Forbidden(_("Only the initiative's members can see this page."))
    return initiative, access


def organisations(initiative):
    return list(
        Organisation.objects.filter(participations__initiative=initiative).order_by("name", "code")
    )


def build_matrix(initiative) -> matrix.Matrix:
    goals = [(g.get("code", ""), g.get("name", "")) for g in initiative.goals or []]
    orgs = [(o.code, o.name) for o in organisations(initiative)]
    acts = Activity.objects.filter(initiative=initiative).values_list("organisation__code", "goals")
    return matrix.build(goals, orgs, [(org, goals or []) for org, goals in acts])


@login_required
def activity_list(request, code):
    initiative, access = member_access(request.user, code)
    m = build_matrix(initiative)
    acts = list(
        Activity.objects.filter(initiative=initiative)
        .select_related("organisation")
        .prefetch_related("indicators")
        .order_by("organisation__name", "name", "id")
    )
    goal_names = {g: n for g, n in m.goals}
    by_org = []
    for org in organisations(initiative):
        mine = [a for a in acts if a.organisation_id == org.id]
        by_org.append(
            {
                "organisation": org,
                "activities": [
                    {"activity": a, "goals": [(g, goal_names.get(g, g)) for g in a.goals or []]}
                    for a in mine
                ],
                "may_edit": access.can_edit(org.id),
            }
        )
    table = [
        {
            "code": org,
            "name": name,
            "cells": [
                {"goal": g, "count": m.count(org, g), "state": m.state(g)} for g, _ in m.goals
            ],
            "total": m.activities_of(org),
        }
        for org, name in m.organisations
    ]
    footer = [
        {"goal": g, "organisations": m.organisations_serving(g), "state": m.state(g)}
        for g, _ in m.goals
    ]
    spec = exports.heat_map(
        m, description=_("Activities per organisation and goal; gaps are goals no one works on")
    )
    return render(
        request,
        "backbone/activities.html",
        {
            "initiative": initiative,
            "access": access,
            "matrix": m,
            "table": table,
            "footer": footer,
            "spec": spec,
            "gaps": [(g, goal_names[g]) for g in m.gaps],
            "overlaps": [(g, goal_names[g], m.organisations_serving(g)) for g in m.overlaps],
            "threshold": matrix.OVERLAP_THRESHOLD,
            "by_org": by_org,
        },
    )


@login_required
def matrix_export(request, code, fmt):
    initiative, access = member_access(request.user, code)
    m = build_matrix(initiative)
    name = f"{initiative.code}-activity-matrix"
    if fmt == "csv":
        response = HttpResponse(exports.matrix_csv(m), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.matrix_xlsx(m, title=f"{initiative.name}: activities by organisation and goal"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _form(request, initiative, access, organisation, activity=None):
    errors, posted = {}, None
    if request.method == "POST":
        form = ActivityForm(request.POST, initiative=initiative)
        if form.is_valid():
            saved = services.save_activity(
                initiative, organisation, by=request.user, activity=activity, **form.cleaned_data
            )
            messages.success(request, _("Activity “%(name)s” saved.") % {"name": saved.name})
            return redirect("backbone:activities", initiative.code)
        errors, posted = form.messages, form.typed()
    elif activity is not None:
        posted = {
            "name": activity.name,
            "description": activity.description,
            "goals": activity.goals,
            "indicators": list(activity.indicators.values_list("code", flat=True)),
        }
    else:
        posted = {"name": "", "description": "", "goals": [], "indicators": []}
    return render(
        request,
        "backbone/activity_form.html",
        {
            "initiative": initiative,
            "access": access,
            "organisation": organisation,
            "activity": activity,
            "posted": posted,
            "errors": errors,
            "indicators": initiative.indicators.all(),
        },
        status=400 if errors else 200,
    )


@login_required
def activity_new(request, code):
    initiative, access = member_access(request.user, code)
    posted = ActivityOrganisationForm(request.POST)
    posted.is_valid()  # every value is valid: an unknown organisation is a 404 below
    org_code = request.GET.get("organisation") or posted.cleaned_data["organisation"]
    org = Organisation.objects.filter(code=org_code, participations__initiative=initiative).first()
    if org is None:
        raise Http404("No such organisation in this initiative")
    if not access.can_edit(org.id):
        raise Forbidden(
            _("Only the organisation's reporters and the backbone edit its activities.")
        )
    return _form(request, initiative, access, org)


def _activity(request, code, activity_id):
    initiative, access = member_access(request.user, code)
    activity = get_object_or_404(
        Activity.objects.select_related("organisation"), pk=activity_id, initiative=initiative
    )
    if not access.can_edit(activity.organisation_id):
        raise Forbidden(
            _("Only the organisation's reporters and the backbone edit its activities.")
        )
    return initiative, access, activity


@login_required
def activity_edit(request, code, activity_id):
    initiative, access, activity = _activity(request, code, activity_id)
    return _form(request, initiative, access, activity.organisation, activity)


@login_required
@require_POST
def activity_delete(request, code, activity_id):
    initiative, _access, activity = _activity(request, code, activity_id)
    services.delete_activity(activity)
    messages.success(request, _("Activity “%(name)s” deleted.") % {"name": activity.name})
    return redirect("backbone:activities", initiative.code)
