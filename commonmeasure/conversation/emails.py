"""Notification e-mails: one at once for those who chose "immediately", a daily digest for those
who chose "daily digest" (docs/reference/comments-and-notifications.md).

Never twice: a notification is claimed for an e-mail by one UPDATE that only matches it while it
has been e-mailed neither at once (``emailed_at``) nor in a digest (``digest``), in the same
transaction as the e-mail is sent. If sending fails the transaction is rolled back and the
notification is e-mailed on a later run; two runs at once cannot both claim it.

Digests are sent by ``commonmeasure digest`` (for cron) and by the background task
``digest_task`` (django-tasks, run by ``commonmeasure worker``).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from .models import Digest, EmailPreference, Notification

log = logging.getLogger(__name__)

DIGEST_MIN_HOURS = 20  # a user gets at most one digest in this many hours
DIGEST_WINDOW_DAYS = 7  # older unsent notifications are left to the app
RETRY_AFTER_MINUTES = 10  # an "immediately" e-mail that failed goes out with the next digest run


@dataclass
class PlannedDigest:
    user: object
    recipient: str
    notifications: list = field(default_factory=list)

    def describe(self) -> str:
        return _("%(user)s <%(recipient)s>: %(n)s notification(s)") % {
            "user": self.user.get_username(),
            "recipient": self.recipient,
            "n": len(self.notifications),
        }


def link(path: str) -> str:
    """An address for an e-mail: the site's address (CM_SITE_URL) and the page's path."""
    return getattr(settings, "CM_SITE_URL", "").rstrip("/") + path


# -- immediately ---------------------------------------------------------------------------------


def send_immediate(notification_ids: list[int]) -> int:
    """E-mail these notifications, one each, unless they have been e-mailed already."""
    sent = 0
    for n in Notification.objects.filter(pk__in=notification_ids).select_related(
        "user", "initiative"
    ):
        try:
            with transaction.atomic():
                claimed = Notification.objects.filter(
                    pk=n.pk, emailed_at__isnull=True, digest__isnull=True
                ).update(emailed_at=timezone.now())
                if not claimed or not n.user.email:
                    continue
                send_mail(
                    f"[{n.initiative.name}] {_subject_line(n.text)}",
                    f"{n.text}\n\n{link(n.target_url)}\n\n{_footer()}",
                    settings.DEFAULT_FROM_EMAIL,
                    [n.user.email],
                )
                sent += 1
        except Exception:  # the mail server refused: try again with the next digest run
            log.exception("notification %s: e-mail not sent", n.pk)
    return sent


def _subject_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 100 else line[:99] + "…"


def _footer() -> str:
    return _(
        "You get these e-mails because of your notification settings in Common Measure: %(link)s"
    ) % {"link": link("/notifications/settings/")}


# -- digests -------------------------------------------------------------------------------------


def due_digests(now: datetime.datetime | None = None) -> list[PlannedDigest]:
    """The digests to send now: per user, the notifications not yet e-mailed or read."""
    now = now or timezone.now()
    prefs = dict(EmailPreference.objects.values_list("user_id", "email"))
    recent = set(
        Digest.objects.filter(
            sent_at__gt=now - datetime.timedelta(hours=DIGEST_MIN_HOURS)
        ).values_list("user_id", flat=True)
    )
    retry_before = now - datetime.timedelta(minutes=RETRY_AFTER_MINUTES)
    pending = (
        Notification.objects.filter(
            digest__isnull=True,
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__gte=now - datetime.timedelta(days=DIGEST_WINDOW_DAYS),
            created_at__lte=now,
        )
        .select_related("initiative")
        .order_by("user_id", "created_at", "id")
    )
    by_user: dict[int, list] = defaultdict(list)
    for n in pending:
        choice = prefs.get(n.user_id, EmailPreference.DEFAULT)
        if choice == EmailPreference.NONE:
            continue
        if choice == EmailPreference.IMMEDIATE and n.created_at > retry_before:
            continue  # still being sent at once
        if choice == EmailPreference.DIGEST and n.user_id in recent:
            continue
        by_user[n.user_id].append(n)
    users = get_user_model().objects.filter(pk__in=by_user, is_active=True).exclude(email="")
    return [PlannedDigest(u, u.email, by_user[u.pk]) for u in users.order_by("username")]


def digest_text(planned: PlannedDigest) -> tuple[str, str]:
    items = planned.notifications
    subject = ngettext(
        "Common Measure: %(n)s new notification",
        "Common Measure: %(n)s new notifications",
        len(items),
    ) % {"n": len(items)}
    groups: dict[str, list] = defaultdict(list)
    for n in items:
        groups[n.initiative.name].append(n)
    lines = [_("Hello %(user)s,") % {"user": planned.user.get_username()}, ""]
    for name in sorted(groups):
        lines += [name, "-" * len(name)]
        for n in groups[name]:
            lines += [f"- {n.text}", f"  {link(n.target_url)}"]
        lines.append("")
    lines += [
        _("All your notifications: %(link)s") % {"link": link("/notifications/")},
        "",
        _footer(),
    ]
    return subject, "\n".join(lines) + "\n"


def send_digests(
    now: datetime.datetime | None = None, *, dry_run: bool = False
) -> list[PlannedDigest]:
    """Send every digest due; with ``dry_run`` only say what would be sent."""
    now = now or timezone.now()
    planned = due_digests(now)
    if dry_run:
        return planned
    sent = []
    for p in planned:
        try:
            with transaction.atomic():
                digest = Digest.objects.create(
                    user=p.user, recipient=p.recipient, count=0, sent_at=now
                )
                claimed = Notification.objects.filter(
                    pk__in=[n.pk for n in p.notifications],
                    digest__isnull=True,
                    emailed_at__isnull=True,
                ).update(digest=digest)
                if not claimed:  # another run sent them meanwhile
                    transaction.set_rollback(True)
                    continue
                p.notifications = list(
                    digest.notifications.select_related("initiative").order_by("created_at", "id")
                )
                digest.count = claimed
                digest.save(update_fields=["count"])
                subject, body = digest_text(p)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [p.recipient])
        except Exception:  # the mail server refused: nothing recorded, tried again next run
            log.exception("digest for %s not sent", p.recipient)
            continue
        sent.append(p)
    return sent


@task()
def digest_task(every_seconds: int = 0) -> int:
    """The background task: send the digests due, then (if ``every_seconds``) queue itself again.

    Queued by ``commonmeasure digest --every SECONDS`` and run by ``commonmeasure worker``.
    """
    count = len(send_digests())
    if every_seconds > 0:
        run_after = timezone.now() + datetime.timedelta(seconds=every_seconds)
        digest_task.using(run_after=run_after).enqueue(every_seconds)
    return count
