"""Who may see which survey on the members' pages (views_staff.py, views_bursts.py): a survey
for organisation X is seen by those who may edit X's reports (``access.can_edit(X)``: the
backbone, or X's reporters); a survey for every organisation shows each member only the links
and results of the organisations they may edit. A survey they may see none of answers 404."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from commonmeasure.initiatives.access import get_initiative
from commonmeasure.initiatives.models import Organisation

from .models import Survey


def survey_organisations(initiative):
    """The initiative's participating organisations, by name."""
    return Organisation.objects.filter(participations__initiative=initiative).order_by("name")


def open_survey(user, code, survey_id):
    """(initiative, access, survey, the ids of the organisations this member may see in it),
    or 404."""
    initiative, access = get_initiative(user, code)
    survey = get_object_or_404(
        Survey.objects.select_related("organisation"), pk=survey_id, initiative=initiative
    )
    orgs = visible_org_ids(access, survey, initiative)
    if not orgs:
        raise Http404("No such survey")
    return initiative, access, survey, orgs


def visible_org_ids(access, survey, initiative) -> list[int]:
    """The organisations whose links and results this member may see in this survey."""
    if survey.organisation_id:
        return [survey.organisation_id] if access.can_edit(survey.organisation_id) else []
    return [o.id for o in survey_organisations(initiative) if access.can_edit(o.id)]
