"""The members' survey and co-design forms: each bad field is refused with its message beside
it, what was typed stays in the form, and nothing is written."""

from __future__ import annotations

import re

from commonmeasure.voice.models import Ballot, Survey, YouSaidWeDid


def beside(html: str, field: str) -> str:
    """The message the page shows beside ``field`` (the element with id error-FIELD)."""
    match = re.search(rf'id="error-{field}">(.*?)</p>', html, re.S)
    assert match, f"no message beside {field}"
    return match.group(1).strip()


def test_a_survey_without_a_title_and_a_bad_threshold_is_refused_field_by_field(cast, client_for):
    before = Survey.objects.count()
    response = client_for(cast.backbone).post(
        "/i/alpha/surveys/new/",
        {"title": "   ", "intro": "Kept", "organisation": "", "threshold": "0"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert beside(html, "title") == "Give the survey a title."
    assert "Enter a whole number from 1 to 1000." in html
    assert ">Kept</textarea>" in html
    assert Survey.objects.count() == before


def test_a_survey_posted_without_its_numbers_takes_the_defaults(cast, client_for):
    response = client_for(cast.backbone).post(
        "/i/alpha/surveys/new/", {"title": "Everyone", "organisation": ""}
    )
    assert response.status_code == 302
    survey = Survey.objects.get(title="Everyone")
    assert (survey.threshold, survey.rate_limit_per_minute) == (5, 60)
    assert sorted(survey.links.values_list("organisation__code", flat=True)) == ["org-a", "org-b"]


def test_an_empty_you_said_we_did_is_refused_beside_each_box(survey, client_for, cast):
    url = f"/i/alpha/surveys/{survey.id}/links/{survey.link_a.id}/you-said/"
    html = client_for(cast.alice).post(url, {"you_said": "", "we_did": " "}).content.decode()
    assert beside(html, "you_said") == "Write something here."
    assert beside(html, "we_did") == "Write something here."
    assert not YouSaidWeDid.objects.exists()


def test_a_vote_with_repeated_candidates_is_refused(cast, client_for):
    html = (
        client_for(cast.backbone)
        .post("/i/alpha/co-design/new/", {"title": "Outcomes", "candidates": "Jobs\nJobs"})
        .content.decode()
    )
    assert beside(html, "candidates") == "Each candidate outcome must be different."
    assert not Ballot.objects.exists()


def test_the_survey_page_names_the_indicator_each_question_feeds(survey, client_for, cast):
    html = client_for(cast.backbone).get(f"/i/alpha/surveys/{survey.id}/").content.decode()
    questions = html.split('id="questions"', 1)[1].split("</ol>", 1)[0]
    assert 'Net Promoter Score <span class="code">nps</span>' in questions
