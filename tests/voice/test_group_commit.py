"""The group commit's SQLite file writer makes the same decisions as the ORM path."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connection
from django.utils import timezone

from commonmeasure.voice import groupcommit
from commonmeasure.voice.groupcommit import (
    LINK_FULL,
    SAME_ADDRESS,
    SAME_DEVICE,
    SAME_TEXT,
    STORED,
    Pending,
)
from commonmeasure.voice.models import RateCounter, Response


@pytest.fixture
def file_db(tmp_path, survey):
    """A database file with the response table, as the server's writer sees it."""
    with connection.cursor() as c:
        c.execute(
            "SELECT sql FROM sqlite_master WHERE name IN (%s, %s)",
            [Response._meta.db_table, RateCounter._meta.db_table],
        )
        ddls = [ddl for (ddl,) in c.fetchall()]
    db = sqlite3.connect(tmp_path / "file.sqlite3", isolation_level=None, check_same_thread=False)
    for ddl in ddls:
        db.execute(ddl)
    yield db
    db.close()


def item(survey, link, device, digest="", since=None):
    row = Response(
        survey=survey,
        link=link,
        period="2026-11",
        answers={"1": 9},
        device=device,
        text_digest=digest,
        created_at=timezone.now(),
    )
    return Pending(row, text_since=since, text_limit=2)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the file writer is for SQLite only")
def test_the_file_writer_stores_new_devices_and_refuses_repeats_and_text_bursts(file_db, survey):
    since = timezone.now() - timezone.timedelta(minutes=10)
    first = [
        item(survey, survey.link_a, "d1"),
        item(survey, survey.link_a, "d1"),
        item(survey, survey.link_a, "d2", "t", since),
        item(survey, survey.link_a, "d3", "t", since),
    ]
    groupcommit.write_sqlite(file_db, first)
    assert [i.outcome for i in first] == [STORED, SAME_DEVICE, STORED, STORED]
    second = [
        item(survey, survey.link_a, "d1"),
        item(survey, survey.link_a, "d4", "t", since),
        item(survey, survey.link_b, "d5", "t", since),
    ]
    groupcommit.write_sqlite(file_db, second)
    assert [i.outcome for i in second] == [SAME_DEVICE, SAME_TEXT, STORED]
    assert file_db.execute("SELECT count(*) FROM voice_response").fetchone() == (4,)
    stored = file_db.execute("SELECT answers, period FROM voice_response ORDER BY id").fetchone()
    assert stored == ('{"1": 9}', "2026-11")


def limited(survey, link, device, address, address_limit=2, link_limit=4):
    p = item(survey, link, device)
    p.row.address, p.address_limit, p.link_limit = address, address_limit, link_limit
    return p


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the file writer is for SQLite only")
def test_the_file_writer_counts_addresses_and_the_link_in_the_same_transaction(file_db, survey):
    first = [limited(survey, survey.link_a, f"d{i}", "x") for i in range(3)]
    groupcommit.write_sqlite(file_db, first)
    assert [i.outcome for i in first] == [STORED, STORED, SAME_ADDRESS]
    second = [limited(survey, survey.link_a, f"e{i}", f"y{i}") for i in range(3)]
    groupcommit.write_sqlite(file_db, second)
    assert [i.outcome for i in second] == [STORED, STORED, LINK_FULL]
    assert file_db.execute("SELECT count(*) FROM voice_response").fetchone() == (4,)
    assert file_db.execute("SELECT sum(hits) FROM voice_ratecounter").fetchone() == (4 + 4,)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the file writer is for SQLite only")
def test_the_file_writer_now_and_then_deletes_counters_of_past_windows(
    file_db, survey, monkeypatch
):
    file_db.execute(
        "INSERT INTO voice_ratecounter (digest, bucket, hits, expires_at) "
        "VALUES ('old', 1, 3, '2000-01-01 00:00:00')"
    )
    monkeypatch.setattr(groupcommit, "FORGET_ONE_IN", 1)
    groupcommit.write_sqlite(file_db, [limited(survey, survey.link_a, "f1", "z")])
    digests = [d for (d,) in file_db.execute("SELECT digest FROM voice_ratecounter")]
    assert "old" not in digests and len(digests) == 2
