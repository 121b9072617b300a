"""The language switcher: on every page (signed in or not, the public and survey pages too), it
posts to Django's set_language with a CSRF token, the choice is kept in a cookie, the browser's
Accept-Language is followed when no choice was made, and <html lang> names the active language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from tests.i18n.dom import parse

COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.content.decode()).group(1)


def switcher(html: str):
    form = parse(html).find("form", id="language-switch")
    assert form is not None, "no language switcher on the page"
    return form


def test_the_switcher_is_an_accessible_form_posting_to_set_language(client_for):
    form = switcher(client_for("anonymous").get("/login/").content.decode())
    assert form["method"] == "post"
    assert form["action"] == "/i18n/setlang/"
    assert form.find("input", name="csrfmiddlewaretoken") is not None
    select = form.find("select", name="language")
    label = form.find("label", **{"for": select["id"]})
    assert label is not None and label.text() == "Language"
    # Each language is named in its own language, and marked as such for screen readers.
    options = {o["value"]: (o.text(), o["lang"]) for o in select.find_all("option")}
    assert options == {
        "en-gb": ("English", "en-gb"),
        "es": ("Español", "es"),
        "fr": ("Français", "fr"),
    }
    assert select.find("option", selected=True)["value"] == "en-gb"
    assert form.find("button", type="submit").text() == "Change language"


@pytest.mark.parametrize("who", ["alice", "backbone", "anonymous"])
def test_every_signed_in_or_anonymous_page_has_the_switcher(client_for, cast, who):
    client = client_for(who)
    page = "/" if who != "anonymous" else "/login/"
    switcher(client.get(page).content.decode())
    if who != "anonymous":
        switcher(client.get(f"/i/{cast.alpha.code}/").content.decode())


def test_choosing_a_language_sets_the_cookie_and_returns_to_the_page(client_for):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/?next=/")
    token = switcher(page.content.decode()).find("input", name="csrfmiddlewaretoken")["value"]
    next_page = switcher(page.content.decode()).find("input", name="next")["value"]
    assert next_page == "/login/?next=/"
    r = client.post(
        "/i18n/setlang/",
        {"language": "fr", "next": next_page, "csrfmiddlewaretoken": token},
    )
    assert r.status_code == 302 and r["Location"] == "/login/?next=/"
    assert client.cookies[COOKIE].value == "fr"
    after = client.get("/login/")
    assert html_lang(after) == "fr"
    assert switcher(after.content.decode()).find("option", selected=True)["value"] == "fr"


def test_the_switcher_refuses_a_post_without_csrf_token():
    client = Client(enforce_csrf_checks=True)
    r = client.post("/i18n/setlang/", {"language": "fr", "next": "/login/"})
    assert r.status_code == 403
    assert COOKIE not in client.cookies


@pytest.mark.parametrize(
    ("accept", "lang"),
    [("fr-FR,fr;q=0.9,en;q=0.5", "fr"), ("es-MX,es;q=0.8", "es"), ("de", "en-GB"), ("", "en-GB")],
)
def test_accept_language_is_followed_when_no_choice_was_made(accept, lang):
    r = Client(HTTP_ACCEPT_LANGUAGE=accept).get("/login/")
    assert html_lang(r) == lang
    assert r.headers["Content-Language"].lower() == lang.lower()


def test_the_cookie_wins_over_accept_language():
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.cookies[COOKIE] = "es"
    assert html_lang(client.get("/login/")) == "es"


def test_the_page_is_in_the_chosen_language(db):
    client = Client()
    client.cookies[COOKIE] = "fr"
    heading = parse(client.get("/").content.decode()).find("h1").text()
    assert heading == "Mesure partagée des résultats sociaux"
    client.cookies[COOKIE] = "es"
    heading = parse(client.get("/").content.decode()).find("h1").text()
    assert heading == "Medición compartida de resultados sociales"


@pytest.mark.parametrize("template", ["voice/closed.html", "insights/public.html"])
def test_the_public_and_survey_pages_have_the_switcher_and_lang(template, db):
    from django.utils import translation

    request = RequestFactory().get("/somewhere/?x=1")
    with translation.override("es"):
        html = render_to_string(template, {"what": "survey"}, request=request)
    assert re.search(r'<html lang="es"', html)
    form = switcher(html)
    assert form.find("input", name="next")["value"] == "/somewhere/?x=1"
    assert form.find("option", selected=True)["value"] == "es"
