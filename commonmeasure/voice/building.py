"""The writes members make on the survey and co-design pages: one function an action, called by
views_staff.py with the values its form (forms.py) has cleaned. Who may do each is checked by
the view, from initiatives.access, before it calls here."""

from __future__ import annotations

from django.db import transaction

from commonmeasure.initiatives.models import Organisation

from . import services
from .models import Ballot, Link, Question, Response, Survey, YouSaidWeDid


@transaction.atomic
def create_survey(
    initiative,
    *,
    organisation,
    title: str,
    intro: str,
    threshold: int,
    rate_limit_per_minute: int,
    user,
) -> Survey:
    """A survey for one organisation, or (``organisation`` None) for every organisation in the
    initiative, with one link for each organisation it is for."""
    survey = Survey.objects.create(
        initiative=initiative,
        organisation=organisation,
        title=title,
        intro=intro,
        threshold=threshold,
        rate_limit_per_minute=rate_limit_per_minute,
        created_by=user,
    )
    every = Organisation.objects.filter(participations__initiative=initiative).order_by("name")
    for o in [organisation] if organisation else every:
        Link.objects.create(survey=survey, organisation=o)
    return survey


def add_question(
    survey: Survey, *, kind, text, choices, translations, required, indicator, measure
) -> Question:
    """A question at the end of the survey."""
    return Question.objects.create(
        survey=survey,
        kind=kind,
        text=text,
        choices=choices,
        translations=translations,
        required=required,
        indicator=indicator,
        measure=measure,
        sort_order=survey.questions.count() + 1,
    )


def set_survey_open(survey: Survey, is_open: bool) -> None:
    survey.is_open = is_open
    survey.save(update_fields=["is_open"])


def recompute_survey(survey: Survey, organisation_ids) -> services.RecomputeResult:
    """Work out again the indicator values of every period of these organisations' links."""
    result = services.RecomputeResult()
    for link in survey.links.filter(organisation_id__in=organisation_ids):
        for period in sorted(
            set(Response.objects.filter(link=link).values_list("period", flat=True))
        ):
            r = services.recompute(link, period)
            result.written += r.written
            result.cleared += r.cleared
            result.messages += r.messages
    return result


def publish_you_said(link: Link, *, you_said: str, we_did: str, user) -> YouSaidWeDid:
    return YouSaidWeDid.objects.create(link=link, you_said=you_said, we_did=we_did, created_by=user)


def remove_you_said(link: Link, entry_id: int) -> None:
    YouSaidWeDid.objects.filter(link=link, pk=entry_id).delete()


def create_ballot(initiative, *, title: str, intro: str, mode: str, candidates, user) -> Ballot:
    """A co-design vote; its candidates get the codes c1, c2, ... in the order given."""
    return Ballot.objects.create(
        initiative=initiative,
        title=title,
        intro=intro,
        mode=mode,
        candidates=[
            {"code": f"c{i}", "label": label} for i, label in enumerate(candidates, start=1)
        ],
        created_by=user,
    )


def set_ballot_open(ballot: Ballot, is_open: bool) -> None:
    ballot.is_open = is_open
    ballot.save(update_fields=["is_open"])
