"""Pages for members: build surveys, hand out links, see results, publish "you said, we did";
set up co-design votes and see their results. Permissions come from initiatives.access:

- build a survey for organisation X, see its results, publish its responses: access.can_edit(X)
  (the backbone, or X's reporters); a survey for every organisation: the backbone only;
- co-design votes: the backbone only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonmeasure import charts
from commonmeasure.initiatives.access import get_initiative

from . import building, services
from .access import open_survey, survey_organisations, visible_org_ids
from .forms import (
    BallotForm,
    OpenForm,
    QuestionForm,
    RemoveYouSaidForm,
    SurveyForm,
    YouSaidForm,
)
from .models import FREE_TEXT_MAX, Ballot, Link, Question, Response


@login_required
def survey_list(request, code):
    initiative, access = get_initiative(request.user, code)
    surveys = [
        s
        for s in initiative.surveys.select_related("organisation")
        if visible_org_ids(access, s, initiative)
    ]
    ballots = list(initiative.ballots.all()) if access.is_backbone else []
    may_build = access.is_backbone or any(access.can_edit(o) for o in access.own_organisations)
    return render(
        request,
        "voice/survey_list.html",
        {
            "initiative": initiative,
            "access": access,
            "surveys": surveys,
            "ballots": ballots,
            "may_build": may_build,
        },
    )


@login_required
def survey_new(request, code):
    initiative, access = get_initiative(request.user, code)
    orgs = [o for o in survey_organisations(initiative) if access.can_edit(o.id)]
    if not orgs:
        raise Http404("No such page")
    errors, posted = {}, {}
    if request.method == "POST":
        form = SurveyForm(request.POST, organisations=orgs, is_backbone=access.is_backbone)
        if form.is_valid():
            survey = building.create_survey(initiative, user=request.user, **form.cleaned_data)
            messages.success(request, _("Survey created. Add its questions below."))
            return redirect("voice:survey", code, survey.id)
        errors, posted = form.messages, form.data
    return render(
        request,
        "voice/survey_new.html",
        {
            "initiative": initiative,
            "access": access,
            "orgs": orgs,
            "errors": errors,
            "posted": posted,
        },
    )


@login_required
def survey_detail(request, code, survey_id):
    initiative, access, survey, org_ids = open_survey(request.user, code, survey_id)
    may_edit_questions = access.is_backbone or (
        survey.organisation_id and access.can_edit(survey.organisation_id)
    )
    errors, posted = {}, {}
    if request.method == "POST":
        form = QuestionForm(request.POST, initiative=initiative)
        posted = form.data
        if form.adds_a_question:
            if not may_edit_questions:
                raise Http404("No such page")
            if form.is_valid():
                building.add_question(survey, **form.cleaned_data)
                messages.success(request, _("Question added."))
                return redirect("voice:survey", code, survey.id)
            errors = form.messages
    links = list(
        survey.links.filter(organisation_id__in=org_ids)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    period = request.GET.get("period") or services.current_period(initiative)
    results = []
    for link in links:
        count = Response.objects.filter(link=link, period=period).count()
        results.append({"link": link, "count": count, "figures": services.figures(link, period)})
    periods = sorted(
        set(Response.objects.filter(link__in=links).values_list("period", flat=True)), reverse=True
    )
    return render(
        request,
        "voice/survey_detail.html",
        {
            "initiative": initiative,
            "access": access,
            "survey": survey,
            "questions": survey.questions.all(),
            "links": links,
            "results": results,
            "period": period,
            "periods": periods,
            "errors": errors,
            "posted": posted,
            "kinds": Question.KIND_CHOICES,
            "measures": Question.MEASURE_CHOICES,
            "indicators": initiative.indicators.filter(
                value_type__in=["score", "percentage", "rate"], survey_fed=True
            ),
            "may_edit_questions": may_edit_questions,
            "max_text": FREE_TEXT_MAX,
        },
    )


@login_required
@require_POST
def survey_close(request, code, survey_id):
    initiative, access, survey, _org_ids = open_survey(request.user, code, survey_id)
    if not (
        access.is_backbone or (survey.organisation_id and access.can_edit(survey.organisation_id))
    ):
        raise Http404("No such page")
    form = OpenForm(request.POST)
    form.is_valid()  # every value is valid: "1" opens, anything else closes
    building.set_survey_open(survey, form.cleaned_data["open"])
    messages.success(
        request,
        _("Survey reopened.") if survey.is_open else _("Survey closed: its links now say so."),
    )
    return redirect("voice:survey", code, survey.id)


@login_required
@require_POST
def survey_recompute(request, code, survey_id):
    initiative, access, survey, org_ids = open_survey(request.user, code, survey_id)
    result = building.recompute_survey(survey, org_ids)
    messages.success(
        request,
        _("Indicator values worked out again: %(written)s written, %(cleared)s removed.")
        % {"written": result.written, "cleared": result.cleared},
    )
    for m in result.messages:
        messages.warning(request, m)
    return redirect("voice:survey", code, survey.id)


@login_required
def you_said(request, code, survey_id, link_id):
    initiative, access, survey, org_ids = open_survey(request.user, code, survey_id)
    link = get_object_or_404(Link, pk=link_id, survey=survey, organisation_id__in=org_ids)
    errors, posted = {}, {}
    if request.method == "POST":
        remove = RemoveYouSaidForm(request.POST)
        if remove.asked:
            if remove.is_valid():
                building.remove_you_said(link, remove.cleaned_data["delete"])
                messages.success(request, _("Removed from the survey page."))
            return redirect("voice:you_said", code, survey.id, link.id)
        form = YouSaidForm(request.POST)
        if form.is_valid():
            building.publish_you_said(link, user=request.user, **form.cleaned_data)
            messages.success(request, _("Published on the survey page."))
            return redirect("voice:you_said", code, survey.id, link.id)
        errors, posted = form.messages, form.data
    texts = []
    text_ids = [str(q.id) for q in survey.questions.all() if q.kind == Question.TEXT]
    for answers in (
        Response.objects.filter(link=link).order_by("-id").values_list("answers", flat=True)[:200]
    ):
        texts += [answers[k] for k in text_ids if answers.get(k)]
    return render(
        request,
        "voice/you_said.html",
        {
            "initiative": initiative,
            "access": access,
            "survey": survey,
            "link": link,
            "errors": errors,
            "posted": posted,
            "entries": link.you_said.all(),
            "texts": texts,
        },
    )


# --- co-design -----------------------------------------------------------------------------------


def _backbone(user, code):
    initiative, access = get_initiative(user, code)
    if not access.is_backbone:
        raise Http404("No such page")
    return initiative, access


@login_required
def ballot_new(request, code):
    initiative, access = _backbone(request.user, code)
    errors, posted = {}, {}
    if request.method == "POST":
        form = BallotForm(request.POST)
        if form.is_valid():
            ballot = building.create_ballot(initiative, user=request.user, **form.cleaned_data)
            return redirect("voice:ballot", code, ballot.id)
        errors, posted = form.messages, form.data
    return render(
        request,
        "voice/ballot_new.html",
        {
            "initiative": initiative,
            "access": access,
            "errors": errors,
            "posted": posted,
            "modes": Ballot.MODE_CHOICES,
        },
    )


@login_required
def ballot_detail(request, code, ballot_id):
    initiative, access = _backbone(request.user, code)
    ballot = get_object_or_404(Ballot, pk=ballot_id, initiative=initiative)
    if request.method == "POST":
        form = OpenForm(request.POST)
        form.is_valid()  # every value is valid: "1" opens, anything else closes
        building.set_ballot_open(ballot, form.cleaned_data["open"])
        return redirect("voice:ballot", code, ballot.id)
    count, rows = services.ballot_results(ballot)
    spec = charts.bars(
        [{"label": r["label"], "value": r["borda"]} for r in rows],
        category_title=_("Outcome"),
        title=_("Borda points"),
        decimals=0,
        description=_("Borda points per candidate outcome"),
    )
    return render(
        request,
        "voice/ballot_detail.html",
        {
            "initiative": initiative,
            "access": access,
            "ballot": ballot,
            "count": count,
            "rows": rows,
            "spec": spec,
            "url": request.build_absolute_uri(reverse("voice:ballot_form", args=[ballot.token])),
            "n": len(ballot.candidates),
        },
    )
