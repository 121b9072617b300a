"""The periods a survey covers, for the indicators it feeds (docs/reference/surveys.md, "Who owns
the figure"); registered with ``reporting.ownership`` when the app is ready.

A link (survey, organisation) with a 0-10 or 1-5 question mapped to a ``survey_fed`` indicator
covers that organisation's indicator from the period the survey was created in (or of its first
response, if earlier) to the period it closes in: its closing time if it has one, else, once
closed, the period of its last response; an open survey with no closing time covers every
later period.
"""

from __future__ import annotations

from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext

from commonmeasure.domain import periods
from commonmeasure.reporting.ownership import Cover

from .models import Link, Question, Response


def covers(initiative) -> dict[tuple[int, int], list[Cover]]:
    mapped: dict[int, set[int]] = {}  # survey id -> indicator ids
    for survey_id, indicator_id in Question.objects.filter(
        survey__initiative=initiative,
        kind__in=[Question.NPS, Question.LIKERT],
        indicator__survey_fed=True,
    ).values_list("survey_id", "indicator_id"):
        mapped.setdefault(survey_id, set()).add(indicator_id)
    if not mapped:
        return {}
    spans = {
        link_id: (first, last)
        for link_id, first, last in Response.objects.filter(survey_id__in=list(mapped))
        .values("link_id")
        .annotate(first=Min("period"), last=Max("period"))
        .values_list("link_id", "first", "last")
    }
    out: dict[tuple[int, int], list[Cover]] = {}
    for link in Link.objects.filter(survey_id__in=list(mapped)).select_related("survey"):
        survey = link.survey
        start = _period(initiative, timezone.localdate(survey.created_at))
        first, last = spans.get(link.id, (None, None))
        if first is not None:
            start = min(start, initiative.parse_period(first))
        end = None
        if survey.closes_at is not None:
            end = _period(initiative, timezone.localdate(survey.closes_at)).end
        elif not survey.is_open:
            end = max(start, initiative.parse_period(last) if last else start).end
        cover = Cover(
            start.start,
            end,
            gettext('the survey "%(title)s"') % {"title": survey.title},
            start.code,
        )
        for indicator_id in mapped[survey.id]:
            out.setdefault((link.organisation_id, indicator_id), []).append(cover)
    return out


def _period(initiative, day) -> periods.Period:
    return initiative.current_period(day)
