"""Personal API tokens. Only a SHA-256 hash of each token is stored; the token itself is shown
once, when it is created (`commonmeasure token create USERNAME`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, blank=True, help_text="What the token is for, e.g. 'nightly upload'."
    )
    # The first characters of the token, so that people can tell their tokens apart.
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the token, hex."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__username", "id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        label = f" ({self.name})" if self.name else ""
        return f"{self.prefix}… of {self.user}{label}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
