"""Which organisation a new activity is for: from the page's address, else as posted with the
activity (``ActivityOrganisationForm``); one that is not the initiative's is a 404."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from commonmeasure.backbone.forms import ActivityOrganisationForm
from commonmeasure.backbone.models import Activity


@pytest.mark.parametrize(
    ("text", "code"),
    [("", ""), ("organisation=org-a", "org-a"), ("organisation=+org-a", " org-a")],
)
def test_the_organisation_is_read_as_posted(text, code):
    form = ActivityOrganisationForm(QueryDict(text))
    assert form.is_valid() and form.messages == {}
    assert form.cleaned_data == {"organisation": code}


ACTIVITY = {"name": "Job club", "goals": ["G1"]}


def test_an_activity_for_the_organisation_posted(goals, cast, client_for):
    response = client_for(cast.alice).post(
        "/i/alpha/activities/new/", {**ACTIVITY, "organisation": "org-a"}
    )
    assert response.status_code == 302
    assert Activity.objects.get().organisation == cast.org_a


def test_the_address_names_the_organisation_before_what_is_posted(goals, cast, client_for):
    response = client_for(cast.bob).post(
        "/i/alpha/activities/new/?organisation=org-b", {**ACTIVITY, "organisation": "org-a"}
    )
    assert response.status_code == 302
    assert Activity.objects.get().organisation == cast.org_b


@pytest.mark.parametrize("posted", [{}, {"organisation": ""}, {"organisation": "nobody"}])
def test_no_organisation_or_not_the_initiatives_is_a_404(goals, cast, client_for, posted):
    response = client_for(cast.alice).post("/i/alpha/activities/new/", {**ACTIVITY, **posted})
    assert response.status_code == 404
    assert not Activity.objects.exists()
