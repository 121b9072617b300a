"""Failed sign-ins counted per account and per client address, and the sign-in events of the
audit trail (docs/reference/sign-in.md). Kept in the database, so that every server process
counts the same failures."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LoginThrottle(models.Model):
    ACCOUNT, ADDRESS = "account", "address"
    SCOPE_CHOICES = [(ACCOUNT, "account"), (ADDRESS, "client address")]

    scope = models.CharField(max_length=8, choices=SCOPE_CHOICES)
    # The username as typed, in lower case (known or not), or the client's IP address.
    key = models.CharField(max_length=150)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_scope_key")
        ]
        ordering = ["-last_failure_at"]
        verbose_name = "sign-in lock"

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.key}"


class SignInEvent(models.Model):
    SUCCEEDED, FAILED, LOCKED, REFUSED, UNLOCKED = (
        "succeeded",
        "failed",
        "locked",
        "refused",
        "unlocked",
    )
    KIND_CHOICES = [
        (SUCCEEDED, "signed in"),
        (FAILED, "wrong credentials"),
        (LOCKED, "locked after too many failures"),
        (REFUSED, "refused while locked"),
        (UNLOCKED, "unlocked"),
    ]
    SITE, ADMIN, API, CLI = "site", "admin", "api", "cli"
    CHANNEL_CHOICES = [
        (SITE, "site login"),
        (ADMIN, "Django admin login"),
        (API, "API token"),
        (CLI, "command line"),
    ]

    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    channel = models.CharField(max_length=5, choices=CHANNEL_CHOICES)
    username = models.CharField(max_length=150, blank=True, db_index=True)
    address = models.CharField(max_length=45, blank=True)
    scope = models.CharField(max_length=8, blank=True, help_text="What was locked or unlocked.")
    # Who unlocked (the user of an unlock from a page; empty from the command line).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "sign-in event"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username or self.address}"
