"""Submissions and data values."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from commonmeasure.initiatives.models import Indicator, Initiative, Organisation


class Submission(models.Model):
    """One organisation's report for one period of one initiative."""

    DRAFT, SUBMITTED, APPROVED, RETURNED = "draft", "submitted", "approved", "returned"
    STATUS_CHOICES = [
        (DRAFT, "Draft"),
        (SUBMITTED, "Submitted"),
        (APPROVED, "Approved"),
        (RETURNED, "Returned"),
    ]
    EDITABLE = (DRAFT, RETURNED)

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="submissions")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="submissions")
    period = models.CharField(max_length=16)
    period_start = models.DateField(help_text="First day of the period, for ordering.")
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "organisation", "period"], name="uniq_submission")
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

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="disaggregations")
    key = models.CharField(max_length=500, blank=True)
    dims = models.CharField(max_length=300, blank=True)
    categories = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["initiative", "key"], name="uniq_disaggregation")]

    def __str__(self) -> str:
        return self.key or "total"


class DataValue(models.Model):
    # The initiative is stored on every value so that the table can be sharded by initiative.
    # Every index slows the import of a million values, so only those that reads need are kept:
    # a value is found by submission through uniq_value and by indicator through
    # value_indicator_cover_idx, so the initiative, submission and indicator foreign keys need no
    # index of their own. Deleting a user (rare) scans the table instead of using an index on
    # updated_by. The disaggregation index stays: deleting an initiative deletes its combinations
    # one by one, and each checks that no value refers to it. See docs/reference/performance.md.
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+", db_index=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values", db_index=False)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values", db_index=False)
    disaggregation = models.ForeignKey(Disaggregation, on_delete=models.RESTRICT, related_name="+")
    value = models.FloatField()
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator", "disaggregation"], name="uniq_value"
            )
        ]
        # Covers the queries' reads (indicator, category combination -> report, value) without
        # touching the table.
        indexes = [
            models.Index(fields=["indicator", "disaggregation", "submission", "value"], name="value_indicator_cover_idx")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.disaggregation} = {self.value}"


def disaggregation_key(categories: dict[str, str]) -> tuple[str, str]:
    """The (key, dims) pair for a {dimension code: category code} mapping."""
    items = sorted(categories.items())
    return ";".join(f"{d}={c}" for d, c in items), ",".join(d for d, _ in items)
