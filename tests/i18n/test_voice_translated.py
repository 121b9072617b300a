"""The survey and co-design pages in Spanish and French: the public pages respondents use (every
word of the page itself; the questions are the initiative's own content), the members' pages, and
messages from the Python code (answer checks, refusals, form errors, the command's output)."""

from __future__ import annotations

import secrets
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.CM_SURVEY_RECOMPUTE_SECONDS = 0
    settings.CM_SURVEY_CACHE_SECONDS = 0
    from commonmeasure.voice import services

    yield
    services.cancel_pending()


@pytest.fixture
def survey(cast):
    from commonmeasure.voice.models import Link, Question, Survey

    s = Survey.objects.create(
        initiative=cast.alpha, title="How did we do?", created_by=cast.backbone
    )
    s.nps = Question.objects.create(
        survey=s, kind="nps", text="Would you recommend us?", sort_order=1, required=True
    )
    s.likert = Question.objects.create(
        survey=s, kind="likert", text="How satisfied are you?", sort_order=2
    )
    s.text = Question.objects.create(survey=s, kind="text", text="Anything else?", sort_order=3)
    s.link = Link.objects.create(survey=s, organisation=cast.org_a)
    return s


def respondent(lang: str) -> Client:
    client = Client(REMOTE_ADDR=f"2001:db8::{secrets.token_hex(2)}")
    client.cookies["cm_device"] = secrets.token_urlsafe(18)
    client.cookies["django_language"] = lang
    return client


def stamp() -> str:
    from commonmeasure.voice import limits

    return limits.form_stamp(issued=time.time() - 60)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "fr",
            [
                "Envoyer mes réponses",
                "(obligatoire)",
                "Pas du tout probable",
                "Très satisfait",
                "Ce qui est conservé",
                "N'écrivez pas de noms",
            ],
        ),
        (
            "es",
            [
                "Enviar mis respuestas",
                "(obligatoria)",
                "Nada probable",
                "Muy satisfecho",
                "Qué se guarda",
                "No escriba nombres",
            ],
        ),
    ],
)
def test_public_survey_form_is_in_the_visitors_language(survey, lang, words):
    page = respondent(lang).get(f"/s/{survey.link.token}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in html
    for word in words:
        assert word in html, word
    assert "Send my answers" not in html
    assert "Would you recommend us?" in html  # the initiative's own question, as written


def test_accept_language_alone_picks_french(survey):
    client = Client(HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    html = client.get(f"/s/{survey.link.token}/").content.decode()
    assert "Envoyer mes réponses" in html


def test_refusals_and_answer_checks_come_out_in_french(survey):
    client = respondent("fr")
    page = client.post(
        f"/s/{survey.link.token}/",
        {"stamp": stamp(), f"q{survey.likert.id}": "9"},
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "Certaines réponses demandent votre attention" in html
    assert "Veuillez répondre à cette question." in html
    assert "Choisissez un nombre de 1 à 5." in html


def test_missing_cookie_and_thanks_page_in_spanish(survey):
    client = Client(REMOTE_ADDR="2001:db8::1")
    client.cookies["django_language"] = "es"
    page = client.post(f"/s/{survey.link.token}/", {"stamp": stamp(), f"q{survey.nps.id}": "9"})
    assert "Permita las cookies de este sitio" in page.content.decode()
    done = respondent("es").post(
        f"/s/{survey.link.token}/", {"stamp": stamp(), f"q{survey.nps.id}": "9"}, follow=True
    )
    assert "Organisation A ha recibido sus respuestas. Son anónimas." in done.content.decode()


def test_survey_language_chosen_on_the_form_sets_the_page_words(survey):
    survey.nps.translations = {"fr": {"text": "Nous recommanderiez-vous ?"}}
    survey.nps.save()
    html = Client().get(f"/s/{survey.link.token}/?lang=fr").content.decode()
    assert "Nous recommanderiez-vous ?" in html
    assert "Envoyer mes réponses" in html


def test_closed_survey_and_poster_in_french(survey):
    html = respondent("fr").get(f"/s/{survey.link.token}/print/").content.decode()
    assert "Dites-nous ce que vous en pensez." in html
    survey.is_open = False
    survey.save()
    page = respondent("fr").get(f"/s/{survey.link.token}/")
    assert page.status_code == 410
    assert "Cette enquête est close" in page.content.decode()


def test_ballot_in_french(cast):
    from commonmeasure.voice.models import Ballot

    ballot = Ballot.objects.create(
        initiative=cast.alpha,
        title="What matters?",
        candidates=[{"code": "a", "label": "Work"}, {"code": "b", "label": "Home"}],
        mode=Ballot.RANK,
    )
    client = respondent("fr")
    html = client.get(f"/v/{ballot.token}/").content.decode()
    assert "Résultats candidats" in html
    assert 'aria-label="Rang de Work"' in html
    page = client.post(f"/v/{ballot.token}/", {"stamp": stamp(), "rank_a": "1", "rank_b": "1"})
    assert "Chaque rang ne peut servir qu&#x27;une fois" in page.content.decode()


def test_members_pages_in_french(cast, client_for, survey):
    client = client_for("backbone")
    client.cookies["django_language"] = "fr"
    listing = client.get(f"/i/{cast.alpha.code}/surveys/").content.decode()
    assert "Enquêtes de satisfaction" in listing
    assert "Nouvelle enquête" in listing
    assert "<td>Ouverte</td>" in listing  # the survey's status, not the verb "Ouvrir"
    detail = client.get(f"/i/{cast.alpha.code}/surveys/{survey.id}/").content.decode()
    assert "Liens et codes QR" in detail
    assert "Ajouter une question" in detail
    refused = client.post(f"/i/{cast.alpha.code}/surveys/new/", {"title": ""})
    assert "Donnez un titre à l&#x27;enquête." in refused.content.decode()


def test_recompute_command_speaks_french(survey, capsys):
    with translation.override("fr"):
        call_command("surveys_recompute")
    assert "valeurs des enquêtes : 0 écrites, 0 supprimées" in capsys.readouterr().out


def test_a_refused_question_is_explained_in_french(cast, client_for, survey):
    client = client_for("backbone")
    client.cookies["django_language"] = "fr"
    page = client.post(
        f"/i/{cast.alpha.code}/surveys/{survey.id}/", {"action": "add_question", "kind": "x"}
    )
    html = page.content.decode()
    assert "Choisissez un type de question." in html
    assert "Écrivez la question (500 caractères au plus)." in html


def test_the_survey_languages_are_named_in_their_own_words(survey):
    survey.nps.translations = {"cy": {"text": "Fyddech chi'n ein hargymell?"}}
    survey.nps.save()
    html = respondent("fr").get(f"/s/{survey.link.token}/").content.decode()
    assert '<a href="?lang=cy" lang="cy" >Cymraeg</a>' in html
    assert ">Par défaut</a>" in html
