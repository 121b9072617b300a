"""Suspicious bursts of survey responses, and discarding them (docs/explanation/survey-abuse.md).

Two kinds, per link and period:

- *many from one address*: ``BURST_MIN`` or more responses with the same address hash (one
  client address, one link, one period, one day: limits.address_hash);
- *identical answers*: ``BURST_MIN`` or more responses with exactly the same answers, each
  within ``ANSWERS_GAP`` of the one before.

Staff see them on the survey's bursts page; the backbone may discard one. Discarding deletes
its responses, records who discarded how many and when (DiscardedBurst, the survey's audit
trail), and works the link's indicator values out again through the ordinary save path, whose
changes go to the values' audit trail as usual.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .models import DiscardedBurst, Link, Response
from .services import recompute

BURST_MIN = 5
ANSWERS_GAP = timezone.timedelta(minutes=2)


@dataclass
class Burst:
    kind: str  # DiscardedBurst.ADDRESS or ANSWERS
    key: str  # says the burst apart on the page and in the discard form
    ids: list[int] = field(default_factory=list)
    first_at: object = None
    last_at: object = None

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def label(self) -> str:
        return dict(DiscardedBurst.KIND_CHOICES)[self.kind]


def _digest(answers: dict) -> str:
    return hashlib.sha256(json.dumps(answers, sort_keys=True).encode()).hexdigest()


def find(link: Link, period: str) -> list[Burst]:
    """The link's bursts in the period, largest first."""
    rows = list(
        Response.objects.filter(link=link, period=period)
        .order_by("created_at", "id")
        .values_list("id", "address", "answers", "created_at")
    )
    by_address: dict[str, list] = {}
    by_answers: dict[str, list] = {}
    for row in rows:
        if row[1]:
            by_address.setdefault(row[1], []).append(row)
        by_answers.setdefault(_digest(row[2]), []).append(row)
    bursts = [
        _burst(DiscardedBurst.ADDRESS, f"a-{address[:16]}", group)
        for address, group in by_address.items()
        if len(group) >= BURST_MIN
    ]
    for digest, group in by_answers.items():
        run: list = []
        for row in group + [None]:
            if row is not None and (not run or row[3] - run[-1][3] <= ANSWERS_GAP):
                run.append(row)
                continue
            if len(run) >= BURST_MIN:
                bursts.append(_burst(DiscardedBurst.ANSWERS, f"s-{digest[:16]}-{run[0][0]}", run))
            run = [row] if row is not None else []
    return sorted(bursts, key=lambda b: (-b.size, b.first_at))


def _burst(kind: str, key: str, rows: list) -> Burst:
    return Burst(kind, key, [r[0] for r in rows], rows[0][3], rows[-1][3])


class NoSuchBurst(Exception):
    pass


def discard(link: Link, period: str, key: str, user) -> tuple[DiscardedBurst, object]:
    """Delete the burst ``key`` of the link's period and record it; (the record, the result of
    working the indicator values out again)."""
    burst = next((b for b in find(link, period) if b.key == key), None)
    if burst is None:
        raise NoSuchBurst(
            gettext("That burst is not there any more: it may have been discarded already.")
        )
    with transaction.atomic():
        deleted, _ = Response.objects.filter(id__in=burst.ids, link=link).delete()
        record = DiscardedBurst.objects.create(
            link=link,
            period=period,
            kind=burst.kind,
            responses=deleted,
            first_at=burst.first_at,
            last_at=burst.last_at,
            discarded_by=user,
        )
    return record, recompute(link, period)
