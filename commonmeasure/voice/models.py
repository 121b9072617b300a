"""Feedback surveys, their anonymous links and responses; co-design ballots.

What is stored about a respondent (docs/reference/surveys.md, "What is stored"): the answers,
the period, the day, a one-way hash of a random device cookie with the survey and period, a
one-way hash of the free text (for spotting identical bursts), and a keyed hash of the client
address with the link, the period and a salt that changes every day (for the per-address limit
and the staff view of bursts; it cannot be turned back into the address, nor linked across days
or links). No IP address, user agent, name or account is ever stored.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonmeasure.initiatives.models import Indicator, Initiative, Organisation

FREE_TEXT_MAX = 2000  # characters in one free-text answer


def new_token() -> str:
    return secrets.token_urlsafe(18)  # 144 random bits


class Survey(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="surveys")
    # Empty: the backbone's survey for every organisation; set: one organisation's own survey.
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True)
    # {"cy": {"title": "...", "intro": "..."}}
    translations = models.JSONField(default=dict, blank=True)
    threshold = models.PositiveSmallIntegerField(
        default=5, help_text="Fewer responses than this in a period give no indicator value."
    )
    rate_limit_per_minute = models.PositiveIntegerField(
        default=60, help_text="Responses accepted per link per minute."
    )
    is_open = models.BooleanField(default=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def accepting(self, now=None) -> bool:
        return self.is_open and (self.closes_at is None or (now or timezone.now()) < self.closes_at)


class Question(models.Model):
    NPS, LIKERT, SINGLE, MULTI, TEXT = "nps", "likert", "single", "multi", "text"
    KIND_CHOICES = [
        (NPS, _("Net Promoter Score (0-10)")),
        (LIKERT, _("5-point scale (1-5)")),
        (SINGLE, _("Single choice")),
        (MULTI, _("Multiple choice")),
        (TEXT, _("Free text")),
    ]
    MEASURE_CHOICES = [
        ("nps", _("NPS")),
        ("satisfied", _("% satisfied (4-5)")),
        ("mean", _("Mean score")),
    ]

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=8, choices=KIND_CHOICES)
    text = models.CharField(max_length=500)
    # {"cy": {"text": "...", "choices": ["...", ...]}}
    translations = models.JSONField(default=dict, blank=True)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)
    indicator = models.ForeignKey(
        Indicator,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The indicator this question's figure is written to, per organisation and period.",
    )
    measure = models.CharField(max_length=10, choices=MEASURE_CHOICES, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.text


class Link(models.Model):
    """The anonymous link one organisation hands out."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="links")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=40, unique=True, default=new_token)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the indicator values were last worked out from the responses.
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "organisation"], name="uniq_survey_link")
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.organisation}"


class Response(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    link = models.ForeignKey(
        Link, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    period = models.CharField(max_length=16)
    # {"<question id>": 9 | "choice" | ["a", "b"] | "text"}
    answers = models.JSONField(default=dict)
    device = models.CharField(
        max_length=64, help_text="sha256 of the device cookie, survey and period."
    )
    text_digest = models.CharField(max_length=64, blank=True, help_text="sha256 of the free text.")
    address = models.CharField(
        max_length=64,
        blank=True,
        help_text="HMAC of the client address with the link, period and a daily salt.",
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "period", "device"], name="uniq_response_device"
            )
        ]
        indexes = [
            models.Index(fields=["link", "period"], name="response_link_period_idx"),
            models.Index(fields=["link", "text_digest", "created_at"], name="response_text_idx"),
            models.Index(fields=["link", "created_at"], name="response_link_time_idx"),
            models.Index(fields=["address"], name="response_address_idx"),
        ]


class DiscardedBurst(models.Model):
    """The audit trail of responses a member of staff discarded as a suspicious burst."""

    ADDRESS, ANSWERS = "address", "answers"
    KIND_CHOICES = [(ADDRESS, _("Many from one address")), (ANSWERS, _("Identical answers"))]

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="discarded")
    period = models.CharField(max_length=16)
    kind = models.CharField(max_length=8, choices=KIND_CHOICES)
    responses = models.PositiveIntegerField()
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    discarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-discarded_at", "-id"]


class RateCounter(models.Model):
    """Requests counted per key and time window, shared by every server process (the database
    is the one place they all see). The key is hashed, and
    its address part was hashed before (limits.address_hash): no address is stored."""

    digest = models.CharField(max_length=64, primary_key=True)  # sha256 of the key
    bucket = models.BigIntegerField()  # the window's number: seconds since the epoch // length
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)


class YouSaidWeDid(models.Model):
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="you_said")
    you_said = models.TextField(max_length=FREE_TEXT_MAX)
    we_did = models.TextField(max_length=FREE_TEXT_MAX)
    is_published = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Ballot(models.Model):
    """Outcome co-design: service users rank (or vote for) candidate outcomes."""

    RANK, VOTE = "rank", "vote"
    MODE_CHOICES = [(RANK, _("Rank the outcomes")), (VOTE, _("Vote for one outcome"))]

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="ballots")
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True)
    mode = models.CharField(max_length=4, choices=MODE_CHOICES, default=RANK)
    # [{"code": "c1", "label": "..."}]
    candidates = models.JSONField(default=list)
    token = models.CharField(max_length=40, unique=True, default=new_token)
    is_open = models.BooleanField(default=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(default=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def accepting(self, now=None) -> bool:
        return self.is_open and (self.closes_at is None or (now or timezone.now()) < self.closes_at)


class BallotResponse(models.Model):
    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    ranking = models.JSONField(default=list)  # candidate codes, first choice first
    device = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "device"], name="uniq_ballot_device")
        ]
