"""Comment threads, the activity feed, in-app notifications and e-mail preferences
(docs/reference/comments-and-notifications.md).

- ``Thread``: the conversation about one thing: a value (one cell of a report: indicator and
  category combination), a report (submission), an indicator or a managed contract. Created by
  its first comment.
- ``Comment``: plain text, at most ``COMMENT_MAX`` characters, always shown escaped.
- ``Event``: one line of an initiative's activity feed. A private event is seen only by those
  who may see its organisation's unapproved data (its members and the backbone).
- ``Notification``: one thing for one user to look at; e-mailed at once or in a digest by the
  user's ``EmailPreference``. ``emailed_at`` / ``digest`` record that it was e-mailed, so it
  never is twice.

Every table carries its initiative, except the per-user digest log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commonmeasure.initiatives.models import Indicator, Initiative, Organisation
from commonmeasure.reporting.models import Submission

COMMENT_MAX = 5000


class Thread(models.Model):
    VALUE, SUBMISSION, INDICATOR, CONTRACT = "value", "submission", "indicator", "contract"
    KIND_CHOICES = [
        (VALUE, _("Value")),
        (SUBMISSION, _("Report")),
        (INDICATOR, _("Indicator")),
        (CONTRACT, _("Contract")),
    ]

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    # Value and report threads: the report and its organisation (kept here for filtering).
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Value and indicator threads.
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Value threads: the category combination ("" for the total), as reporting.Disaggregation.key.
    key = models.CharField(max_length=500, blank=True)
    contract = models.ForeignKey(
        "contracts.ManagedContract",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator", "key"],
                condition=Q(kind="value"),
                name="uniq_value_thread",
            ),
            models.UniqueConstraint(
                fields=["submission"], condition=Q(kind="submission"), name="uniq_report_thread"
            ),
            models.UniqueConstraint(
                fields=["indicator"], condition=Q(kind="indicator"), name="uniq_indicator_thread"
            ),
            models.UniqueConstraint(
                fields=["contract"], condition=Q(kind="contract"), name="uniq_contract_thread"
            ),
        ]
        indexes = [models.Index(fields=["initiative", "kind"], name="thread_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind} thread {self.pk}"


class Comment(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    # Members of the initiative mentioned as @username (shown as links, notified).
    mentioned = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.thread_id}"


class Event(models.Model):
    """One line of the activity feed. ``kind`` is free text so that other apps can add kinds."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.CharField(max_length=500)
    target_url = models.CharField(max_length=500, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_private = models.BooleanField(
        default=False,
        help_text="Seen only by those who may see the organisation's unapproved data.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["initiative", "-created_at"], name="event_feed_idx")]

    def __str__(self) -> str:
        return self.text


class Digest(models.Model):
    """One digest e-mail sent to one user: the log that keeps digests from repeating."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recipient = models.CharField(max_length=254)
    count = models.PositiveIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "-sent_at"], name="digest_user_idx")]

    def __str__(self) -> str:
        return f"digest {self.pk} to {self.recipient}"


class Notification(models.Model):
    MENTION, COMMENT = "mention", "comment"
    SUBMITTED, APPROVED, RETURNED, REOPENED = "submitted", "approved", "returned", "reopened"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cm_notifications"
    )
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    text = models.CharField(max_length=500)
    target_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, help_text="Sent at once by e-mail.")
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["user", "digest", "emailed_at"], name="notification_mail_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.text}"


class EmailPreference(models.Model):
    IMMEDIATE, DIGEST, NONE = "immediate", "digest", "none"
    CHOICES = [
        (IMMEDIATE, _("Immediately, one e-mail per notification")),
        (DIGEST, _("A daily digest")),
        (NONE, _("No e-mail (notifications in the app only)")),
    ]
    DEFAULT = DIGEST

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cm_email_preference"
    )
    email = models.CharField(max_length=10, choices=CHOICES, default=DEFAULT)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.email}"


def preference_of(user) -> str:
    row = EmailPreference.objects.filter(user=user).values_list("email", flat=True).first()
    return row or EmailPreference.DEFAULT
