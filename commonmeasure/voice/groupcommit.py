"""Group commit for survey responses: many requests, one SQLite transaction.

SQLite has one writer at a time and, with ``synchronous=FULL``, every commit waits for the disk.
One commit per response caps the form at one response per disk flush. Here the request threads
of one process share commits instead: the first thread with a response to store becomes the
*leader* and writes what is waiting (its own response, at first) in one transaction; responses
that arrive meanwhile wait, and the next leader writes them all together. Nothing is delayed on
purpose, so a lone response is written at once (and in the tests' single thread, every
response is written by its own request). Each request still learns whether its own response
was stored or refused (a duplicate device, too many from one address or through the link, the
same text again) before it answers. The limits' counters (RateCounter) are read and written in
the same write transaction as the responses, so every server process sees the same counts and
no extra transaction is made per response.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone

from .models import RateCounter, Response

WAIT_SECONDS = 30
STORED, SAME_DEVICE, SAME_TEXT = "stored", "same device", "same text"
SAME_ADDRESS, LINK_FULL = "same address", "link full"
FORGET_ONE_IN = 100  # about one batch in this many deletes the counters of past windows
LINK_WINDOW = 60  # seconds: the link's limit is per clock minute
ADDRESS_WINDOW = 3600  # seconds: an address's limit is per clock hour


@dataclass(eq=False)
class Pending:
    row: Response
    text_since: object = None
    text_limit: int = 2
    address_limit: int = 0  # responses from row.address per ADDRESS_WINDOW; 0: no limit
    link_limit: int = 0  # responses through the link per LINK_WINDOW; 0: no limit
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # woken to write the next batch
    outcome: str = ""  # STORED, SAME_DEVICE or SAME_TEXT
    error: BaseException | None = None


_lock = threading.Lock()
_queue: list[Pending] = []
_leader = False
_writers: dict[str, sqlite3.Connection] = {}


def sqlite_writer() -> sqlite3.Connection | None:
    """For an SQLite database file: one connection per process, kept open, that writes every
    batch. Two reasons. With WAL, the last connection to close checkpoints the whole log and
    deletes it, waiting for the disk; as every request opens and closes its own connection,
    that happened after almost every response. And opening a connection runs several statements,
    each giving up Python's interpreter lock, which the busy request threads then hold for up to
    5 ms each: a batch took 25 ms. None for PostgreSQL or an in-memory database (the tests),
    which use the ORM."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return None
    name = str(connection.settings_dict["NAME"])
    writer = _writers.get(name)
    if writer is None:
        with _lock:
            writer = _writers.get(name)
            if writer is None:
                timeout = float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 20))
                writer = sqlite3.connect(
                    name, timeout=timeout, isolation_level=None, check_same_thread=False
                )
                writer.execute("PRAGMA journal_mode=WAL")
                writer.execute("PRAGMA synchronous=FULL")
                writer.execute("PRAGMA foreign_keys=ON")
                _writers[name] = writer
    return writer


def store(
    row: Response, text_since=None, text_limit: int = 2, address_limit: int = 0, link_limit: int = 0
) -> str:
    """Store ``row``, or refuse it: SAME_DEVICE when the device already answered this survey in
    the period; SAME_ADDRESS when ``address_limit`` responses with ``row.address`` were stored
    in the last hour; LINK_FULL when ``link_limit`` responses reached the link in the last
    minute; SAME_TEXT when ``text_limit`` responses with the same free text (``row.text_digest``)
    reached the same link since ``text_since``. Returns the outcome."""
    global _leader
    item = Pending(
        row,
        text_since=text_since,
        text_limit=text_limit,
        address_limit=address_limit,
        link_limit=link_limit,
    )
    with _lock:
        _queue.append(item)
        lead = not _leader
        if lead:
            _leader = True
    if not lead:
        if not item.done.wait(WAIT_SECONDS):
            raise TimeoutError("the response could not be stored in time")
        if not item.lead:
            return _result(item)
    _write_next_batch()
    return _result(item)


def _result(item: Pending) -> str:
    if item.error is not None:
        raise item.error
    return item.outcome


def _write_next_batch() -> None:
    global _leader
    with _lock:
        batch = _queue[:]
        _queue.clear()
    try:
        _write(batch)
    except BaseException as exc:  # every waiting request hears of it; none hangs
        for item in batch:
            item.error = exc
    finally:
        with _lock:
            if _queue:  # hand over to the first waiting request
                _queue[0].lead = True
                _queue[0].done.set()
            else:
                _leader = False
        for item in batch:
            item.done.set()


def _decide(batch: list[Pending], taken: set, seen: dict, counters: dict) -> list[Response]:
    """Set each item's outcome; the rows to insert. ``taken``: (survey, period, device) already
    stored; ``seen``: (link, text digest) -> responses with that text in the window;
    ``counters``: digest -> [bucket, hits] of the limits' counters, updated here."""
    new = []
    for item in batch:
        row = item.row
        key = (row.survey_id, row.period, row.device)
        text_key = (row.link_id, row.text_digest)
        full = [
            (digest, bucket, outcome)
            for digest, bucket, limit, _window, outcome in _counters_of(item)
            if _hits(counters, digest, bucket) >= limit
        ]
        if key in taken:
            item.outcome = SAME_DEVICE
        elif full:
            item.outcome = full[0][2]
        elif (
            row.text_digest
            and item.text_since is not None
            and seen.get(text_key, 0) >= item.text_limit
        ):
            item.outcome = SAME_TEXT
        else:
            taken.add(key)
            for digest, bucket, _limit, _window, _outcome in _counters_of(item):
                counters[digest] = [bucket, _hits(counters, digest, bucket) + 1, True]
            if row.text_digest:
                seen[text_key] = seen.get(text_key, 0) + 1
            new.append(row)
            item.outcome = STORED
    return new


def _hits(counters: dict, digest: str, bucket: int) -> int:
    found = counters.get(digest)
    return found[1] if found is not None and found[0] == bucket else 0


def _counters_of(item: Pending) -> list[tuple]:
    """(counter digest, bucket, limit, window seconds, outcome when full) of the limits that
    apply to the item: its address per hour, its link per minute."""
    row, at = item.row, item.row.created_at.timestamp()
    out = []
    if item.address_limit and row.address:
        digest = hashlib.sha256(f"survey-address:{row.address}".encode()).hexdigest()
        out.append(
            (digest, int(at // ADDRESS_WINDOW), item.address_limit, ADDRESS_WINDOW, SAME_ADDRESS)
        )
    if item.link_limit:
        digest = hashlib.sha256(f"survey-link:{row.link_id}".encode()).hexdigest()
        out.append((digest, int(at // LINK_WINDOW), item.link_limit, LINK_WINDOW, LINK_FULL))
    return out


def _counter_digests(batch: list[Pending]) -> list[str]:
    return sorted({c[0] for item in batch for c in _counters_of(item)})


def _changed_counters(batch: list[Pending], counters: dict) -> list[RateCounter]:
    windows = {c[0]: c[3] for item in batch for c in _counters_of(item)}
    return [
        RateCounter(
            digest=digest,
            bucket=bucket,
            hits=hits,
            expires_at=datetime.fromtimestamp((bucket + 1) * windows[digest], tz=UTC),
        )
        for digest, (bucket, hits, *changed) in sorted(counters.items())
        if changed
    ]


def _texts(batch: list[Pending]) -> list[Pending]:
    return [item for item in batch if item.row.text_digest and item.text_since is not None]


def _write(batch: list[Pending]) -> None:
    writer = sqlite_writer()
    if writer is not None:
        write_sqlite(writer, batch)
        return
    rows = [item.row for item in batch]
    texts = _texts(batch)
    with transaction.atomic():
        taken = set(
            Response.objects.filter(
                survey_id__in={r.survey_id for r in rows}, device__in=[r.device for r in rows]
            ).values_list("survey_id", "period", "device")
        )
        seen: dict[tuple, int] = {}
        if texts:
            for link_id, digest in Response.objects.filter(
                link_id__in={i.row.link_id for i in texts},
                text_digest__in={i.row.text_digest for i in texts},
                created_at__gte=min(i.text_since for i in texts),
            ).values_list("link_id", "text_digest"):
                seen[(link_id, digest)] = seen.get((link_id, digest), 0) + 1
        counters = {
            digest: [bucket, hits]
            for digest, bucket, hits in RateCounter.objects.filter(
                digest__in=_counter_digests(batch)
            ).values_list("digest", "bucket", "hits")
        }
        Response.objects.bulk_create(_decide(batch, taken, seen, counters))
        RateCounter.objects.bulk_create(
            _changed_counters(batch, counters),
            update_conflicts=True,
            unique_fields=["digest"],
            update_fields=["bucket", "hits", "expires_at"],
        )
        if secrets.randbelow(FORGET_ONE_IN) == 0:  # now and then, the counters of past windows
            RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()


def _marks(n: int) -> str:
    return ",".join("?" * n)


def write_sqlite(writer: sqlite3.Connection, batch: list[Pending]) -> None:
    """The same as the ORM path on the kept connection: BEGIN IMMEDIATE, one SELECT of the
    limits' counters, one SELECT for the device and text checks, one INSERT of every new row,
    one upsert of the counters, COMMIT."""
    table = Response._meta.db_table
    rows = [item.row for item in batch]
    texts = _texts(batch)
    surveys, devices = sorted({r.survey_id for r in rows}), sorted({r.device for r in rows})
    sql = (
        f"SELECT survey_id, period, device, link_id, text_digest, created_at FROM {table} "
        f"WHERE (survey_id IN ({_marks(len(surveys))}) AND device IN ({_marks(len(devices))}))"
    )
    params: list = [*surveys, *devices]
    if texts:
        links, digests = (
            sorted({i.row.link_id for i in texts}),
            sorted({i.row.text_digest for i in texts}),
        )
        sql += (
            f" OR (link_id IN ({_marks(len(links))}) AND text_digest IN ({_marks(len(digests))})"
            " AND created_at >= ?)"
        )
        since = connection.ops.adapt_datetimefield_value(min(i.text_since for i in texts))
        params += [*links, *digests, since]
    wanted_devices = {(r.survey_id, r.period, r.device) for r in rows}
    wanted_texts = {(i.row.link_id, i.row.text_digest) for i in texts}
    adapt = connection.ops.adapt_datetimefield_value
    counter_table = RateCounter._meta.db_table
    digests = _counter_digests(batch)
    writer.execute("BEGIN IMMEDIATE")
    try:
        counters = {}
        if digests:
            for digest, bucket, hits in writer.execute(
                f"SELECT digest, bucket, hits FROM {counter_table} "
                f"WHERE digest IN ({_marks(len(digests))})",
                digests,
            ):
                counters[digest] = [bucket, hits]
        taken, seen = set(), {}
        for survey_id, period, device, link_id, digest, created in writer.execute(sql, params):
            if (survey_id, period, device) in wanted_devices:
                taken.add((survey_id, period, device))
            if (
                link_id,
                digest,
            ) in wanted_texts and created >= since:  # a row may match both checks
                seen[(link_id, digest)] = seen.get((link_id, digest), 0) + 1
        new = _decide(batch, taken, seen, counters)
        if new:
            writer.executemany(
                f"INSERT INTO {table} (survey_id, link_id, period, answers, device, text_digest, "
                "address, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.survey_id,
                        r.link_id,
                        r.period,
                        json.dumps(r.answers),
                        r.device,
                        r.text_digest,
                        r.address,
                        adapt(r.created_at),
                    )
                    for r in new
                ],
            )
        changed = _changed_counters(batch, counters)
        if changed:
            writer.executemany(
                f"INSERT INTO {counter_table} (digest, bucket, hits, expires_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (digest) DO UPDATE SET bucket = excluded.bucket, hits = excluded.hits, "
                "expires_at = excluded.expires_at",
                [(c.digest, c.bucket, c.hits, adapt(c.expires_at)) for c in changed],
            )
        if secrets.randbelow(FORGET_ONE_IN) == 0:  # now and then, the counters of past windows
            writer.execute(
                f"DELETE FROM {counter_table} WHERE expires_at < ?", [adapt(timezone.now())]
            )
        writer.execute("COMMIT")
    except BaseException:
        writer.execute("ROLLBACK")
        for item in batch:
            item.outcome = ""
        raise
