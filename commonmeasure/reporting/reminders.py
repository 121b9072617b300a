"""Reminder e-mails before and after a report's deadline (docs/reference/reminders.md).

``send_reminders`` is run by ``commonmeasure remind`` (for cron) and by the background task
``reminders_task`` (django-tasks, run by ``commonmeasure worker``). Each (initiative, organisation, period, before/after) is recorded in the Reminder log
in the same transaction as the e-mail is sent, so no reminder is ever sent twice, however
often or however many copies of the job run.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from commonmeasure.domain import periods
from commonmeasure.initiatives.models import Initiative, Membership

from .models import Reminder, Submission
from .quality import expected_participations

AFTER_WINDOW_DAYS = 31  # no "after" reminder for deadlines missed longer ago than this
LOOKBACK_PERIODS = 3  # periods checked per initiative: the last ones that have ended


@dataclass
class Planned:
    initiative: Initiative
    organisation: object
    period: str
    kind: str  # before, after
    deadline: datetime.date
    recipients: list[str]

    def describe(self) -> str:
        return (
            f"{self.initiative.code} {self.organisation.code} {self.period}: {self.kind} the deadline "
            f"{self.deadline.isoformat()} -> {', '.join(self.recipients) or '(no addresses)'}"
        )


def _ended_periods(initiative: Initiative, today: datetime.date) -> list[periods.Period]:
    p = initiative.current_period(today)
    out = []
    while len(out) < LOOKBACK_PERIODS:
        y, m = periods.index_to_year_month(p.start - 1)
        p = periods.containing(periods.month(y, m), p.type, initiative.fy_first_month)
        out.append(p)
    return out


def due(today: datetime.date | None = None) -> list[Planned]:
    """Reminders due today that have not been sent yet."""
    today = today or timezone.localdate()
    out: list[Planned] = []
    for initiative in Initiative.objects.filter(deadline_days__isnull=False).order_by("code"):
        orgs = [  # the organisations expected to report: the backbone only if it reports
            p.organisation
            for p in expected_participations(initiative)
            .select_related("organisation")
            .order_by("organisation__code")
        ]
        for period in _ended_periods(initiative, today):
            deadline = initiative.deadline_for(period)
            kind = None
            before, after = initiative.reminder_days_before, initiative.reminder_days_after
            if before and deadline - datetime.timedelta(days=before) <= today <= deadline:
                kind = Reminder.BEFORE
            elif after and deadline + datetime.timedelta(
                days=after
            ) <= today <= deadline + datetime.timedelta(days=AFTER_WINDOW_DAYS):
                kind = Reminder.AFTER
            if kind is None:
                continue
            done = set(
                Submission.objects.filter(
                    initiative=initiative,
                    period=period.code,
                    status__in=(Submission.SUBMITTED, Submission.APPROVED),
                ).values_list("organisation_id", flat=True)
            )
            sent = set(
                Reminder.objects.filter(
                    initiative=initiative, period=period.code, kind=kind
                ).values_list("organisation_id", flat=True)
            )
            for org in orgs:
                if org.id in done or org.id in sent:
                    continue
                out.append(
                    Planned(
                        initiative, org, period.code, kind, deadline, _recipients(initiative, org)
                    )
                )
    return out


def _recipients(initiative: Initiative, organisation) -> list[str]:
    emails = (
        Membership.objects.filter(
            initiative=initiative, organisation=organisation, role=Membership.REPORTER
        )
        .exclude(user__email="")
        .filter(user__is_active=True)
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))


def _message(p: Planned) -> tuple[str, str]:
    words = {
        "initiative": p.initiative.name,
        "organisation": p.organisation.name,
        "period": p.period,
        "deadline": f"{p.deadline:%d %B %Y}",
    }
    if p.kind == Reminder.BEFORE:
        subject = _("Reminder: %(initiative)s report for %(period)s is due on %(deadline)s") % words
        lead = _("%(organisation)s's report for %(period)s is due on %(deadline)s.") % words
    else:
        subject = _("Overdue: %(initiative)s report for %(period)s (due %(deadline)s)") % words
        lead = (
            _(
                "%(organisation)s's report for %(period)s was due on %(deadline)s and has not been "
                "submitted. Ask the backbone to unlock it so that you can enter and submit it."
            )
            % words
        )
    address = f"/i/{p.initiative.code}/orgs/{p.organisation.code}/report/{p.period}/"
    body = (
        lead + "\n\n" + _("Enter it in Common Measure: %(address)s") % {"address": address} + "\n"
    )
    return subject, body


def send_reminders(today: datetime.date | None = None, *, dry_run: bool = False) -> list[Planned]:
    """Send every reminder due today, once; with ``dry_run`` only say what would be sent."""
    planned = due(today)
    if dry_run:
        return planned
    sent = []
    for p in planned:
        if not p.recipients:
            continue  # nobody to write to; tried again on the next run
        subject, body = _message(p)
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    initiative=p.initiative,
                    organisation=p.organisation,
                    period=p.period,
                    kind=p.kind,
                    recipients="\n".join(p.recipients),
                    sent_at=timezone.now(),
                )
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, p.recipients)
        except IntegrityError:
            continue  # another run sent it meanwhile
        sent.append(p)
    return sent


@task()
def reminders_task(every_seconds: int = 0) -> int:
    """The background task: send due reminders, then (if ``every_seconds``) queue itself again.

    Queued by ``commonmeasure remind --every SECONDS`` and run by ``commonmeasure worker``.
    """
    count = len(send_reminders())
    if every_seconds > 0:
        run_after = timezone.now() + datetime.timedelta(seconds=every_seconds)
        reminders_task.using(run_after=run_after).enqueue(every_seconds)
    return count
