"""Rollup upkeep the commands share: rebuild what is missing or out of date (`setup`)."""

from __future__ import annotations

from commonmeasure.initiatives.models import Initiative

from . import engine


def rebuild_stale() -> list[str]:
    """Rebuild the rollups of initiatives whose rollups are missing or out of date (setup)."""
    done = []
    for initiative in Initiative.objects.order_by("code"):
        if not engine.up_to_date(initiative):
            engine.rebuild(initiative, check=False)
            done.append(initiative.code)
    return done
