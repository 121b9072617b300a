"""The backbone pages (settings, members and roles, invitations, activities, calendar) in French
and Spanish, the invitation e-mail in the language active when it is sent, and messages from the
Python code (form errors, refusals, the `invite` command's errors)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation


def french(client):
    client.cookies["django_language"] = "fr"
    return client


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/i/alpha/settings/", ["Paramètres de l'initiative", "Enregistrer les paramètres"]),
        (
            "/i/alpha/members/",
            ["Membres et rôles", "Inviter quelqu'un", "Modifications des rôles"],
        ),
        ("/i/alpha/members/invite/", ["Envoyer l'invitation", "Une nouvelle organisation…"]),
        ("/i/alpha/activities/", ["Qui travaille sur quel objectif", "Ajouter une activité"]),
        ("/i/alpha/calendar/", ["Échéances", "Ajouter à mon agenda (.ics)", ">Échéance</th>"]),
    ],
)
def test_backbone_pages_in_french(client_for, path, words):
    page = french(client_for("backbone")).get(path)
    assert page.status_code == 200
    html = page.content.decode()
    for word in words:
        assert word in html, word


def test_settings_page_in_spanish(client_for):
    client = client_for("backbone")
    client.cookies["django_language"] = "es"
    html = client.get("/i/alpha/settings/").content.decode()
    assert "Configuración de la iniciativa" in html
    assert "Control de divulgación" in html


def test_a_refused_invitation_names_the_field_in_french(client_for):
    page = french(client_for("backbone")).post(
        "/i/alpha/members/invite/", {"email": "not-an-address", "role": "reporter"}
    )
    html = page.content.decode()
    assert "E-mail : not-an-address n&#x27;est pas une adresse e-mail." in html
    assert not mail.outbox


def test_the_invitation_email_is_in_the_senders_language_and_its_page_in_the_visitors(
    client_for,
):
    sent = french(client_for("backbone")).post(
        "/i/alpha/members/invite/",
        {"email": "dana@example.org", "role": "reporter", "organisation": "org-a"},
    )
    assert sent.status_code == 302
    spanish = client_for("backbone")
    spanish.cookies["django_language"] = "es"
    members = spanish.get("/i/alpha/members/").content.decode()
    assert "<td>Pendiente</td>" in members  # the invitation's state
    message = mail.outbox[0]
    assert message.subject == "Invitation à Alpha Partnership sur Common Measure"
    assert "vous invite à rejoindre Alpha Partnership" in message.body
    assert "Si vous n'attendiez pas cette invitation" in message.body
    path = re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body).group(1)
    visitor = Client()
    visitor.cookies["django_language"] = "es"
    html = visitor.get(path).content.decode()
    assert "Únase a Alpha Partnership" in html
    assert "Crear mi cuenta y unirme" in html
    refused = Client()
    refused.cookies["django_language"] = "fr"
    bad = refused.get("/invitations/not-a-token/").content.decode()
    assert "Ce lien d&#x27;invitation n&#x27;est pas valide" in bad


def test_the_invite_command_speaks_french(db):
    with translation.override("fr"), pytest.raises(CommandError) as refused:
        call_command(
            "invite", "--initiative", "nowhere", "--email", "dana@example.org", "--role", "viewer"
        )
    assert str(refused.value) == "aucune initiative avec le code 'nowhere'"


def test_the_calendar_file_speaks_french(cast, client_for):
    cast.alpha.deadline_days = 30
    cast.alpha.save(update_fields=["deadline_days"])
    client = french(client_for("backbone"))
    text = client.get("/i/alpha/calendar.ics").content.decode()
    unfolded = text.replace("\r\n ", "")
    assert "X-WR-CALNAME:Dates limites des rapports de Alpha Partnership" in unfolded
    assert "sont attendus avant la fin de cette journée" in unfolded
