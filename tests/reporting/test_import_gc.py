"""The import pauses Python's cyclic garbage collector while it runs, and always restores it."""

from __future__ import annotations

import gc
import threading

import pytest

from commonmeasure.reporting import importing


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_restored_after(collector_on):
    with importing.collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_restored_after_an_error(collector_on):
    with pytest.raises(RuntimeError), importing.collection_paused():
        raise RuntimeError("the import failed")
    assert gc.isenabled()


def test_nested_pauses_restore_only_at_the_end(collector_on):
    with importing.collection_paused():
        with importing.collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the outer import is still running"
    assert gc.isenabled()


def test_two_threads_overlapping(collector_on):
    inside, leave = threading.Event(), threading.Event()

    def other():
        with importing.collection_paused():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(5)
    with importing.collection_paused():
        pass
    assert not gc.isenabled(), "the other thread's import is still running"
    leave.set()
    thread.join(5)
    assert gc.isenabled()


def test_left_off_when_it_was_off_before():
    was = gc.isenabled()
    gc.disable()
    try:
        with importing.collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def test_the_import_runs_with_the_collector_paused(db, monkeypatch, tmp_path):
    """import_table's row loop runs inside the pause (the file's rows are read with it off)."""
    from commonmeasure.initiatives.models import Initiative
    from commonmeasure.interchange.tabular import open_table

    states = []
    real = importing._check_and_write

    def spy(*args, **kwargs):
        states.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "_check_and_write", spy)
    initiative = Initiative.objects.create(code="gc-test", name="GC test")
    path = tmp_path / "values.csv"
    path.write_text("organisation,indicator,period,value\nnobody,nothing,2024-01,1\n")
    was = gc.isenabled()
    gc.enable()
    try:
        importing.import_table(initiative, open_table(path))
        assert states == [False]
        assert gc.isenabled()
    finally:
        if not was:
            gc.disable()
