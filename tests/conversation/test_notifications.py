"""Who is notified of what; the bell, the notifications page, marking read; e-mail settings and
e-mails sent at once."""

from __future__ import annotations

import pytest
from django.core import mail

from commonmeasure.conversation.models import EmailPreference, Notification
from commonmeasure.conversation.services import report_spec
from commonmeasure.initiatives.access import access_for
from commonmeasure.reporting import services as reporting

from .conftest import approve, comment, give_email, submit


def notified(kind=None) -> list[str]:
    qs = Notification.objects.order_by("user__username")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.values_list("user__username", flat=True))


def test_the_backbone_is_notified_when_a_report_is_submitted(cast, report_a):
    submit(cast.alice, report_a)
    assert notified() == ["backbone"]
    n = Notification.objects.get()
    assert n.kind == "submitted" and n.target_url == "/i/alpha/orgs/org-a/report/2024-03/"


def test_the_organisations_reporters_are_notified_when_their_report_is_approved(cast, report_a):
    sub = submit(cast.alice, report_a)
    Notification.objects.all().delete()
    approve(cast.backbone, sub)
    assert notified() == ["alice"]


def test_the_organisations_reporters_are_notified_when_their_report_is_returned(cast, report_a):
    sub = submit(cast.alice, report_a)
    Notification.objects.all().delete()
    reporting.return_for_changes(access_for(cast.backbone, cast.alpha), sub, cast.backbone, "No")
    assert notified("returned") == ["alice"]
    assert Notification.objects.get().text.endswith("“No”")


def test_nobody_is_notified_of_their_own_action(cast, report_a):
    """The backbone submitting a report on the organisation's behalf is not told it did so."""
    submit(cast.backbone, report_a)
    assert notified() == []


def test_thread_participants_are_notified_of_a_new_comment_but_not_the_writer(cast, report_a):
    spec = report_spec(report_a)
    comment(cast.alice, cast.alpha, spec, "first")
    comment(cast.backbone, cast.alpha, spec, "second")
    assert notified("comment") == ["alice"]
    comment(cast.alice, cast.alpha, spec, "third")
    assert notified("comment") == ["alice", "backbone"]


def test_a_participant_who_can_no_longer_see_the_thread_is_not_notified(cast, report_a):
    sub = approve(cast.backbone, submit(cast.alice, report_a))
    spec = report_spec(sub)
    comment(cast.bob, cast.alpha, spec, "Nice numbers")  # approved: bob may see it
    reporting.reopen(access_for(cast.backbone, cast.alpha), sub, cast.backbone, "Typo")
    Notification.objects.all().delete()
    comment(cast.alice, cast.alpha, report_spec(sub), "Fixing a typo")
    assert "bob" not in notified()


def test_the_bell_shows_the_unread_count(cast, client_for, report_a):
    submit(cast.alice, report_a)
    page = client_for(cast.backbone).get("/").content.decode()
    assert 'id="notification-count">1<' in page
    assert 'id="notification-count"' not in client_for(cast.bob).get("/").content.decode()
    assert 'id="nav-notifications"' not in client_for(None).get("/").content.decode()


def test_the_notifications_page_lists_only_ones_own(cast, client_for, report_a):
    submit(cast.alice, report_a)
    assert "alice submitted" in client_for(cast.backbone).get("/notifications/").content.decode()
    assert "alice submitted" not in client_for(cast.bob).get("/notifications/").content.decode()
    assert client_for(None).get("/notifications/").status_code == 302


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(cast, client_for, report_a):
    submit(cast.alice, report_a)
    n = Notification.objects.get()
    r = client_for(cast.backbone).get(f"/notifications/{n.pk}/")
    assert r.status_code == 302 and r.url == "/i/alpha/orgs/org-a/report/2024-03/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_nobody_opens_or_marks_someone_elses_notification(cast, client_for, report_a):
    submit(cast.alice, report_a)
    n = Notification.objects.get()
    assert client_for(cast.bob).get(f"/notifications/{n.pk}/").status_code == 404
    client_for(cast.bob).post("/notifications/read/", {"id": n.pk})
    client_for(cast.bob).post("/notifications/read/")
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_one_and_mark_all_as_read(cast, client_for, report_a, report_b):
    submit(cast.alice, report_a)
    submit(cast.bob, report_b)
    first, second = Notification.objects.order_by("id")
    c = client_for(cast.backbone)
    c.post("/notifications/read/", {"id": first.pk})
    assert list(Notification.objects.filter(read_at__isnull=True)) == [second]
    r = c.post("/notifications/read/", follow=True)
    assert "1 notification marked as read." in r.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_marking_read_needs_a_post(cast, client_for):
    assert client_for(cast.alice).get("/notifications/read/").status_code == 405


@pytest.mark.parametrize("choice", ["immediate", "digest", "none"])
def test_a_user_chooses_how_to_be_emailed(cast, client_for, choice):
    c = client_for(cast.alice)
    assert c.post("/notifications/settings/", {"email": choice}).status_code == 302
    assert EmailPreference.objects.get(user=cast.alice).email == choice
    assert f'value="{choice}" checked' in c.get("/notifications/settings/").content.decode()


def test_the_default_is_a_daily_digest_and_a_bad_choice_is_refused(cast, client_for):
    c = client_for(cast.bob)
    assert 'value="digest" checked' in c.get("/notifications/settings/").content.decode()
    r = c.post("/notifications/settings/", {"email": "hourly"})
    assert r.status_code == 400 and "Choose one of the three options." in r.content.decode()
    assert not EmailPreference.objects.exists()


def test_the_settings_page_warns_a_user_without_an_address(cast, client_for):
    assert (
        'id="no-email"' in client_for(cast.alice).get("/notifications/settings/").content.decode()
    )
    assert client_for(None).get("/notifications/settings/").status_code == 302


def test_immediately_means_one_email_when_the_change_is_committed(
    cast, report_a, django_capture_on_commit_callbacks
):
    give_email(cast.backbone)
    EmailPreference.objects.create(user=cast.backbone, email="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        submit(cast.alice, report_a)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["backbone@example.org"]
    assert (
        message.subject == "[Alpha Partnership] alice submitted Organisation A's report for 2024-03"
    )
    assert "/i/alpha/orgs/org-a/report/2024-03/" in message.body
    assert Notification.objects.get().emailed_at is not None


def test_no_immediate_email_for_digest_or_none_users(
    cast, report_a, django_capture_on_commit_callbacks
):
    give_email(cast.backbone)
    EmailPreference.objects.create(user=cast.backbone, email="none")
    with django_capture_on_commit_callbacks(execute=True):
        submit(cast.alice, report_a)
    assert mail.outbox == [] and Notification.objects.get().emailed_at is None


def test_an_immediate_email_is_not_sent_twice(cast, report_a, django_capture_on_commit_callbacks):
    from commonmeasure.conversation.emails import send_immediate

    give_email(cast.backbone)
    EmailPreference.objects.create(user=cast.backbone, email="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        submit(cast.alice, report_a)
    assert send_immediate([Notification.objects.get().pk]) == 0
    assert len(mail.outbox) == 1
