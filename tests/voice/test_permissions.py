"""Who may build surveys, see results and publish responses, with the standard cast."""

from __future__ import annotations

import pytest

from commonmeasure.voice.models import Link, Question, Survey, YouSaidWeDid

USERS = ("alice", "bob", "carol", "backbone", "outsider")


def user(cast, name):
    return None if name == "anonymous" else getattr(cast, name)


@pytest.mark.parametrize(
    "name, status",
    [
        ("backbone", 200),
        ("alice", 200),
        ("bob", 200),
        ("carol", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_who_sees_the_survey_list(survey, client_for, cast, name, status):
    assert client_for(user(cast, name)).get("/i/alpha/surveys/").status_code == status


def test_a_reporter_sees_only_their_own_organisations_link_and_results(
    survey, client_for, cast, respond
):
    page = client_for(cast.alice).get(f"/i/alpha/surveys/{survey.id}/").content.decode()
    assert survey.link_a.token in page and survey.link_b.token not in page
    assert 'data-organisation="org-b"' not in page


def test_the_backbone_sees_every_organisations_link(survey, client_for, cast):
    page = client_for(cast.backbone).get(f"/i/alpha/surveys/{survey.id}/").content.decode()
    assert survey.link_a.token in page and survey.link_b.token in page


def test_one_organisations_own_survey_is_hidden_from_another_organisation(cast, client_for):
    own = Survey.objects.create(initiative=cast.alpha, organisation=cast.org_a, title="A only")
    Link.objects.create(survey=own, organisation=cast.org_a)
    assert client_for(cast.alice).get(f"/i/alpha/surveys/{own.id}/").status_code == 200
    assert client_for(cast.backbone).get(f"/i/alpha/surveys/{own.id}/").status_code == 200
    assert client_for(cast.bob).get(f"/i/alpha/surveys/{own.id}/").status_code == 404
    assert b"A only" not in client_for(cast.bob).get("/i/alpha/surveys/").content
    assert client_for(cast.carol).get(f"/i/alpha/surveys/{own.id}/").status_code == 404


def test_a_reporter_builds_a_survey_for_their_organisation_only(cast, client_for):
    c = client_for(cast.alice)
    refused = c.post(
        "/i/alpha/surveys/new/",
        {"title": "Ours", "organisation": "org-b", "threshold": "5", "rate_limit_per_minute": "60"},
    )
    assert (
        refused.status_code == 200
        and b"You may not build a survey for that organisation" in refused.content
    )
    everyone = c.post(
        "/i/alpha/surveys/new/",
        {"title": "Ours", "organisation": "", "threshold": "5", "rate_limit_per_minute": "60"},
    )
    assert b"Choose your organisation" in everyone.content
    assert not Survey.objects.exists()
    ok = c.post(
        "/i/alpha/surveys/new/",
        {"title": "Ours", "organisation": "org-a", "threshold": "5", "rate_limit_per_minute": "60"},
    )
    assert ok.status_code == 302
    s = Survey.objects.get()
    assert s.organisation == cast.org_a and list(
        s.links.values_list("organisation__code", flat=True)
    ) == ["org-a"]


def test_the_backbone_builds_a_survey_for_every_organisation_with_one_link_each(cast, client_for):
    r = client_for(cast.backbone).post(
        "/i/alpha/surveys/new/",
        {"title": "All", "organisation": "", "threshold": "3", "rate_limit_per_minute": "60"},
    )
    assert r.status_code == 302
    s = Survey.objects.get()
    assert sorted(s.links.values_list("organisation__code", flat=True)) == ["org-a", "org-b"]
    assert s.threshold == 3


@pytest.mark.parametrize("name", ["carol", "outsider"])
def test_non_members_cannot_build_a_survey(cast, client_for, name):
    r = client_for(user(cast, name)).post(
        "/i/alpha/surveys/new/", {"title": "X", "organisation": "org-a"}
    )
    assert r.status_code == 404 and not Survey.objects.exists()


def test_a_bad_threshold_is_named_and_nothing_is_created(cast, client_for):
    r = client_for(cast.backbone).post(
        "/i/alpha/surveys/new/",
        {"title": "X", "organisation": "", "threshold": "0", "rate_limit_per_minute": "60"},
    )
    assert b"Enter a whole number from 1 to 1000" in r.content and not Survey.objects.exists()


def test_a_reporter_cannot_add_questions_to_the_backbones_survey(survey, client_for, cast):
    before = Question.objects.count()
    r = client_for(cast.alice).post(
        f"/i/alpha/surveys/{survey.id}/",
        {"action": "add_question", "kind": "text", "text": "Sneaky"},
    )
    assert r.status_code == 404 and Question.objects.count() == before


def test_the_backbone_adds_a_translated_choice_question(survey, client_for, cast):
    r = client_for(cast.backbone).post(
        f"/i/alpha/surveys/{survey.id}/",
        {
            "action": "add_question",
            "kind": "single",
            "text": "Which day?",
            "choices": "Monday\nTuesday",
            "translations": "cy: Pa ddiwrnod? | Dydd Llun | Dydd Mawrth",
        },
    )
    assert r.status_code == 302
    q = Question.objects.get(text="Which day?")
    assert q.choices == ["Monday", "Tuesday"]
    assert q.translations == {
        "cy": {"text": "Pa ddiwrnod?", "choices": ["Dydd Llun", "Dydd Mawrth"]}
    }


def test_a_bad_question_is_refused_naming_the_field(survey, client_for, cast):
    r = client_for(cast.backbone).post(
        f"/i/alpha/surveys/{survey.id}/",
        {
            "action": "add_question",
            "kind": "single",
            "text": "Which day?",
            "choices": "Only one",
            "translations": "Welsh please",
        },
    )
    assert b"choices: Give at least two options" in r.content
    assert b"translations line 1" in r.content
    assert not Question.objects.filter(text="Which day?").exists()


def test_only_nps_and_five_point_questions_map_to_an_indicator(survey, client_for, cast):
    r = client_for(cast.backbone).post(
        f"/i/alpha/surveys/{survey.id}/",
        {
            "action": "add_question",
            "kind": "text",
            "text": "Why?",
            "indicator": "nps",
        },
    )
    assert b"Only NPS and 5-point questions give an indicator value" in r.content


@pytest.mark.parametrize(
    "name, status",
    [("alice", 302), ("backbone", 302), ("bob", 404), ("carol", 404), ("outsider", 404)],
)
def test_who_may_publish_you_said_we_did_for_organisation_a(survey, client_for, cast, name, status):
    r = client_for(user(cast, name)).post(
        f"/i/alpha/surveys/{survey.id}/links/{survey.link_a.id}/you-said/",
        {"you_said": "More", "we_did": "Done"},
    )
    assert r.status_code == status
    assert YouSaidWeDid.objects.exists() == (status == 302)


def test_an_oversized_you_said_is_refused_with_its_length(survey, client_for, cast):
    r = client_for(cast.alice).post(
        f"/i/alpha/surveys/{survey.id}/links/{survey.link_a.id}/you-said/",
        {"you_said": "y" * 2001, "we_did": "Done"},
    )
    assert b"(it has 2001)" in r.content and not YouSaidWeDid.objects.exists()


def test_results_of_organisation_b_are_not_visible_to_alice(survey, client_for, cast, respond):
    for _ in range(5):
        respond(survey, survey.link_b, nps=0)
    page = client_for(cast.alice).get(f"/i/alpha/surveys/{survey.id}/").content.decode()
    assert "-100" not in page
    assert "-100" in client_for(cast.bob).get(f"/i/alpha/surveys/{survey.id}/").content.decode()


def test_only_the_owner_may_close_a_survey(survey, client_for, cast):
    assert (
        client_for(cast.alice)
        .post(f"/i/alpha/surveys/{survey.id}/open/", {"open": "0"})
        .status_code
        == 404
    )
    survey.refresh_from_db()
    assert survey.is_open
    assert (
        client_for(cast.backbone)
        .post(f"/i/alpha/surveys/{survey.id}/open/", {"open": "0"})
        .status_code
        == 302
    )
    survey.refresh_from_db()
    assert not survey.is_open


def test_the_survey_page_gives_each_link_in_full_to_copy(survey, client_for, cast):
    # Seen: the page showed only "/s/TOKEN/", which does not open when pasted into a message.
    page = client_for(cast.backbone).get(f"/i/alpha/surveys/{survey.id}/").content.decode()
    for link in survey.links.all():
        assert f'readonly value="http://testserver/s/{link.token}/"' in page
