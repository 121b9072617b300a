"""The anonymous pages: the survey form, its QR code and printable poster, and the co-design vote.

No login; nothing about the person is stored (docs/reference/surveys.md, "What is stored").
"""

from __future__ import annotations

import io
import os
import re
import secrets
import time

import segno
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import limits, services
from .forms import BallotResponseForm, ResponseForm
from .models import FREE_TEXT_MAX, Ballot, Link

DEVICE_COOKIE = "cm_device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie
_COOKIE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
NO_COOKIE = gettext_lazy(
    "Your browser did not keep the small cookie this form uses to count one response per "
    "device. Please allow cookies for this site and send your answers again."
)


def _link(token: str) -> Link:
    try:
        return Link.objects.select_related("survey__initiative", "organisation").get(token=token)
    except Link.DoesNotExist:
        raise Http404("No such survey") from None


_form_cache: dict[str, tuple[float, Link, list, dict]] = {}


def cache_seconds() -> float:
    """How long one process keeps a link, its survey and questions in memory (default 2 s):
    closing a survey reaches the form within this time. Settings first, then the environment."""
    value = getattr(settings, "CM_SURVEY_CACHE_SECONDS", None)
    if value is None:
        value = os.environ.get("CM_SURVEY_CACHE_SECONDS") or 2
    return float(value)


def _link_and_questions(token: str) -> tuple[Link, list, dict]:
    """The link, its survey's questions and the answers' form fields (ResponseForm.fields_for)."""
    now = time.monotonic()
    hit = _form_cache.get(token)
    if hit is not None and hit[0] > now:
        return hit[1], hit[2], hit[3]
    link = _link(token)
    questions = list(link.survey.questions.all())
    fields = ResponseForm.fields_for(questions)
    ttl = cache_seconds()
    if ttl > 0:
        if len(_form_cache) > 1000:
            _form_cache.clear()
        _form_cache[token] = (now + ttl, link, questions, fields)
    return link, questions, fields


def _set_device(request, response) -> None:
    if not _COOKIE_RE.match(request.COOKIES.get(DEVICE_COOKIE, "")):
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(18),
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )


def languages(survey, questions) -> list[str]:
    langs = set(survey.translations or {})
    for q in questions:
        langs |= set(q.translations or {})
    return sorted(langs)


def language_name(code: str) -> str:
    """A survey language's own name ("Cymraeg", "français") where Django knows it, else its
    code."""
    try:
        return translation.get_language_info(code)["name_local"]
    except KeyError:
        return code


def pick_language(request, available: list[str]) -> str:
    """?lang= first, then the language chosen in the interface's switcher, then the browser's
    Accept-Language; "" for the survey's own language."""
    wanted = request.GET.get("lang")
    if wanted is not None:
        return wanted if wanted in available else ""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "").lower()
    for candidate in (chosen, chosen.split("-")[0]):
        if candidate and candidate in available:
            return candidate
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip().lower()
        for candidate in (code, code.split("-")[0]):
            if candidate in available:
                return candidate
    return ""


def use_language(lang: str) -> None:
    """Show the page's own words in the survey language chosen, when the interface has it
    (otherwise they stay in the visitor's language: cookie, then Accept-Language)."""
    if not lang:
        return
    try:
        translation.activate(translation.get_supported_language_variant(lang))
    except LookupError:
        pass


def _closed(request, what: str):
    return render(request, "voice/closed.html", {"what": what}, status=410)


def _form_context(request, link, lang, questions, errors=None, values=None):
    survey = link.survey
    tr = (survey.translations or {}).get(lang, {})
    items = []
    for q in questions:
        text, labels = localised(q, lang)
        items.append(
            {
                "q": q,
                "name": f"q{q.id}",
                "text": text,
                "options": list(zip(q.choices, labels, strict=True)),
                "error": (errors or {}).get(f"q{q.id}", ""),
                "value": (values.getlist(f"q{q.id}") if values is not None else []),
            }
        )
    return {
        "link": link,
        "survey": survey,
        "lang": lang,
        "items": items,
        "title": tr.get("title") or survey.title,
        "intro": tr.get("intro") or survey.intro,
        "languages": languages(survey, questions),
        "language_names": [(code, language_name(code)) for code in languages(survey, questions)],
        "scale_nps": range(0, 11),
        "likert": list(zip(range(1, 6), services.LIKERT_LABELS, strict=True)),
        "you_said": link.you_said.filter(is_published=True)[:20],
        "max_text": FREE_TEXT_MAX,
        "stamp": limits.form_stamp(),
    }


def _stamp_after(refused, form) -> str:
    """The stamp of a form served again: a fresh one if the old was stale, else the same (the
    time to fill goes on from when the form was first served)."""
    old = form.posted_stamp
    return limits.form_stamp() if refused.stale_form or not old else old


localised = services.localised


@require_http_methods(["GET", "POST"])
def survey_form(request, token):
    link, questions, fields = _link_and_questions(token)
    survey = link.survey
    if not link.is_active or not survey.accepting():
        return _closed(request, "survey")
    lang = pick_language(request, languages(survey, questions))
    use_language(lang)
    if request.method == "POST":
        form = ResponseForm(request.POST, questions=questions, fields=fields)
        cookie = request.COOKIES.get(DEVICE_COOKIE, "")
        try:
            if not _COOKIE_RE.match(cookie):
                raise services.ResponseRefused(NO_COOKIE)
            if not form.is_valid():
                raise form.refusal()
            services.take_response(
                link,
                survey,
                **form.cleaned_data,
                cookie=cookie,
                address=limits.client_address(request),
            )
        except services.ResponseRefused as refused:
            if refused.status == 410:
                return _closed(request, "survey")
            ctx = _form_context(request, link, lang, questions, refused.field_errors, form.data)
            ctx["refused"] = str(refused)
            ctx["stamp"] = _stamp_after(refused, form)
            response = render(request, "voice/form.html", ctx, status=refused.status)
            _set_device(request, response)
            return response
        url = reverse("voice:thanks", args=[token])
        return redirect(f"{url}?lang={lang}" if lang else url)
    response = render(request, "voice/form.html", _form_context(request, link, lang, questions))
    _set_device(request, response)
    return response


def survey_thanks(request, token):
    link = _link(token)
    use_language(request.GET.get("lang", ""))
    return render(
        request,
        "voice/thanks.html",
        {
            "link": link,
            "survey": link.survey,
            "you_said": link.you_said.filter(is_published=True)[:20],
        },
    )


def _qr(request, token):
    return segno.make(request.build_absolute_uri(reverse("voice:form", args=[token])), error="m")


def survey_qr(request, token, fmt):
    link = _link(token)
    buf = io.BytesIO()
    if fmt == "png":
        _qr(request, token).save(buf, kind="png", scale=10, border=4)
        content_type = "image/png"
    else:
        _qr(request, token).save(buf, kind="svg", scale=10, border=4, xmldecl=False)
        content_type = "image/svg+xml"
    response = HttpResponse(buf.getvalue(), content_type=content_type)
    filename = f"survey-{link.organisation.code}.{fmt}"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def survey_print(request, token):
    link = _link(token)
    qr = _qr(request, token)
    return render(
        request,
        "voice/print.html",
        {
            "link": link,
            "survey": link.survey,
            "url": request.build_absolute_uri(reverse("voice:form", args=[token])),
            "svg": qr.svg_inline(scale=8, border=2),
        },
    )


@require_http_methods(["GET", "POST"])
def ballot_form(request, token):
    try:
        ballot = Ballot.objects.get(token=token)
    except Ballot.DoesNotExist:
        raise Http404("No such vote") from None
    if not ballot.accepting():
        return _closed(request, "vote")
    ctx = {
        "ballot": ballot,
        "positions": range(1, len(ballot.candidates) + 1),
        "stamp": limits.form_stamp(),
    }
    if request.method == "POST":
        form = BallotResponseForm(request.POST, ballot=ballot)
        cookie = request.COOKIES.get(DEVICE_COOKIE, "")
        try:
            if not _COOKIE_RE.match(cookie):
                raise services.ResponseRefused(NO_COOKIE)
            if not form.is_valid():
                raise form.refusal()
            services.take_ballot(
                ballot, **form.cleaned_data, cookie=cookie, address=limits.client_address(request)
            )
        except services.ResponseRefused as refused:
            if refused.status == 410:
                return _closed(request, "vote")
            ctx.update(
                refused=str(refused),
                posted=form.data,
                stamp=_stamp_after(refused, form),
            )
            response = render(request, "voice/ballot.html", ctx, status=refused.status)
            _set_device(request, response)
            return response
        return render(request, "voice/thanks.html", {"ballot": ballot})
    response = render(request, "voice/ballot.html", ctx)
    _set_device(request, response)
    return response
