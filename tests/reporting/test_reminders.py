"""Reminder e-mails before and after the deadline: by command, by background task, never twice."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from commonmeasure.reporting import reminders
from commonmeasure.reporting.models import Reminder, Submission

BEFORE = datetime.date(2024, 3, 8)  # February's report is due on 10 March (deadline_days 10)
AFTER = datetime.date(2024, 3, 11)


@pytest.fixture
def due(cast):
    cast.alpha.deadline_days = 10
    cast.alpha.reminder_days_before = 3
    cast.alpha.reminder_days_after = 1
    cast.alpha.save()
    cast.alice.email = "alice@example.org"
    cast.alice.save()
    cast.bob.email = "bob@example.org"
    cast.bob.save()
    for org in (cast.org_a, cast.org_b):  # January is done; only February is open
        Submission.objects.create(
            initiative=cast.alpha,
            organisation=org,
            period="2024-01",
            status=Submission.APPROVED,
            period_start=datetime.date(2024, 1, 1),
            submitted_at=timezone.now(),
        )
    return cast


def test_a_missed_deadline_of_an_earlier_period_gets_its_own_overdue_reminder(due, mailoutbox):
    Submission.objects.filter(period="2024-01", organisation=due.org_b).update(
        status=Submission.DRAFT
    )
    sent = reminders.send_reminders(BEFORE)
    assert sorted((p.organisation.code, p.period, p.kind) for p in sent) == [
        ("org-a", "2024-02", "before"),
        ("org-b", "2024-01", "after"),
        ("org-b", "2024-02", "before"),
    ]


def test_a_reminder_goes_to_reporters_before_the_deadline(due, mailoutbox):
    sent = reminders.send_reminders(BEFORE)
    assert sorted((p.organisation.code, p.period, p.kind) for p in sent) == [
        ("org-a", "2024-02", "before"),
        ("org-b", "2024-02", "before"),
    ]
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.org", "bob@example.org"]
    assert "due on 10 March 2024" in mailoutbox[0].subject


def test_no_reminder_is_sent_twice_for_the_same_reason(due, mailoutbox):
    reminders.send_reminders(BEFORE)
    assert reminders.send_reminders(BEFORE) == []
    assert reminders.send_reminders(BEFORE + datetime.timedelta(days=1)) == []
    assert len(mailoutbox) == 2
    assert Reminder.objects.count() == 2


def test_an_overdue_reminder_follows_a_missed_deadline(due, mailoutbox):
    reminders.send_reminders(BEFORE)
    sent = reminders.send_reminders(AFTER)
    assert sorted(p.kind for p in sent) == ["after", "after"]
    assert mailoutbox[-1].subject.startswith("Overdue:")


def test_organisations_that_have_submitted_get_no_reminder(due, mailoutbox):
    Submission.objects.create(
        initiative=due.alpha,
        organisation=due.org_a,
        period="2024-02",
        status=Submission.SUBMITTED,
        period_start=datetime.date(2024, 2, 1),
        submitted_at=timezone.now(),
    )
    sent = reminders.send_reminders(BEFORE)
    assert [p.organisation.code for p in sent] == ["org-b"]


def test_outside_the_reminder_days_nothing_is_sent(due, mailoutbox):
    assert reminders.send_reminders(datetime.date(2024, 3, 5)) == []
    due.alpha.deadline_days = None
    due.alpha.save()
    assert reminders.send_reminders(BEFORE) == []
    assert mailoutbox == []


def test_a_dry_run_sends_and_records_nothing(due, mailoutbox, cli):
    code, out, _ = cli("remind", "--dry-run", "--date", BEFORE.isoformat())
    assert code == 0
    assert (
        "would send alpha org-a 2024-02: before the deadline 2024-03-10 -> alice@example.org" in out
    )
    assert mailoutbox == [] and not Reminder.objects.exists()


def test_the_command_sends_the_reminders(due, mailoutbox, cli):
    code, out, err = cli("remind", "--date", BEFORE.isoformat())
    assert code == 0 and "sent alpha org-b 2024-02" in out and "2 reminder(s) sent" in err
    assert len(mailoutbox) == 2


def test_the_command_refuses_a_bad_date(due, cli):
    code, _, err = cli("remind", "--date", "10/03/2024")
    assert code != 0 and "is not a date" in err


def test_the_background_task_sends_due_reminders(due, mailoutbox, monkeypatch):
    monkeypatch.setattr(reminders.timezone, "localdate", lambda *a: BEFORE)
    assert reminders.reminders_task.call(0) == 2
    assert len(mailoutbox) == 2


def test_the_command_can_queue_the_repeating_background_task(due, cli):
    from django_tasks_db.models import DBTaskResult

    code, _, err = cli("remind", "--every", "3600")
    assert code == 0 and "queued" in err
    assert DBTaskResult.objects.filter(task_path__endswith="reminders_task").count() == 1
