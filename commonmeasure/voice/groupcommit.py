"""Group commit for survey responses: many requests, one SQLite transaction.

SQLite has one writer at a time and, with ``synchronous=FULL``, every commit waits for the disk.
One commit per response caps the form at one response per disk flush. Here the request threads
of one process share commits instead: the first thread with a response to store becomes the
*leader* and writes what is waiting (its own response, at first) in one transaction; responses
that arrive meanwhile wait, and the next leader writes them all together. Nothing is delayed on
purpose, so a lone response is written at once (and in the tests' single thread, every
response is written by its own request). Each request still learns whether its own response
was stored or refused as a duplicate device, before it answers.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field

from django.db import connection, transaction

from .models import Response

WAIT_SECONDS = 30
STORED, SAME_DEVICE, SAME_TEXT = "stored", "same device", "same text"


@dataclass(eq=False)
class Pending:
    row: Response
    text_since: object = None
    text_limit: int = 2
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


def store(row: Response, text_since=None, text_limit: int = 2) -> str:
    """Store ``row``, or refuse it: SAME_DEVICE when the device already answered this survey in
    the period; SAME_TEXT when ``text_limit`` responses with the same free text (``row.text_digest``)
    reached the same link since ``text_since``. Returns the outcome."""
    global _leader
    item = Pending(row, text_since=text_since, text_limit=text_limit)
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


def _decide(batch: list[Pending], taken: set, seen: dict) -> list[Response]:
    """Set each item's outcome; the rows to insert. ``taken``: (survey, period, device) already
    stored; ``seen``: (link, text digest) -> responses with that text in the window."""
    new = []
    for item in batch:
        row = item.row
        key = (row.survey_id, row.period, row.device)
        text_key = (row.link_id, row.text_digest)
        if key in taken:
            item.outcome = SAME_DEVICE
        elif (
            row.text_digest
            and item.text_since is not None
            and seen.get(text_key, 0) >= item.text_limit
        ):
            item.outcome = SAME_TEXT
        else:
            taken.add(key)
            if row.text_digest:
                seen[text_key] = seen.get(text_key, 0) + 1
            new.append(row)
            item.outcome = STORED
    return new


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
        Response.objects.bulk_create(_decide(batch, taken, seen))


def _marks(n: int) -> str:
    return ",".join("?" * n)


def write_sqlite(writer: sqlite3.Connection, batch: list[Pending]) -> None:
    """The same as the ORM path in four statements on the kept connection: BEGIN IMMEDIATE, one
    SELECT for both checks, one INSERT of every new row, COMMIT."""
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
    writer.execute("BEGIN IMMEDIATE")
    try:
        taken, seen = set(), {}
        for survey_id, period, device, link_id, digest, created in writer.execute(sql, params):
            if (survey_id, period, device) in wanted_devices:
                taken.add((survey_id, period, device))
            if (
                link_id,
                digest,
            ) in wanted_texts and created >= since:  # a row may match both checks
                seen[(link_id, digest)] = seen.get((link_id, digest), 0) + 1
        new = _decide(batch, taken, seen)
        if new:
            writer.executemany(
                f"INSERT INTO {table} (survey_id, link_id, period, answers, device, text_digest, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.survey_id,
                        r.link_id,
                        r.period,
                        json.dumps(r.answers),
                        r.device,
                        r.text_digest,
                        connection.ops.adapt_datetimefield_value(r.created_at),
                    )
                    for r in new
                ],
            )
        writer.execute("COMMIT")
    except BaseException:
        writer.execute("ROLLBACK")
        for item in batch:
            item.outcome = ""
        raise
