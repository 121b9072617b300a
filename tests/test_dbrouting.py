"""The read-replica router: public pages read the product's data from the replica; signed-in
pages, writes and accounts always use the primary (docs/how-to/deploy.md)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from commonmeasure import dbrouting
from commonmeasure.impactbonds.models import Project
from commonmeasure.impactbonds.services import import_bundle
from commonmeasure.initiatives.models import Indicator
from tests.conftest import PASSWORD
from tests.impactbonds.helpers import SAMPLE


@pytest.fixture
def replica(monkeypatch):
    monkeypatch.setattr(dbrouting, "replica_configured", lambda: True)


def test_without_a_replica_every_read_uses_the_primary():
    router = dbrouting.ReplicaRouter()
    token = dbrouting._reading_replica.set(True)
    try:
        assert router.db_for_read(Project) == "default"
    finally:
        dbrouting._reading_replica.reset(token)


def test_during_a_replica_request_data_reads_go_to_the_replica_and_accounts_do_not(replica):
    router = dbrouting.ReplicaRouter()
    token = dbrouting._reading_replica.set(True)
    try:
        assert router.db_for_read(Project) == dbrouting.REPLICA
        assert router.db_for_read(Indicator) == dbrouting.REPLICA
        assert router.db_for_read(get_user_model()) == "default"
        assert router.db_for_read(Session) == "default"
        assert router.db_for_write(Project) == "default"
    finally:
        dbrouting._reading_replica.reset(token)
    assert router.db_for_read(Project) == "default"
    assert router.allow_migrate("default", "impactbonds") is True
    assert router.allow_migrate(dbrouting.REPLICA, "impactbonds") is False


@pytest.fixture
def spy(monkeypatch):
    """Record, for each read the router is asked about, whether the request reads the replica."""
    seen: list[tuple[str, bool]] = []

    def db_for_read(self, model, **hints):
        seen.append((model._meta.app_label, dbrouting.reading_replica()))
        return "default"

    monkeypatch.setattr(dbrouting.ReplicaRouter, "db_for_read", db_for_read)
    return seen


def test_public_pages_read_the_replica_and_signed_in_pages_the_primary(cast, spy):
    import_bundle(SAMPLE)
    spy.clear()
    assert Client().get("/impact-bonds/projects/").status_code == 200
    assert ("impactbonds", True) in spy
    spy.clear()
    client = Client()
    assert client.login(username="alice", password=PASSWORD)
    assert client.get("/i/alpha/").status_code == 200
    assert spy and not any(on_replica for _, on_replica in spy)
    # After a replica request, the same thread is back on the primary.
    assert dbrouting.reading_replica() is False


def test_a_form_posted_to_a_public_page_is_never_read_from_the_replica(spy, db):
    Client().post("/impact-bonds/projects/", {})
    assert not any(on_replica for _, on_replica in spy)
