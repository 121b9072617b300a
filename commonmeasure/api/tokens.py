"""Create, find and revoke personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken

TOKEN_PREFIX = "cm_"
PREFIX_SHOWN = 10  # "cm_" and the first 7 random characters
# last_used_at is written at most this often per token, not on every request.
TOUCH_EVERY = timedelta(minutes=5)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(username: str, name: str = "") -> tuple[ApiToken, str]:
    """A new token for the user: (the stored record, the token). The token is not kept."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValueError(_("no user %(username)r") % {"username": username})
    if not user.is_active:
        raise ValueError(_("user %(username)r is not active") % {"username": username})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=token[:PREFIX_SHOWN], token_hash=hash_token(token)
    )
    return record, token


def tokens_of(user=None):
    """The tokens of one user (everyone's when ``user`` is None), active first, newest first."""
    found = ApiToken.objects.select_related("user")
    if user is not None:
        found = found.filter(user=user).order_by("-revoked_at", "-created_at", "-id")
    return found


def revoke_token(token_id: int, user=None) -> ApiToken:
    """Revoke a token; with ``user``, only one of that user's own (another's is "no API token",
    so that its existence is not revealed)."""
    found = ApiToken.objects.select_related("user").filter(pk=token_id)
    if user is not None:
        found = found.filter(user=user)
    record = found.first()
    if record is None:
        raise ValueError(_("no API token with id %(id)s") % {"id": token_id})
    if record.revoked_at is None:
        record.revoked_at = timezone.now()
        record.save(update_fields=["revoked_at"])
    return record


def user_for_token(token: str):
    """The active user a token belongs to, or None if the token is unknown or revoked."""
    token = token.strip()
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    record = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if record is None or not record.user.is_active:
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
