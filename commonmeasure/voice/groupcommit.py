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
_held: dict[str, sqlite3.Connection] = {}


def hold_database_open() -> None:
    """With SQLite in WAL mode, the last connection to close checkpoints the whole log into the
    database and deletes it, waiting for the disk; as every request opens and closes its own
    connection, that happened after almost every response (about 30 ms each). One idle read-only
    connection per process, kept open, leaves that work to SQLite's automatic checkpoints (every
    1000 pages). Nothing for PostgreSQL or an in-memory database."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if name in _held or connection.is_in_memory_db():
        return
    with _lock:
        if name not in _held:
            held = sqlite3.connect(f"file:{name}?mode=ro", uri=True, check_same_thread=False)
            held.execute("SELECT count(*) FROM sqlite_master").fetchone()
            _held[name] = held


def store(row: Response, text_since=None, text_limit: int = 2) -> str:
    """Store ``row``, or refuse it: SAME_DEVICE when the device already answered this survey in
    the period; SAME_TEXT when ``text_limit`` responses with the same free text (``row.text_digest``)
    reached the same link since ``text_since``. Returns the outcome."""
    global _leader
    hold_database_open()
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


def _write(batch: list[Pending]) -> None:
    rows = [item.row for item in batch]
    texts = [item for item in batch if item.row.text_digest and item.text_since is not None]
    with transaction.atomic():
        taken = set(
            Response.objects.filter(
                survey_id__in={r.survey_id for r in rows}, device__in=[r.device for r in rows]
            ).values_list("survey_id", "period", "device")
        )
        seen: dict[tuple, int] = {}
        if texts:
            since = min(item.text_since for item in texts)
            for link_id, digest in Response.objects.filter(
                link_id__in={i.row.link_id for i in texts}, text_digest__in={i.row.text_digest for i in texts},
                created_at__gte=since,
            ).values_list("link_id", "text_digest"):
                seen[(link_id, digest)] = seen.get((link_id, digest), 0) + 1
        new = []
        for item in batch:
            row = item.row
            key = (row.survey_id, row.period, row.device)
            text_key = (row.link_id, row.text_digest)
            if key in taken:
                item.outcome = SAME_DEVICE
            elif row.text_digest and item.text_since is not None and seen.get(text_key, 0) >= item.text_limit:
                item.outcome = SAME_TEXT
            else:
                taken.add(key)
                if row.text_digest:
                    seen[text_key] = seen.get(text_key, 0) + 1
                new.append(row)
                item.outcome = STORED
        Response.objects.bulk_create(new)
