"""Pages for members: build surveys, hand out links, see results, publish "you said, we did";
set up co-design votes and see their results. Permissions come from initiatives.access:

- build a survey for organisation X, see its results, publish its responses: access.can_edit(X)
  (the backbone, or X's reporters); a survey for every organisation: the backbone only;
- co-design votes: the backbone only.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commonmeasure import charts
from commonmeasure.initiatives.access import get_initiative
from commonmeasure.initiatives.models import Organisation

from . import services
from .models import FREE_TEXT_MAX, Ballot, Link, Question, Response, Survey, YouSaidWeDid


def _orgs(initiative):
    return Organisation.objects.filter(participations__initiative=initiative).order_by("name")


def _survey(user, code, survey_id):
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
    return [o.id for o in _orgs(initiative) if access.can_edit(o.id)]


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
    orgs = [o for o in _orgs(initiative) if access.can_edit(o.id)]
    if not orgs:
        raise Http404("No such page")
    errors = {}
    if request.method == "POST":
        title = request.POST.get("title", "").strip()
        org_code = request.POST.get("organisation", "")
        org = next((o for o in orgs if o.code == org_code), None)
        if not title:
            errors["title"] = "Give the survey a title."
        elif len(title) > 200:
            errors["title"] = "Keep the title under 200 characters."
        if org_code == "" and not access.is_backbone:
            errors["organisation"] = "Choose your organisation."
        elif org_code and org is None:
            errors["organisation"] = "You may not build a survey for that organisation."
        threshold = _int(request.POST.get("threshold", "5"), 1, 1000, "threshold", errors)
        rate = _int(
            request.POST.get("rate_limit_per_minute", "60"),
            1,
            100000,
            "rate_limit_per_minute",
            errors,
        )
        if not errors:
            survey = Survey.objects.create(
                initiative=initiative,
                organisation=org,
                title=title,
                intro=request.POST.get("intro", "").strip(),
                threshold=threshold,
                rate_limit_per_minute=rate,
                created_by=request.user,
            )
            for o in [org] if org else _orgs(initiative):
                Link.objects.create(survey=survey, organisation=o)
            messages.success(request, "Survey created. Add its questions below.")
            return redirect("voice:survey", code, survey.id)
    return render(
        request,
        "voice/survey_new.html",
        {
            "initiative": initiative,
            "access": access,
            "orgs": orgs,
            "errors": errors,
            "posted": request.POST,
        },
    )


def _int(raw, low, high, name, errors):
    raw = (raw or "").strip()
    if not raw.isdigit() or not low <= int(raw) <= high:
        errors[name] = f"Enter a whole number from {low} to {high}."
        return low
    return int(raw)


def parse_translations(text: str, line_no_offset: int = 0) -> tuple[dict, str | None]:
    """Lines of "cy: question text | choice 1 | choice 2" -> {"cy": {"text", "choices"}}."""
    out = {}
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        m = re.match(r"^\s*([a-z]{2,3}(?:-[A-Za-z]{2,4})?)\s*:\s*(.+)$", line)
        if not m:
            return (
                {},
                f'translations line {i}: write "cy: question text" (a language code, a colon, the text)',
            )
        parts = [p.strip() for p in m.group(2).split("|")]
        out[m.group(1).lower()] = {
            "text": parts[0],
            **({"choices": parts[1:]} if len(parts) > 1 else {}),
        }
    return out, None


@login_required
def survey_detail(request, code, survey_id):
    initiative, access, survey, org_ids = _survey(request.user, code, survey_id)
    may_edit_questions = access.is_backbone or (
        survey.organisation_id and access.can_edit(survey.organisation_id)
    )
    errors = {}
    if request.method == "POST" and request.POST.get("action") == "add_question":
        if not may_edit_questions:
            raise Http404("No such page")
        errors = _add_question(request, initiative, survey)
        if not errors:
            messages.success(request, "Question added.")
            return redirect("voice:survey", code, survey.id)
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
            "posted": request.POST,
            "kinds": Question.KIND_CHOICES,
            "measures": Question.MEASURE_CHOICES,
            "indicators": initiative.indicators.filter(
                value_type__in=["score", "percentage", "rate"], survey_fed=True
            ),
            "may_edit_questions": may_edit_questions,
            "max_text": FREE_TEXT_MAX,
        },
    )


def _add_question(request, initiative, survey) -> dict:
    p = request.POST
    errors = {}
    kind = p.get("kind", "")
    text = p.get("text", "").strip()
    if kind not in dict(Question.KIND_CHOICES):
        errors["kind"] = "Choose a question type."
    if not text or len(text) > 500:
        errors["text"] = "Write the question (up to 500 characters)."
    choices = [c.strip() for c in p.get("choices", "").splitlines() if c.strip()]
    if kind in (Question.SINGLE, Question.MULTI) and len(choices) < 2:
        errors["choices"] = "Give at least two options, one a line."
    translations, problem = parse_translations(p.get("translations", ""))
    if problem:
        errors["translations"] = problem
    indicator = None
    if p.get("indicator"):
        indicator = initiative.indicators.filter(code=p["indicator"]).first()
        if indicator is None:
            errors["indicator"] = "No such indicator in this initiative."
        elif kind not in (Question.NPS, Question.LIKERT):
            errors["indicator"] = "Only NPS and 5-point questions give an indicator value."
        elif not indicator.survey_fed:
            errors["indicator"] = (
                f"{indicator.code} is not marked survey_fed in the initiative's definition file; "
                "mark it there so that the survey owns its values (people could otherwise type "
                "them too)."
            )
    measure = p.get("measure", "")
    if measure and measure not in dict(Question.MEASURE_CHOICES):
        errors["measure"] = "Choose NPS, % satisfied or mean score."
    elif (
        measure == "nps"
        and kind != Question.NPS
        or measure == "satisfied"
        and kind != Question.LIKERT
    ):
        errors["measure"] = "NPS needs a 0-10 question; % satisfied a 5-point question."
    if not errors:
        Question.objects.create(
            survey=survey,
            kind=kind,
            text=text,
            choices=choices if kind in (Question.SINGLE, Question.MULTI) else [],
            translations=translations,
            required=bool(p.get("required")),
            indicator=indicator,
            measure=measure,
            sort_order=survey.questions.count() + 1,
        )
    return errors


@login_required
@require_POST
def survey_close(request, code, survey_id):
    initiative, access, survey, _ = _survey(request.user, code, survey_id)
    if not (
        access.is_backbone or (survey.organisation_id and access.can_edit(survey.organisation_id))
    ):
        raise Http404("No such page")
    survey.is_open = request.POST.get("open") == "1"
    survey.save(update_fields=["is_open"])
    messages.success(
        request, "Survey reopened." if survey.is_open else "Survey closed: its links now say so."
    )
    return redirect("voice:survey", code, survey.id)


@login_required
@require_POST
def survey_recompute(request, code, survey_id):
    initiative, access, survey, org_ids = _survey(request.user, code, survey_id)
    result = services.RecomputeResult()
    for link in survey.links.filter(organisation_id__in=org_ids):
        for period in sorted(
            set(Response.objects.filter(link=link).values_list("period", flat=True))
        ):
            r = services.recompute(link, period)
            result.written += r.written
            result.cleared += r.cleared
            result.messages += r.messages
    messages.success(
        request,
        f"Indicator values worked out again: {result.written} written, {result.cleared} removed.",
    )
    for m in result.messages:
        messages.warning(request, m)
    return redirect("voice:survey", code, survey.id)


@login_required
def you_said(request, code, survey_id, link_id):
    initiative, access, survey, org_ids = _survey(request.user, code, survey_id)
    link = get_object_or_404(Link, pk=link_id, survey=survey, organisation_id__in=org_ids)
    errors = {}
    if request.method == "POST":
        if request.POST.get("delete"):
            YouSaidWeDid.objects.filter(link=link, pk=request.POST["delete"]).delete()
            messages.success(request, "Removed from the survey page.")
            return redirect("voice:you_said", code, survey.id, link.id)
        said, did = request.POST.get("you_said", "").strip(), request.POST.get("we_did", "").strip()
        for name, value in (("you_said", said), ("we_did", did)):
            if not value:
                errors[name] = "Write something here."
            elif len(value) > FREE_TEXT_MAX:
                errors[name] = f"Keep this under {FREE_TEXT_MAX} characters (it has {len(value)})."
        if not errors:
            YouSaidWeDid.objects.create(
                link=link, you_said=said, we_did=did, created_by=request.user
            )
            messages.success(request, "Published on the survey page.")
            return redirect("voice:you_said", code, survey.id, link.id)
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
            "posted": request.POST,
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
    errors = {}
    if request.method == "POST":
        title = request.POST.get("title", "").strip()
        labels = [c.strip() for c in request.POST.get("candidates", "").splitlines() if c.strip()]
        mode = request.POST.get("mode", Ballot.RANK)
        if not title or len(title) > 200:
            errors["title"] = "Give the vote a title (up to 200 characters)."
        if not 2 <= len(labels) <= 20:
            errors["candidates"] = "List from 2 to 20 candidate outcomes, one a line."
        elif len(set(labels)) != len(labels):
            errors["candidates"] = "Each candidate outcome must be different."
        if mode not in dict(Ballot.MODE_CHOICES):
            errors["mode"] = "Choose rank or vote."
        if not errors:
            ballot = Ballot.objects.create(
                initiative=initiative,
                title=title,
                intro=request.POST.get("intro", "").strip(),
                mode=mode,
                candidates=[
                    {"code": f"c{i}", "label": label} for i, label in enumerate(labels, start=1)
                ],
                created_by=request.user,
            )
            return redirect("voice:ballot", code, ballot.id)
    return render(
        request,
        "voice/ballot_new.html",
        {
            "initiative": initiative,
            "access": access,
            "errors": errors,
            "posted": request.POST,
            "modes": Ballot.MODE_CHOICES,
        },
    )


@login_required
def ballot_detail(request, code, ballot_id):
    initiative, access = _backbone(request.user, code)
    ballot = get_object_or_404(Ballot, pk=ballot_id, initiative=initiative)
    if request.method == "POST":
        ballot.is_open = request.POST.get("open") == "1"
        ballot.save(update_fields=["is_open"])
        return redirect("voice:ballot", code, ballot.id)
    count, rows = services.ballot_results(ballot)
    spec = charts.bars(
        [{"label": r["label"], "value": r["borda"]} for r in rows],
        category_title="Outcome",
        title="Borda points",
        decimals=0,
        description="Borda points per candidate outcome",
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
