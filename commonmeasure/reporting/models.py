"""Submissions and data values."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commonmeasure.initiatives.models import Indicator, Initiative, Organisation


class Submission(models.Model):
    """One organisation's report for one period of one initiative."""

    DRAFT, SUBMITTED, APPROVED, RETURNED = "draft", "submitted", "approved", "returned"
    STATUS_CHOICES = [
        (DRAFT, _("Draft")),
        (SUBMITTED, _("Submitted")),
        (APPROVED, _("Approved")),
        (RETURNED, _("Returned")),
    ]
    EDITABLE = (DRAFT, RETURNED)

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="submissions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="submissions"
    )
    period = models.CharField(max_length=16)
    period_start = models.DateField(help_text=_("First day of the period, for ordering."))
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=DRAFT)
    review_comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped on every change; a save that started from an older version is refused.
    version = models.PositiveIntegerField(default=1)
    # The reporter's note for the backbone, e.g. explaining a warning (docs/reference/validation-rules.md).
    note = models.TextField(blank=True)
    # After the initiative's deadline only the backbone can let reporters edit again.
    unlocked_at = models.DateTimeField(null=True, blank=True)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation", "period"], name="uniq_submission"
            )
        ]
        indexes = [models.Index(fields=["initiative", "status"], name="submission_status_idx")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.period} ({self.status})"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class Disaggregation(models.Model):
    """One combination of categories, one per dimension it uses; the empty key is the total.

    key:  "age_band=18-24;gender=female" (dimension codes sorted), or "" for the total.
    dims: "age_band,gender", or "" for the total.
    """

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="disaggregations"
    )
    key = models.CharField(max_length=500, blank=True)
    dims = models.CharField(max_length=300, blank=True)
    categories = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "key"], name="uniq_disaggregation")
        ]

    def __str__(self) -> str:
        return self.key or "total"


CHANNEL_CHOICES = [
    ("web", _("Web")),
    ("file", _("File")),
    ("api", _("API")),
    ("cli", _("Command line")),
    ("survey", _("Survey")),
]


class DataValue(models.Model):
    """One value of one indicator (and combination of categories) in one report.

    The row also records the value's creation, the first event of its audit trail
    (docs/reference/audit-trail.md): ``created_at``, ``created_by``, ``created_channel``, and,
    once the value has changed, the first value and comment (``created_value``,
    ``created_comment``; empty while ``value`` and ``comment`` are still the first ones).
    Changes and deletions are recorded in ValueChange.
    """

    # The initiative is stored on every value so that the table can be sharded by initiative.
    # Every index slows the import of a million values, so only uniq_value is kept: a value is
    # found by submission through it; queries of approved data read the rollups. The foreign
    # keys need no index of their own: deleting a user, an indicator or a combination of
    # categories (rare; combinations go only with their initiative, whose values go too) scans
    # the table instead. See docs/reference/performance.md.
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="values", db_index=False
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", db_index=False
    )
    # The database constraint stays; a combination is deleted only with its initiative, which
    # deletes the values too (the constraint is checked at commit).
    disaggregation = models.ForeignKey(
        Disaggregation, on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    value = models.FloatField()
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # Empty only for values stored before the audit trail recorded creations on the row.
    created_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_channel = models.CharField(max_length=8, blank=True, choices=CHANNEL_CHOICES)
    created_value = models.FloatField(null=True, blank=True)
    created_comment = models.TextField(null=True, blank=True)  # null: not changed since created

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator", "disaggregation"], name="uniq_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.disaggregation} = {self.value}"


class ValidationRule(models.Model):
    """``left OP right`` over indicator totals of one organisation and period (validation-rules.md)."""

    ERROR, WARNING = "error", "warning"
    SEVERITY_CHOICES = [(ERROR, _("Error")), (WARNING, _("Warning"))]
    OPERATORS = ("<", "<=", "==", "!=", ">=", ">")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="validation_rules"
    )
    code = models.CharField(max_length=64)
    left = models.TextField()
    op = models.CharField(max_length=2, choices=[(o, o) for o in OPERATORS])
    right = models.TextField()
    severity = models.CharField(max_length=7, choices=SEVERITY_CHOICES, default=ERROR)
    message = models.CharField(max_length=500)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "code"], name="uniq_rule_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.left} {self.op} {self.right}"


class ValueChange(models.Model):
    """One change to one stored value, or its deletion: the audit trail (audit-trail.md).

    A value's creation is recorded on its DataValue row; only when a value is deleted is its
    creation copied here (``old_value`` empty), just before the deletion (``new_value`` empty).
    One index only: (submission, indicator, disaggregation, id) serves the history of a report
    and of one value.
    """

    WEB, FILE, API, CLI, SURVEY = "web", "file", "api", "cli", "survey"
    CHANNEL_CHOICES = CHANNEL_CHOICES

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="changes", db_index=False
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # No constraint: combinations are never deleted while values exist, and history outlives values.
    disaggregation = models.ForeignKey(
        Disaggregation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        db_index=False,
    )
    old_value = models.FloatField(null=True, blank=True)
    new_value = models.FloatField(null=True, blank=True)
    comment = models.TextField(blank=True)
    channel = models.CharField(max_length=8, choices=CHANNEL_CHOICES)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["submission", "indicator", "disaggregation", "id"], name="change_value_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.disaggregation_id}: {self.old_value} -> {self.new_value}"


class Reminder(models.Model):
    """A reminder e-mail sent, so that none is sent twice for the same reason (reminders.md)."""

    BEFORE, AFTER = "before", "after"
    KIND_CHOICES = [(BEFORE, _("Before the deadline")), (AFTER, _("After the deadline"))]

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=16)
    kind = models.CharField(max_length=6, choices=KIND_CHOICES)
    recipients = models.TextField(help_text=_("Addresses, one a line."))
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation", "period", "kind"], name="uniq_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.period} ({self.kind})"


def disaggregation_key(categories: dict[str, str]) -> tuple[str, str]:
    """The (key, dims) pair for a {dimension code: category code} mapping."""
    items = sorted(categories.items())
    return ";".join(f"{d}={c}" for d, c in items), ",".join(d for d, _ in items)


class StatusChange(models.Model):
    """One step of a report through the workflow: the audit trail of statuses (audit-trail.md).

    Written by ``reporting.workflow`` with the step itself, in the same transaction; a bulk
    approval writes its rows in one statement.
    """

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="status_changes"
    )
    old_status = models.CharField(max_length=10, choices=Submission.STATUS_CHOICES)
    new_status = models.CharField(max_length=10, choices=Submission.STATUS_CHOICES)
    comment = models.TextField(blank=True)
    channel = models.CharField(max_length=8, choices=CHANNEL_CHOICES)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.old_status} -> {self.new_status}"


class ArchivedValue(models.Model):
    """A stored value moved out of its report when its indicator stopped taking reported values
    (it became a formula, composite or survey-fed indicator): kept, never used in a figure.
    Its removal from the report is in the audit trail (ValueChange, with the reason as comment).
    See docs/reference/initiative-file.md, "Changing an indicator's kind"."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    disaggregation = models.ForeignKey(
        Disaggregation, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    value = models.FloatField()
    comment = models.TextField(blank=True)
    reason = models.CharField(max_length=200)
    archived_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["initiative", "indicator"], name="archived_indicator_idx")]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.disaggregation_id} = {self.value} ({self.reason})"


class FlagReview(models.Model):
    """An outlier flag explained and dismissed (docs/reference/data-quality.md, "Dismissing a
    flag"): the value was checked and is right. The flag stays dismissed while the value is the
    one reviewed; a new value is flagged afresh. Never changed or deleted: the history of the
    report lists it beside the value's changes (audit-trail.md)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="flag_reviews", db_index=False
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    disaggregation = models.ForeignKey(
        Disaggregation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        db_index=False,
    )
    value = models.FloatField(help_text=_("The value reviewed."))
    reason = models.TextField(help_text=_("Why it was flagged, as the page said."))
    comment = models.TextField(help_text=_("Why the value is right."))
    reviewed_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["submission", "indicator", "disaggregation", "id"], name="flag_review_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.disaggregation_id} = {self.value}: {self.comment[:40]}"


class ImportSlot(models.Model):
    """The one background import a database runs at a time (reporting.import_slot): taken by a
    worker before a large upload's check or import, given back after; a slot whose holder died
    is free again once ``expires_at`` has passed."""

    name = models.CharField(max_length=20, primary_key=True)
    holder = models.CharField(max_length=80, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
