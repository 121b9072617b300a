"""The figure cache's keys and reads for pages: what a page keeps of its figures, per viewer's
disclosure class, until the initiative's version token changes (docs/reference/figure-cache.md).
The token itself, and what replaces it, is ``rollups/figure_cache.py``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.utils import timezone, translation

from commonmeasure.disclosure import disclosure_class
from commonmeasure.rollups import figure_cache


def request_token(request, initiative_id: int) -> str | None:
    """The token as this request first read it: one query a request, and every part of one
    page from the same version."""
    seen = request.__dict__.setdefault("_cm_figure_tokens", {})
    if initiative_id not in seen:
        seen[initiative_id] = figure_cache.token(initiative_id)
    return seen[initiative_id]


def key(request, initiative, access, page: str) -> str | None:
    """The cache key of ``page``'s figures for this request, or None when the request is not to
    be answered from the cache (not GET or HEAD, the cache is off, or the initiative has no
    version token yet: every initiative gets one when it is made). Made of: the page, the
    initiative and its version token, the viewer's disclosure class, the language, today's date
    (reporting periods, targets to date and "provisional" depend on it), the path and every
    query parameter, and whether it is an htmx request."""
    if request.method not in ("GET", "HEAD") or not figure_cache.enabled():
        return None
    version = request_token(request, initiative.pk)
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
    cache = caches[figure_cache.ALIAS]
    found = cache.get(found_key)
    if found is None:
        found = build()
        cache.set(found_key, found)
    return found
