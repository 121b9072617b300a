"""Comments, notifications, the activity feed and the digest e-mail in French and Spanish:
the pages' own words, the messages from the Python code (a refused comment, a mention that
notified nobody), and the digest's subject, greeting and footer."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

from django.core import mail
from django.core.management import call_command
from django.utils import translation

from commonmeasure.conversation import emails
from commonmeasure.conversation.models import Notification
from commonmeasure.conversation.services import notify

INDICATOR = "/i/alpha/indicators/enrolled/comments/"


def speaking(client, lang="fr"):
    client.cookies["django_language"] = lang
    return client


def test_notification_pages_in_french(cast, client_for):
    notify([cast.alice], cast.alpha, "comment", "Thing", "/i/alpha/")
    client = speaking(client_for("alice"))
    html = client.get("/notifications/").content.decode()
    assert "Tout marquer comme lu" in html
    assert "Paramètres des e-mails" in html
    assert "1 non lue." in html
    prefs = client.get("/notifications/settings/").content.decode()
    assert "M'envoyer des e-mails" in prefs
    assert "Un récapitulatif quotidien" in prefs  # the model's choices, translated
    done = client.post("/notifications/read/", {}, follow=True).content.decode()
    assert "1 notification marquée comme lue." in done


def test_feed_and_comment_thread_in_spanish(cast, client_for):
    client = speaking(client_for("alice"), "es")
    feed = client.get("/i/alpha/activity/").content.decode()
    assert "Qué ha pasado en Alpha Partnership" in feed
    thread = client.get(INDICATOR).content.decode()
    assert "Añadir un comentario" in thread
    assert "Publicar comentario" in thread


def test_refusals_and_notes_come_out_in_french(cast, client_for):
    client = speaking(client_for("alice"))
    empty = client.post(INDICATOR, {"text": "   "}).content.decode()
    assert "Écrivez quelque chose avant de publier le commentaire." in empty
    noted = client.post(INDICATOR, {"text": "Ask @nobody"}, follow=True).content.decode()
    assert "@nobody n&#x27;est pas membre de Alpha Partnership" in noted


def test_a_comment_made_in_french_notifies_in_french(cast, client_for):
    speaking(client_for("alice")).post(INDICATOR, {"text": "@bob regarde"})
    assert Notification.objects.get(user=cast.bob).text.startswith(
        "alice vous a mentionné sur l'indicateur"
    )


def test_the_digest_is_in_the_language_of_the_run(cast):
    cast.alice.email = "alice@example.org"
    cast.alice.save()
    for i in range(2):
        notify([cast.alice], cast.alpha, "comment", f"Thing {i}", "/i/alpha/")
    out = io.StringIO()
    with translation.override("fr"), redirect_stdout(out):
        call_command("digest")
    message = mail.outbox[0]
    assert message.subject == "Common Measure : 2 nouvelles notifications"
    assert message.body.startswith("Bonjour alice,")
    assert "Toutes vos notifications :" in message.body
    assert "envoyé : alice <alice@example.org> : 2 notification(s)" in out.getvalue()
    one = Notification.objects.filter(user=cast.alice)[:1]
    with translation.override("es"):
        subject, _body = emails.digest_text(emails.PlannedDigest(cast.alice, "a@b", list(one)))
    assert subject == "Common Measure: 1 notificación nueva"
