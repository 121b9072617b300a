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

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from commonmeasure.disclosure import disclosure_class

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


def _request_token(request, initiative_id: int) -> str | None:
    """The token as this request first read it: one query a request, and every part of one
    page from the same version."""
    seen = request.__dict__.setdefault("_cm_figure_tokens", {})
    if initiative_id not in seen:
        seen[initiative_id] = token(initiative_id)
    return seen[initiative_id]


def enabled() -> bool:
    return bool(getattr(settings, "CM_FIGURE_CACHE", True))


def key(request, initiative, access, page: str) -> str | None:
    """The cache key of ``page``'s figures for this request, or None when the request is not to
    be answered from the cache (not GET or HEAD, the cache is off, or the initiative has no
    version token yet: every initiative gets one when it is made). Made of: the page, the
    initiative and its version token, the viewer's disclosure class, the language, today's date
    (reporting periods, targets to date and "provisional" depend on it), the path and every
    query parameter, and whether it is an htmx request."""
    if request.method not in ("GET", "HEAD") or not enabled():
        return None
    version = _request_token(request, initiative.pk)
    if version is None:
        return None
    params = sorted((name, tuple(values)) for name, values in request.GET.lists())
    parts = [
        page,
        str(initiative.pk),
        version,
        disclosure_class(access),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        request.path,
        repr(params),
        "htmx" if request.headers.get("HX-Request") else "",
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"cm-figures:{page}:{digest}"


def cached(request, initiative, access, page: str, build: Callable[[], Any]) -> Any:
    """``build()``'s value (anything that pickles), from the figure cache when it has it for
    this request's key, else built and kept there."""
    found_key = key(request, initiative, access, page)
    if found_key is None:
        return build()
    cache = caches[ALIAS]
    found = cache.get(found_key)
    if found is None:
        found = build()
        cache.set(found_key, found)
    return found


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
    from commonmeasure.initiatives.models import Category, Initiative, Organisation

    if isinstance(instance, Initiative):
        return [instance.pk]
    if isinstance(instance, Organisation):
        return sorted(set(instance.participations.values_list("initiative_id", flat=True)))
    if isinstance(instance, Category):
        from commonmeasure.initiatives.models import Dimension

        found = Dimension.objects.filter(pk=instance.dimension_id).values_list(
            "initiative_id", flat=True
        )
        return list(found)
    initiative_id = getattr(instance, "initiative_id", None)
    return [initiative_id] if initiative_id else []
