"""The backbone's tools: organisations' activities (mutually reinforcing activities),
invitations by e-mailed link, and the record of every change to roles and settings
(docs/reference/backbone-tools.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonmeasure.initiatives.models import Indicator, Initiative, Membership, Organisation


class Activity(models.Model):
    """Something an organisation does, and the initiative's goals and indicators it serves."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="activities")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="activities"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Codes of Initiative.goals, e.g. ["G1", "G2"].
    goals = models.JSONField(default=list, blank=True)
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="activities")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name", "name", "id"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.organisation}: {self.name}"


class Invitation(models.Model):
    """An invitation to join an initiative with a role, sent as a single-use signed link."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Membership.ROLE_CHOICES)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    # Part of the signed link; a resend replaces it, so only the newest link works.
    nonce = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    send_count = models.PositiveIntegerField(default=1)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} as {self.role_text} in {self.initiative}"

    @property
    def role_text(self) -> str:
        text = self.get_role_display()
        return (
            _("%(role)s for %(organisation)s")
            % {"role": text, "organisation": self.organisation.name}
            if self.organisation_id
            else text
        )

    @property
    def role_phrase(self) -> str:
        """For a sentence: "reporter for Organisation A", "backbone admin"."""
        text = self.get_role_display().lower()
        return (
            _("%(role)s for %(organisation)s")
            % {"role": text, "organisation": self.organisation.name}
            if self.organisation_id
            else text
        )

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        return "pending"


class RoleChange(models.Model):
    """One change to who may do what in an initiative: who made it and when."""

    INVITED, RESENT, REVOKED, ACCEPTED = "invited", "resent", "revoked", "accepted"
    CHANGED, REMOVED = "changed", "removed"
    CREATED = "created"
    ACTION_CHOICES = [
        (INVITED, gettext_lazy("Invited")),
        (RESENT, gettext_lazy("Invitation resent")),
        (REVOKED, gettext_lazy("Invitation revoked")),
        (ACCEPTED, gettext_lazy("Joined by invitation")),
        (CHANGED, gettext_lazy("Role changed")),
        (REMOVED, gettext_lazy("Membership removed")),
        (CREATED, gettext_lazy("Created the initiative")),
    ]

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="role_changes"
    )
    action = models.CharField(max_length=10, choices=ACTION_CHOICES)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    # Who it concerns: a username, or an e-mail address for an invitation not yet accepted.
    subject = models.CharField(max_length=254)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    old_role = models.CharField(max_length=20, blank=True)
    new_role = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.subject}"


class SettingsChange(models.Model):
    """One save of an initiative's settings: who, when, and each field's old and new value."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="settings_changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    # {"field label": ["old", "new"]}
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]
