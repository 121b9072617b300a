"""A service user answers a feedback survey on a phone through its anonymous link; a second
answer from the same browser is refused. The backbone sees the survey page and a co-design
result. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def _survey(cast):
    from commonmeasure.voice.models import Link, Question, Survey

    survey = Survey.objects.create(
        initiative=cast.alpha,
        title="How did we do?",
        intro="Four quick questions. Your answers are anonymous.",
    )
    Question.objects.create(
        survey=survey,
        kind="nps",
        text="How likely are you to recommend us to a friend?",
        required=True,
        sort_order=1,
        translations={"cy": {"text": "Pa mor debygol ydych chi o'n hargymell?"}},
    )
    Question.objects.create(
        survey=survey,
        kind="likert",
        text="How satisfied are you with the support?",
        sort_order=2,
        indicator=cast.alpha.indicators.get(code="satisfaction"),
        measure="satisfied",
    )
    Question.objects.create(
        survey=survey,
        kind="multi",
        text="What helped most?",
        choices=["Advice", "Training", "Company"],
        sort_order=3,
    )
    Question.objects.create(
        survey=survey, kind="text", text="Anything else you want to tell us?", sort_order=4
    )
    return survey, Link.objects.create(survey=survey, organisation=cast.org_a)


def test_a_service_user_answers_on_a_phone_and_cannot_answer_twice(
    transactional_db, cast, live_server, browser, shoot, settings
):
    from commonmeasure.voice.models import Response

    settings.CM_SURVEY_MIN_FILL_SECONDS = 0  # the browser answers faster than a person reads

    survey, link = _survey(cast)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{live_server.url}/s/{link.token}/")
        assert page.inner_text("#survey-title") == "How did we do?"
        # Large touch targets: every answer is at least 44 px tall, and nothing scrolls sideways.
        box = page.locator(".tap span").first.bounding_box()
        assert box["height"] >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shoot(page, "survey-phone-form")
        page.click("text=9")
        page.click("text=Satisfied >> nth=0")
        page.click("text=Advice")
        page.fill("textarea", "The <b>evening</b> sessions were great")
        page.click("#send")
        page.wait_for_selector("#thanks")
        shoot(page, "survey-phone-thanks")
        stored = Response.objects.get()
        assert stored.answers[str(survey.questions.get(kind="nps").id)] == 9
        assert (
            stored.answers[str(survey.questions.get(kind="text").id)]
            == "The <b>evening</b> sessions were great"
        )

        # The same browser tries again: refused, with a clear message, and nothing more is stored.
        page.goto(f"{live_server.url}/s/{link.token}/")
        page.click("text=3")
        page.click("#send")
        page.wait_for_selector("#refused")
        assert "already been received" in page.inner_text("#refused")
        shoot(page, "survey-phone-refused")
        assert Response.objects.count() == 1

        # In Welsh, by ?lang=.
        page.goto(f"{live_server.url}/s/{link.token}/?lang=cy")
        assert "Pa mor debygol" in page.content()
    finally:
        context.close()


def test_the_backbone_sees_links_qr_codes_and_a_co_design_result(
    transactional_db, cast, live_server, page, shoot
):
    from commonmeasure.voice.models import Ballot, BallotResponse

    survey, link = _survey(cast)
    ballot = Ballot.objects.create(
        initiative=cast.alpha,
        title="What should we measure next year?",
        candidates=[
            {"code": "c1", "label": "Stable housing"},
            {"code": "c2", "label": "A job"},
            {"code": "c3", "label": "Feeling less alone"},
        ],
    )
    for i, ranking in enumerate([["c1", "c2"], ["c2", "c1", "c3"], ["c1"], ["c3", "c1"]]):
        BallotResponse.objects.create(
            ballot=ballot, ranking=ranking, device=f"d{i}", created_at=ballot.created_at
        )
    page.goto(f"{live_server.url}/login/")
    page.fill("#login-form [name=username]", "backbone")
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#whoami")
    page.goto(f"{live_server.url}/i/alpha/surveys/")
    assert "How did we do?" in page.inner_text("#surveys")
    page.click("#nav-feedback")
    page.goto(f"{live_server.url}/i/alpha/surveys/{survey.id}/")
    assert link.token in page.content()
    shoot(page, "survey-backbone")
    page.goto(f"{live_server.url}/s/{link.token}/print/")
    shoot(page, "survey-poster")
    page.goto(f"{live_server.url}/i/alpha/co-design/{ballot.id}/")
    page.wait_for_selector(".chart.chart-ready", timeout=60_000)
    assert page.inner_text("#ballot-results tbody tr:first-child th") == "Stable housing"
    shoot(page, "co-design-results")


def test_the_backbone_discards_a_burst_of_responses_from_the_bursts_page(
    transactional_db, cast, live_server, page, shoot
):
    from django.utils import timezone

    from commonmeasure.voice import services
    from commonmeasure.voice.models import DiscardedBurst, Response

    survey, link = _survey(cast)
    nps = survey.questions.get(kind="nps")
    period = services.current_period(cast.alpha)
    for i in range(6):
        Response.objects.create(
            survey=survey,
            link=link,
            period=period,
            answers={str(nps.id): 0},
            device=f"bot-{i}",
            address="f" * 64,
            created_at=timezone.now(),
        )
    page.goto(f"{live_server.url}/login/")
    page.fill("#login-form [name=username]", "backbone")
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#whoami")
    page.goto(f"{live_server.url}/i/alpha/surveys/{survey.id}/")
    page.click("#bursts-link")
    page.wait_for_selector("#bursts-title")
    assert page.locator("#bursts tbody tr[data-kind]").count() == 2  # one address, same answers
    shoot(page, "survey-bursts")
    page.locator('#bursts tr[data-kind="address"] button').click()
    page.wait_for_selector(".message-success")
    assert "6 responses discarded" in page.inner_text(".message-success")
    assert page.locator("#bursts tbody tr[data-kind]").count() == 0
    assert Response.objects.count() == 0 and DiscardedBurst.objects.get().responses == 6
    shoot(page, "survey-bursts-discarded")
