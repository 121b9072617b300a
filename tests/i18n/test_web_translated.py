"""The web pages, the API's errors and the sign-in and token commands in Spanish and French:
the language cookie (or Accept-Language) gives translated headings, buttons and messages, and
messages made in Python (a page's notice, a form's error, an API error, a command's error) come
out in the chosen language. Each assertion names words a missing translation would leave in
English."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from commonmeasure.forms import WholeNumberField
from tests.i18n.dom import parse

COOKIE = settings.LANGUAGE_COOKIE_NAME
GRID = "/i/alpha/orgs/org-a/report/2026-04/"


def in_language(client: Client, code: str) -> Client:
    client.cookies[COOKIE] = code
    return client


def texts(html: str, tag: str) -> list[str]:
    return [e.text() for e in parse(html).find_all(tag)]


@pytest.mark.parametrize(
    ("code", "save", "submit", "nav"),
    [
        ("fr", "Enregistrer", "Enregistrer et soumettre", "Vue d'ensemble"),
        ("es", "Guardar", "Guardar y enviar", "Resumen"),
    ],
)
def test_the_grid_is_in_the_chosen_language(client_for, code, save, submit, nav):
    html = in_language(client_for("alice"), code).get(GRID).content.decode()
    page = parse(html)
    assert page.find("button", id="save").text() == save
    assert page.find("button", id="submit").text() == submit
    assert nav in texts(html, "a")
    assert page.find("html")["lang"] == code


def test_a_notice_from_python_is_in_french(client_for):
    client = in_language(client_for("alice"), "fr")
    response = client.post(GRID, {"action": "save"}, follow=True)
    assert "Rien à enregistrer : toutes les cellules sont vides." in response.content.decode()


def test_the_reports_page_and_its_refusal_are_in_french(client_for):
    html = in_language(client_for("backbone"), "fr").get("/i/alpha/reports/").content.decode()
    headers = texts(html, "th")
    assert "Organisation" in headers and "État" in headers and "Soumis" in headers
    refused = in_language(client_for("alice"), "fr").get("/i/alpha/reports/")
    assert refused.status_code == 403
    assert "Seule la structure de coordination" in refused.content.decode()


def test_the_home_and_error_pages_are_in_spanish(client_for, cast):
    client = in_language(client_for("anonymous"), "es")
    assert "Iniciativas publicadas" in texts(client.get("/").content.decode(), "h2")
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert "Página no encontrada" in texts(missing.content.decode(), "h1")


def test_an_api_error_is_in_the_callers_language(client_for, cast):
    url = "/api/v1/initiatives/alpha/indicators/nope"
    french = client_for("alice", HTTP_ACCEPT_LANGUAGE="fr").get(url)
    assert french.status_code == 404
    assert french.json() == {"detail": "Aucun indicateur 'nope' dans l'initiative alpha."}
    spanish = client_for("alice", HTTP_ACCEPT_LANGUAGE="es").get(url)
    assert spanish.json()["detail"] == "No hay ningún indicador 'nope' en la iniciativa alpha."
    english = client_for("alice").get(url)
    assert english.json()["detail"] == "No indicator 'nope' in initiative alpha."


def test_a_form_error_is_in_french():
    field = WholeNumberField(1, 12, label="Mois")
    with translation.override("fr"):
        with pytest.raises(Exception) as refused:
            field.clean("13")
    assert refused.value.messages == ["Mois : saisissez un nombre entier de 1 à 12."]


def test_a_command_error_is_in_french(cast, cli):
    with translation.override("fr"):
        code, out, err = cli("token", "create", "nobody")
    assert code == 1 and "aucun utilisateur 'nobody'" in err


def test_the_sign_in_lock_message_is_in_french(cast):
    import datetime

    from django.utils import timezone

    from commonmeasure.accounts.models import LoginThrottle
    from commonmeasure.accounts.throttle import Lock

    lock = Lock(scope=LoginThrottle.ACCOUNT, until=timezone.now() + datetime.timedelta(minutes=5))
    with translation.override("fr"):
        message = lock.message()
    assert message.startswith("Trop de tentatives de connexion échouées pour ce compte.")
    assert "Réessayez dans 5 minutes" in message


def test_the_grids_script_gets_its_words_in_french(client_for):
    html = in_language(client_for("alice"), "fr").get(GRID).content.decode()
    box = parse(html).find("div", **{"class": "breakdown-sum"})
    assert box is not None
    assert box["data-text-use"] == "Utiliser %(sum)s comme total"
    assert box["data-text-given"] == "(%(given)s sur %(expected)s renseignés)"
