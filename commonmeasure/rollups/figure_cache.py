"""Figures kept between requests until the next change (docs/reference/figure-cache.md).

What the initiative home and the dashboard show of approved figures changes only when an
approval (or an import, a return, an unlock, a rollups rebuild, a definition load, a set-up or
settings save) changes them. Those writers give the initiative a new version token
(``FigureVersion``) in their own transaction (``bump``, connected in rollups/apps.py); a page
reads the token (one query) and keeps what it worked out in the Django cache alias "figures"
under a key made of the token, the viewer's disclosure class and everything else the figures
depend on (``key``). Each server process has its own cache (LocMemCache unless settings say
otherwise) but all read the one token from the database, so a change made through one server
is shown by every server on its next request. Rolled back, a write leaves the token as it was.

Only GET and HEAD requests are answered from the cache.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import IntegrityError, transaction

from commonmeasure.initiatives.models import Category, Dimension, Initiative, Organisation

from .models import FigureVersion

ALIAS = "figures"  # the cache alias (settings.CACHES)


def bump(initiative_id: int, create: bool = True) -> None:
    """Give the initiative a new version token, inside the caller's transaction. ``create``
    False (a deletion, which may be part of deleting the initiative itself): only replace an
    existing token; an initiative without one is never answered from the cache anyway."""
    fresh = uuid.uuid4().hex
    with transaction.atomic():
        if FigureVersion.objects.filter(initiative_id=initiative_id).update(token=fresh):
            return
        if not create:
            return
        try:
            with transaction.atomic():
                FigureVersion.objects.create(initiative_id=initiative_id, token=fresh)
        except IntegrityError:  # made by a concurrent writer in between
            FigureVersion.objects.filter(initiative_id=initiative_id).update(token=fresh)


def token(initiative_id: int) -> str | None:
    """The initiative's current version token (None: it has none yet)."""
    return (
        FigureVersion.objects.filter(initiative_id=initiative_id)
        .values_list("token", flat=True)
        .first()
    )


def enabled() -> bool:
    return bool(getattr(settings, "CM_FIGURE_CACHE", True))


# -- what gives an initiative a new token (connected in rollups/apps.py) -----------------------


def on_values_changed(sender, initiative, **kwargs) -> None:
    """Approvals, returns, unlocks, imports and archived values (reporting.signals)."""
    bump(initiative.pk)


def on_definition_loaded(sender, initiative, **kwargs) -> None:
    bump(initiative.pk)


def on_setup_saved(sender, instance, **kwargs) -> None:
    """A set-up row was saved: its initiative's figures (or, for an organisation, those of
    every initiative it takes part in) may be shown differently. A new initiative gets its
    first token."""
    for initiative_id in initiatives_of(instance):
        bump(initiative_id)


def on_setup_deleted(sender, instance, **kwargs) -> None:
    for initiative_id in initiatives_of(instance):
        bump(initiative_id, create=False)


def initiatives_of(instance) -> list[int]:
    if isinstance(instance, Initiative):
        return [instance.pk]
    if isinstance(instance, Organisation):
        return sorted(set(instance.participations.values_list("initiative_id", flat=True)))
    if isinstance(instance, Category):
        found = Dimension.objects.filter(pk=instance.dimension_id).values_list(
            "initiative_id", flat=True
        )
        return list(found)
    initiative_id = getattr(instance, "initiative_id", None)
    return [initiative_id] if initiative_id else []
