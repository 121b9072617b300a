"""Defences of the anonymous pages against floods, storing nothing personal
(docs/explanation/survey-abuse.md).

- ``address_hash``: a keyed hash (HMAC-SHA256, its key derived from SECRET_KEY) of the client
  address with a scope (a link and period, a ballot, an invitation page) and the day, which
  acts as a salt that changes daily. It cannot be turned back into the address, and the same
  address gives unrelated hashes on two days or two links.
- ``hit``: a request counted per key and time window in the database (RateCounter), so every
  server process sees the same counts.
- ``form_stamp`` / ``check_stamp``: a signed issued-at stamp in the form; a response sent
  sooner than ``min_fill_seconds`` after the form was served is refused (a person reads the
  questions first; a script posts at once).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from commonmeasure.accounts.throttle import client_address as client_address  # one home

from .models import RateCounter

STAMP_SALT = "commonmeasure.voice.form-stamp"
STAMP_MAX_AGE = 24 * 3600  # a form left open longer is served again with a fresh stamp


def _setting(name: str, default: float) -> float:
    """Settings first (tests), then the environment variable of the same name."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or default
    return float(value)


def per_address_per_hour() -> int:
    """Responses one client address may send through one link in an hour (default 10)."""
    return int(_setting("CM_SURVEY_PER_ADDRESS_PER_HOUR", 10))


def min_fill_seconds() -> float:
    """The least time between serving a form and taking its answers (default 3 s)."""
    return _setting("CM_SURVEY_MIN_FILL_SECONDS", 3)


def invitation_per_address_per_hour() -> int:
    """Requests one client address may make to invitation pages in an hour (default 30)."""
    return int(_setting("CM_INVITATION_PER_ADDRESS_PER_HOUR", 30))


def address_hash(address: str, scope: str, day=None) -> str:
    day = day or timezone.localdate()
    return salted_hmac(
        f"commonmeasure.voice.address.{day.isoformat()}", f"{scope}|{address}", algorithm="sha256"
    ).hexdigest()


def hit(key: str, limit: int, window_seconds: int, now: float | None = None) -> bool:
    """Count one request under ``key`` in the current window; False when the window already
    holds ``limit`` requests (this one is then not counted). One statement: an upsert that
    every process sees, whatever server it runs on."""
    now = time.time() if now is None else now
    window = int(now // window_seconds)
    hashed = hashlib.sha256(key.encode()).hexdigest()
    expires = connection.ops.adapt_datetimefield_value(
        datetime.fromtimestamp((window + 1) * window_seconds, tz=UTC)
    )
    t = connection.ops.quote_name(RateCounter._meta.db_table)
    sql = (
        f"INSERT INTO {t} (digest, bucket, hits, expires_at) VALUES (%s, %s, 1, %s) "
        "ON CONFLICT (digest) DO UPDATE SET "
        f"hits = CASE WHEN {t}.bucket = excluded.bucket THEN {t}.hits + 1 ELSE 1 END, "
        "bucket = excluded.bucket, expires_at = excluded.expires_at "
        f"WHERE {t}.bucket <> excluded.bucket OR {t}.hits < %s "
        "RETURNING hits"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [hashed, window, expires, limit])
        allowed = cursor.fetchone() is not None
    if secrets.randbelow(FORGET_ONE_IN) == 0:
        forget_expired()
    return allowed


FORGET_ONE_IN = 100  # about one counting in this many also deletes the counters of past windows


def forget_expired() -> int:
    """Delete the counters whose window is over; how many."""
    return RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()[0]


def form_stamp(issued: float | None = None) -> str:
    """A signed stamp of when the form was served (now, or ``issued`` seconds since the epoch)."""
    signer = signing.TimestampSigner(salt=STAMP_SALT)
    if issued is None:
        return signer.sign("form")
    value = f"form{signer.sep}{signing.b62_encode(int(issued))}"
    return signing.Signer.sign(signer, value)


class StampProblem(Exception):
    """The form's stamp is missing, tampered with or too old (``stale``), or the answers came
    too soon after it (not ``stale``)."""

    def __init__(self, message: str, stale: bool):
        super().__init__(message)
        self.stale = stale


def check_stamp(stamp: str) -> None:
    signer = signing.TimestampSigner(salt=STAMP_SALT)
    try:
        signer.unsign(stamp or "", max_age=STAMP_MAX_AGE)
        issued = signing.b62_decode(stamp.split(signing.Signer().sep)[1])
    except (signing.BadSignature, IndexError, ValueError):
        raise StampProblem(
            _(
                "This form is too old or did not come from this site. Your answers are shown "
                "below: please check them and send again."
            ),
            stale=True,
        ) from None
    if time.time() - issued < min_fill_seconds():
        raise StampProblem(
            _(
                "These answers arrived sooner than the questions can be read, so they were not "
                "kept. Please take a moment to check them and send again."
            ),
            stale=False,
        )
