"""Keep rollups in step with approved data and with indicators' rules (connected in apps.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from commonmeasure.initiatives.models import Initiative

from . import engine, incremental

# Set while a change whose rebuild is queued as a background task is saved (``deferred``).
_deferred: ContextVar[bool] = ContextVar("rollups_rebuild_deferred", default=False)


@contextmanager
def deferred() -> Iterator[None]:
    """Saves made inside leave the rebuild to the caller, who queues it (rollups/tasks.py
    ``rebuild_in_background``) instead of rebuilding inside the request."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def on_values_changed(sender, initiative, submission_ids, **kwargs) -> None:
    incremental.refresh(initiative, submission_ids)


def on_rules_saved(sender, instance, **kwargs) -> None:
    """An indicator or initiative was saved: once the transaction commits, rebuild the
    initiative's rollups if the rules they were made with no longer hold (the first callback
    rebuilds; the others find them up to date). Inside ``deferred()`` the caller queues it."""
    if _deferred.get():
        return
    initiative_id = getattr(instance, "initiative_id", None) or instance.pk
    transaction.on_commit(lambda: _rebuild_if_stale(initiative_id))


def _rebuild_if_stale(initiative_id: int) -> None:
    initiative = Initiative.objects.filter(pk=initiative_id).first()
    if initiative is not None and not engine.up_to_date(initiative):
        engine.rebuild(initiative, check=False)
