"""Sign-in throttling: one home for every login form and for API token authentication.

A failure counts against the account (the username as typed, known or not) and against the
client address. When either reaches its limit within the lockout period, it is locked for that
period: every attempt is then refused without checking the password, even a right one. A
success clears the account's count, never the address's (an attacker holding one account of
their own could otherwise reset it). The backbone or a server operator unlocks at once
(`commonmeasure user unlock`). State lives in the database, shared by every server process.

Settings: CM_LOGIN_FAILURES_PER_ACCOUNT, CM_LOGIN_FAILURES_PER_ADDRESS, CM_LOGIN_LOCKOUT_MINUTES,
CM_TRUSTED_PROXIES (docs/reference/configuration.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import LoginThrottle, SignInEvent


@dataclass(frozen=True)
class Lock:
    scope: str
    until: datetime

    @property
    def seconds(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))

    def message(self) -> str:
        seconds = self.seconds
        if seconds < 90:
            wait = ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
        else:
            minutes = math.ceil(seconds / 60)
            wait = ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
        if self.scope == LoginThrottle.ACCOUNT:
            return _(
                "Too many failed sign-in attempts for this account. Try again in %(wait)s, or ask "
                "your initiative's backbone team to unlock it."
            ) % {"wait": wait}
        return _(
            "Too many failed sign-in attempts from your network address. Try again in %(wait)s."
        ) % {"wait": wait}


def lockout() -> timedelta:
    return timedelta(minutes=settings.CM_LOGIN_LOCKOUT_MINUTES)


def limit(scope: str) -> int:
    if scope == LoginThrottle.ACCOUNT:
        return settings.CM_LOGIN_FAILURES_PER_ACCOUNT
    return settings.CM_LOGIN_FAILURES_PER_ADDRESS


def account_key(username) -> str:
    return str(username or "").strip().lower()[:150]


def client_address(request) -> str:
    """The client's IP address: REMOTE_ADDR, or behind CM_TRUSTED_PROXIES reverse proxies the
    address the outermost trusted proxy saw (the one it appended to X-Forwarded-For)."""
    if request is None:
        return ""
    meta = getattr(request, "META", {})
    proxies = settings.CM_TRUSTED_PROXIES
    if proxies:
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies][:45]
    return str(meta.get("REMOTE_ADDR", ""))[:45]


def channel_of(request) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return SignInEvent.ADMIN
    if path.startswith("/api/"):
        return SignInEvent.API
    return SignInEvent.SITE


def _keys(username, address: str) -> list[tuple[str, str]]:
    keys = []
    if username is not None and account_key(username):
        keys.append((LoginThrottle.ACCOUNT, account_key(username)))
    if address:
        keys.append((LoginThrottle.ADDRESS, address))
    return keys


def current_lock(username, address: str) -> Lock | None:
    """The lock on this account or address now in force (the later-ending one), or None."""
    now = timezone.now()
    keys = _keys(username, address)
    if not keys:
        return None
    found = None
    for scope, key in keys:
        row = LoginThrottle.objects.filter(scope=scope, key=key, locked_until__gt=now).first()
        if row is not None and (found is None or row.locked_until > found.until):
            found = Lock(scope, row.locked_until)
    return found


def _event(kind, channel, username, address, scope="", by=None, at=None) -> None:
    SignInEvent.objects.create(
        at=at or timezone.now(),
        kind=kind,
        channel=channel,
        username=account_key(username) if username else "",
        address=address,
        scope=scope,
        by=by,
    )


def refused(username, address: str, channel: str) -> Lock | None:
    """If the account or address is locked: record the refused attempt and return the lock."""
    lock = current_lock(username, address)
    if lock is not None:
        _event(SignInEvent.REFUSED, channel, username, address, lock.scope)
    return lock


@transaction.atomic
def record_failure(username, address: str, channel: str) -> Lock | None:
    """Count a failed attempt; returns the lock if this failure started one."""
    now = timezone.now()
    _event(SignInEvent.FAILED, channel, username, address, at=now)
    started = None
    for scope, key in _keys(username, address):
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(
            scope=scope, key=key
        )
        expired = row.locked_until is not None and row.locked_until <= now
        stale = row.first_failure_at is not None and now - row.first_failure_at > lockout()
        if expired or stale or row.failures == 0:
            row.failures, row.first_failure_at, row.locked_until = 0, now, None
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= limit(scope) and row.locked_until is None:
            row.locked_until = now + lockout()
            _event(SignInEvent.LOCKED, channel, username, address, scope, at=now)
            if started is None or row.locked_until > started.until:
                started = Lock(scope, row.locked_until)
        row.save()
    return started


def record_success(user, address: str, channel: str) -> None:
    """A right password: clear the account's count and record the sign-in."""
    username = user.get_username()
    LoginThrottle.objects.filter(scope=LoginThrottle.ACCOUNT, key=account_key(username)).exclude(
        locked_until__gt=timezone.now()
    ).delete()
    _event(SignInEvent.SUCCEEDED, channel, username, address)


@transaction.atomic
def unlock(*, username: str = "", address: str = "", by=None) -> int:
    """Lift the locks (and clear the counts) of an account and/or an address; returns how many
    were cleared. Recorded in the audit trail whether or not anything was locked."""
    cleared = 0
    for scope, key in _keys(username or None, address):
        deleted, _ = LoginThrottle.objects.filter(scope=scope, key=key).delete()
        cleared += deleted
        _event(
            SignInEvent.UNLOCKED,
            SignInEvent.CLI if by is None else SignInEvent.SITE,
            username if scope == LoginThrottle.ACCOUNT else "",
            address if scope == LoginThrottle.ADDRESS else "",
            scope,
            by=by,
        )
    return cleared


def locked_accounts(usernames) -> dict[str, Lock]:
    """username (lower case) -> its lock now in force, for the given usernames."""
    now = timezone.now()
    rows = LoginThrottle.objects.filter(
        scope=LoginThrottle.ACCOUNT,
        key__in=[account_key(u) for u in usernames],
        locked_until__gt=now,
    )
    return {row.key: Lock(row.scope, row.locked_until) for row in rows}
