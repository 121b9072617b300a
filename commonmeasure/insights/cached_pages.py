"""Whole pages of figures kept in the figure cache (rollups/figure_cache.py,
docs/reference/figure-cache.md): the indicator, benchmark and explorer pages.

The page's own template is rendered once with ``web/_blocks.html`` as its base (its extends tag
reads ``page_base``: ``web/base.html`` when a page is rendered whole), giving its blocks apart and without the request (no user, session, CSRF
token or messages); those are kept under the page's key, and each request puts them into the base
page of its own viewer (``web/_cached_page.html``). So nothing in such a page's blocks may depend
on the viewer beyond its disclosure class, the language and the request's parameters.
"""

from __future__ import annotations

from collections.abc import Callable

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from commonmeasure.insights import page_cache

from .downloads import Downloads

PAGE = "web/base.html"  # what the page extends when rendered whole
BLOCKS = "web/_blocks.html"  # and for the cache, its blocks apart
NAMES = ("title", "head", "skip_links", "content", "scripts")
MARK = "<!--cm-block-->"
LATE = "<!--cm-late-->"

Build = Callable[[], tuple[Downloads, str, dict]]  # (downloads, template, context)


def cached_page(
    request, initiative, access, page: str, build: Build, late: str = "", late_context=None
):
    """The page ``build`` makes, its blocks from the figure cache when it has them. A download
    (``?format=``) is made anew each time. ``late``: a template rendered for each request where
    the page's content has ``<!--cm-late-->`` (its comments, which are the viewer's own), with
    ``late_context`` added to the request's context."""
    if "format" in request.GET:
        downloads, template, context = build()
        response = downloads.response(request)
        if response is not None:
            return response
        return _render(request, downloads, template, context)

    def blocks() -> dict:
        downloads, template, context = build()
        context = {**context, "downloads": downloads.links(request), "page_base": BLOCKS}
        parts = render_to_string(template, context).split(MARK)
        out = {name: mark_safe(part) for name, part in zip(NAMES, parts, strict=True)}
        before, _mark, after = out["content"].partition(LATE)
        out.update(content=mark_safe(before), after=mark_safe(after))
        return out

    shown = page_cache.cached(request, initiative, access, page, blocks)
    context = {"initiative": initiative, "access": access, "blocks": shown, "late": late}
    return render(request, "web/_cached_page.html", {**(late_context or {}), **context})


def _render(request, downloads, template, context):
    context.update(downloads=downloads.links(request), page_base=PAGE)
    return render(request, template, context)
