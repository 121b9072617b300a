"""Daily digests: what is due, sent once only (however often or concurrently the job runs),
the dry run, the command and the background task."""

from __future__ import annotations

import datetime

from django.core import mail
from django.utils import timezone

from commonmeasure.conversation import emails
from commonmeasure.conversation.models import Digest, EmailPreference, Notification
from commonmeasure.conversation.services import notify

from .conftest import give_email


def three_for(user, initiative):
    for i in range(3):
        notify([user], initiative, "comment", f"Thing {i}", f"/i/alpha/things/{i}/")


def test_a_digest_gathers_a_users_unsent_notifications_into_one_email(cast):
    give_email(cast.alice)
    three_for(cast.alice, cast.alpha)
    sent = emails.send_digests()
    assert [p.recipient for p in sent] == ["alice@example.org"]
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Common Measure: 3 new notifications"
    assert "Alpha Partnership" in body and "- Thing 0" in body and "/i/alpha/things/2/" in body
    digest = Digest.objects.get()
    assert digest.count == 3 and digest.notifications.count() == 3


def test_running_the_digest_again_sends_nothing_more(cast):
    give_email(cast.alice)
    three_for(cast.alice, cast.alpha)
    emails.send_digests()
    assert emails.send_digests() == []
    later = timezone.now() + datetime.timedelta(days=2)
    assert emails.send_digests(later) == []  # nothing new: nothing sent, even a day later
    assert len(mail.outbox) == 1 and Digest.objects.count() == 1


def test_new_notifications_wait_for_the_next_day(cast):
    give_email(cast.alice)
    three_for(cast.alice, cast.alpha)
    emails.send_digests()
    notify([cast.alice], cast.alpha, "comment", "Thing 4", "/")
    assert emails.send_digests() == []
    tomorrow = timezone.now() + datetime.timedelta(hours=emails.DIGEST_MIN_HOURS + 1)
    sent = emails.send_digests(tomorrow)
    assert [len(p.notifications) for p in sent] == [1]
    assert len(mail.outbox) == 2 and "Thing 4" in mail.outbox[1].body


def test_a_notification_claimed_by_another_run_is_not_sent_again(cast):
    """Two runs at once: both plan the digest, only the first to claim it sends it."""
    give_email(cast.alice)
    three_for(cast.alice, cast.alpha)
    planned = emails.due_digests()
    emails.send_digests()
    real_due = emails.due_digests
    emails.due_digests = lambda now=None: planned  # the second run planned before the first sent
    try:
        assert emails.send_digests() == []
    finally:
        emails.due_digests = real_due
    assert len(mail.outbox) == 1 and Digest.objects.count() == 1


def test_a_failed_send_records_nothing_and_is_tried_again(cast, monkeypatch):
    give_email(cast.alice)
    three_for(cast.alice, cast.alpha)

    def refuse(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(emails, "send_mail", refuse)
    assert emails.send_digests() == []
    assert not Digest.objects.exists()
    assert Notification.objects.filter(digest__isnull=True).count() == 3
    monkeypatch.undo()
    assert len(emails.send_digests()) == 1 and len(mail.outbox) == 1


def test_read_notifications_and_users_who_chose_none_or_have_no_address_get_no_digest(cast):
    give_email(cast.alice, cast.bob)
    three_for(cast.alice, cast.alpha)
    three_for(cast.bob, cast.alpha)
    three_for(cast.backbone, cast.alpha)  # no address
    EmailPreference.objects.create(user=cast.bob, email="none")
    Notification.objects.filter(user=cast.alice, text="Thing 0").update(read_at=timezone.now())
    sent = emails.send_digests()
    assert [(p.user.username, len(p.notifications)) for p in sent] == [("alice", 2)]


def test_an_immediate_email_that_failed_goes_out_with_the_next_digest_run(cast):
    give_email(cast.alice)
    EmailPreference.objects.create(user=cast.alice, email="immediate")
    notify([cast.alice], cast.alpha, "comment", "Missed", "/")  # on_commit never ran here
    assert emails.send_digests() == []  # too recent: it may still be on its way
    later = timezone.now() + datetime.timedelta(minutes=emails.RETRY_AFTER_MINUTES + 1)
    assert [p.user.username for p in emails.send_digests(later)] == ["alice"]


def test_the_dry_run_prints_what_would_be_sent_and_sends_nothing(cast, cli):
    give_email(cast.alice)
    three_for(cast.alice, cast.alpha)
    code, out, err = cli("digest", "--dry-run")
    assert code == 0
    assert "would send alice <alice@example.org>: 3 notification(s)" in out
    assert "Subject: Common Measure: 3 new notifications" in out and "- Thing 1" in out
    assert "1 digest(s) due" in err
    assert mail.outbox == [] and not Digest.objects.exists()
    code, out, err = cli("digest")
    assert "sent alice <alice@example.org>" in out and len(mail.outbox) == 1
    code, out, err = cli("digest")
    assert "0 digest(s) sent" in err and len(mail.outbox) == 1


def test_the_background_task_sends_the_digests_due(cast):
    give_email(cast.alice)
    three_for(cast.alice, cast.alpha)
    assert emails.digest_task.call(0) == 1
    assert emails.digest_task.call(0) == 0
    assert len(mail.outbox) == 1


def test_the_command_queues_the_repeating_background_task(cast, cli):
    from django_tasks_db.models import DBTaskResult

    code, out, err = cli("digest", "--every", "86400")
    assert code == 0 and "queued" in err
    assert DBTaskResult.objects.filter(task_path__endswith="digest_task").count() == 1
    assert mail.outbox == []


def test_the_command_refuses_a_too_short_interval(cast, cli):
    code, out, err = cli("digest", "--every", "5")
    assert code == 1 and "at least 60 seconds" in err
