"""Fixtures for the feedback survey and co-design tests: a survey of alpha with an NPS question
mapped to an indicator `nps`, a 5-point question mapped to `satisfaction`, a choice and a free
text question; one anonymous link per organisation."""

from __future__ import annotations

import secrets
import time

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def fresh_limits(settings):
    settings.CM_SURVEY_RECOMPUTE_SECONDS = 0  # every response works the values out again
    settings.CM_SURVEY_CACHE_SECONDS = 0  # a closed survey shows as closed at once
    from commonmeasure.voice import services

    yield
    services.cancel_pending()


@pytest.fixture
def survey(cast):
    from commonmeasure.initiatives.models import Indicator
    from commonmeasure.voice.models import Link, Question, Survey

    nps_ind = Indicator.objects.create(
        initiative=cast.alpha,
        code="nps",
        name="Net Promoter Score",
        value_type="score",
        aggregation="mean",
        time_aggregation="mean",
        min_value=-100,
        max_value=100,
    )
    s = Survey.objects.create(
        initiative=cast.alpha, title="How did we do?", created_by=cast.backbone
    )
    q_nps = Question.objects.create(
        survey=s,
        kind="nps",
        text="Would you recommend us?",
        indicator=nps_ind,
        measure="nps",
        sort_order=1,
        translations={"cy": {"text": "Fyddech chi'n ein hargymell?"}},
    )
    q_likert = Question.objects.create(
        survey=s,
        kind="likert",
        text="How satisfied are you?",
        sort_order=2,
        indicator=cast.alpha.indicators.get(code="satisfaction"),
        measure="satisfied",
    )
    q_single = Question.objects.create(
        survey=s,
        kind="single",
        text="How did you hear of us?",
        choices=["Friend", "Poster"],
        sort_order=3,
    )
    q_multi = Question.objects.create(
        survey=s,
        kind="multi",
        text="What helped?",
        choices=["Advice", "Training", "Money"],
        sort_order=4,
    )
    q_text = Question.objects.create(survey=s, kind="text", text="Anything else?", sort_order=5)
    link_a = Link.objects.create(survey=s, organisation=cast.org_a)
    link_b = Link.objects.create(survey=s, organisation=cast.org_b)
    s.q = {"nps": q_nps, "likert": q_likert, "single": q_single, "multi": q_multi, "text": q_text}
    s.link_a, s.link_b, s.nps_indicator = link_a, link_b, nps_ind
    return s


def new_address() -> str:
    """A client address of its own (from the IPv6 documentation range; nothing is sent)."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


def device_client(address: str | None = None) -> Client:
    """A new respondent: a fresh device cookie and, unless given, an address of its own."""
    c = Client(REMOTE_ADDR=address or new_address())
    c.cookies["cm_device"] = secrets.token_urlsafe(18)
    return c


def stamp(seconds_ago: float = 60) -> str:
    """The stamp of a form served ``seconds_ago`` (as the page's hidden field carries it)."""
    from commonmeasure.voice import limits

    return limits.form_stamp(issued=time.time() - seconds_ago)


@pytest.fixture
def respond():
    """Post one response from a fresh device; returns the HTTP response."""

    def post(survey, link, nps=None, likert=None, text=None, client=None, **extra):
        c = client or device_client()
        data = {"stamp": stamp(), **extra}
        if nps is not None:
            data[f"q{survey.q['nps'].id}"] = str(nps)
        if likert is not None:
            data[f"q{survey.q['likert'].id}"] = str(likert)
        if text is not None:
            data[f"q{survey.q['text'].id}"] = text
        return c.post(f"/s/{link.token}/", data)

    return post
