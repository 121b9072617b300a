"""The initiative's settings (the backbone), an organisation's consent to be named in peer
comparisons (its reporters and the backbone), and the reporting calendar (members)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from commonmeasure.initiatives.models import Participation
from commonmeasure.reporting.presenters import status_label
from commonmeasure.reporting.services import reports_a_deadline_locks

from . import deadlines, services
from .forms import DeadlinePreviewForm, NamingForm, SettingsForm
from .models import SettingsChange
from .views_activities import member_access
from .views_members import backbone_access


@login_required
def settings_page(request, code):
    initiative, access = backbone_access(request.user, code)
    errors, stale = {}, None
    values = services.current_settings(initiative)
    version = services.version_of(initiative)
    preview = None
    if request.method == "POST":
        form = SettingsForm(request.POST, initiative=initiative)
        if not form.is_valid():
            errors = form.messages
        else:
            try:
                change = services.save_settings(
                    initiative,
                    form.settings(),
                    version=form.cleaned_data["version"],
                    by=request.user,
                )
            except services.Stale as refused:
                stale = refused
                version = services.version_of(initiative)  # saving again replaces the values
            else:
                messages.success(
                    request,
                    _("Settings saved.")
                    if change
                    else _("Nothing had changed; nothing was saved."),
                )
                return redirect("backbone:settings", initiative.code)
        values = form.typed()
        preview = _deadline_preview(initiative, DeadlinePreviewForm(request.POST))
    return render(
        request,
        "backbone/settings.html",
        {
            "initiative": initiative,
            "access": access,
            "values": values,
            "version": version,
            "errors": errors,
            "stale": stale,
            "preview": preview,
            "indicators": initiative.indicators.all(),
            "participations": initiative.participations.select_related("organisation").order_by(
                "organisation__name"
            ),
            "changes": SettingsChange.objects.filter(initiative=initiative)
            .select_related("changed_by")
            .order_by("-changed_at", "-id")[:50],
        },
        status=409 if stale else (400 if errors else 200),
    )


def _deadline_preview(initiative, form: DeadlinePreviewForm) -> dict | None:
    """How many reports still open to their reporters the deadline posted in ``form`` would
    lock (``reports_a_deadline_locks``, the rule the form checks before saving); None when the
    deadline is not a valid one or is the current one."""
    if not form.is_valid():
        return None
    days = form.cleaned_data["deadline_days"]
    if days == initiative.deadline_days:
        return None
    locked = reports_a_deadline_locks(initiative, days)
    return {"days": days, "count": len(locked), "reports": locked[:10]}


@login_required
def deadline_preview(request, code):
    """The settings page asks this as the deadline is typed (htmx): the reports it would lock."""
    initiative, _ = backbone_access(request.user, code)
    return render(
        request,
        "backbone/_deadline_preview.html",
        {
            "initiative": initiative,
            "preview": _deadline_preview(initiative, DeadlinePreviewForm(request.GET)),
        },
    )


@login_required
def naming(request, code, org_code):
    initiative, access = member_access(request.user, code)
    participation = get_object_or_404(
        Participation.objects.select_related("organisation"),
        initiative=initiative,
        organisation__code=org_code,
    )
    if not access.can_edit(participation.organisation_id):
        raise Forbidden(_("Only the organisation's reporters and the backbone decide this."))
    if request.method == "POST":
        form = NamingForm(request.POST)
        form.is_valid()  # every value is valid: "yes" agrees, anything else does not
        named = form.cleaned_data["named"]
        result = services.set_named(participation, named, by=request.user)
        if result.changed:
            messages.success(
                request,
                (
                    _("%(organisation)s will be named in peer comparisons.")
                    if named
                    else _("%(organisation)s will be shown anonymised in peer comparisons.")
                )
                % {"organisation": participation.organisation.name},
            )
        return redirect("backbone:naming", initiative.code, org_code)
    return render(
        request,
        "backbone/naming.html",
        {"initiative": initiative, "access": access, "participation": participation},
    )


@login_required
def calendar_page(request, code):
    initiative, access = member_access(request.user, code)
    org_ids = None if access.is_backbone else access.own_organisations
    rows = deadlines.calendar(initiative, org_ids)
    for row in rows:
        for s in row.statuses:
            s["label"] = status_label(s["status"])
    return render(
        request,
        "backbone/calendar.html",
        {
            "initiative": initiative,
            "access": access,
            "rows": rows,
            "orgs": [s["organisation"] for s in rows[0].statuses] if rows else [],
        },
    )


@login_required
def calendar_ics(request, code):
    initiative, _access = member_access(request.user, code)
    text = deadlines.ics(
        initiative,
        host=request.get_host().split(":")[0] or "commonmeasure",
        url=request.build_absolute_uri(f"/i/{initiative.code}/calendar/"),
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{initiative.code}-deadlines.ics"'
    return response
