"""One background import at a time per database (docs/reference/configuration.md, "Background
worker").

On SQLite two large imports at once would each wait for the other's write lock (and the second
fail after the busy timeout); on PostgreSQL they would compete for the same rows and the disk.
So a worker takes the database's one import slot (a row of ImportSlot, taken by a conditional
UPDATE that only one process can win) before it checks or imports a large upload, and gives it
back when done; a waiting upload shows "waiting for another import" on its page. A slot whose
worker died is free again after ``LEASE``.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from django.db.models import Q
from django.utils import timezone

from .models import ImportSlot

SLOT = "imports"
LEASE = timezone.timedelta(minutes=30)
POLL_SECONDS = 2.0


def try_take(holder: str) -> bool:
    now = timezone.now()
    ImportSlot.objects.get_or_create(name=SLOT)
    taken = (
        ImportSlot.objects.filter(name=SLOT)
        .filter(Q(holder="") | Q(holder=holder) | Q(expires_at__lt=now))
        .update(holder=holder, taken_at=now, expires_at=now + LEASE)
    )
    return taken == 1


def give_back(holder: str) -> None:
    ImportSlot.objects.filter(name=SLOT, holder=holder).update(
        holder="", taken_at=None, expires_at=None
    )


def holder_now() -> str:
    slot = ImportSlot.objects.filter(name=SLOT, expires_at__gte=timezone.now()).first()
    return slot.holder if slot else ""


@contextmanager
def one_at_a_time(holder: str, waiting=None):
    """Wait for the slot (calling ``waiting()`` once when it is not free), hold it, give it back."""
    told = False
    while not try_take(holder):
        if waiting is not None and not told:
            waiting()
            told = True
        time.sleep(POLL_SECONDS)
    try:
        yield
    finally:
        give_back(holder)
