"""What a comment thread shows: the context for the ``conversation/_thread.html`` fragment, used
by the thread pages and by the template tags that put threads on other pages."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from . import mentions
from .models import COMMENT_MAX, Comment, Thread
from .services import mention_href


@dataclass
class ThreadBlock:
    title: str
    post_url: str  # where the form posts
    dom_id: str
    comments: list[dict] = field(default_factory=list)
    hidden: dict = field(default_factory=dict)  # extra form fields, e.g. indicator and key
    error: str = ""
    notes: list[str] = field(default_factory=list)
    text: str = ""  # what was typed, kept after an error
    page_url: str = ""  # the thread's own page
    can_post: bool = True
    max_length: int = COMMENT_MAX


def rendered_comments(thread: Thread | None) -> list[dict]:
    if thread is None or thread.pk is None:
        return []
    initiative = thread.initiative
    out = []
    for c in (
        Comment.objects.filter(thread=thread).select_related("author").prefetch_related("mentioned")
    ):
        names = {u.username for u in c.mentioned.all()}
        out.append(
            {
                "id": c.pk,
                "author": c.author.get_username() if c.author else _("A former user"),
                "created_at": c.created_at,
                "html": mentions.render(
                    c.text,
                    lambda n, names=names: mention_href(initiative, n) if n in names else None,
                ),
            }
        )
    return out


def dom_id_for(raw: str) -> str:
    """An HTML id (and CSS selector) for a thread: letters, digits and '-' only, plus a short
    hash of the original when anything had to be replaced, so that two cells never share one."""
    clean = re.sub(r"[^A-Za-z0-9-]", "-", raw)
    if clean == raw:
        return raw
    return f"{clean}-{hashlib.sha1(raw.encode()).hexdigest()[:6]}"  # noqa: S324 - not security


def block(thread: Thread | None, title: str, post_url: str, dom_id: str, **extra) -> ThreadBlock:
    b = ThreadBlock(title=title, post_url=post_url, dom_id=dom_id_for(dom_id), **extra)
    b.comments = rendered_comments(thread)
    return b


def report_url(initiative, submission) -> str:
    return reverse(
        "conversation:report",
        args=[initiative.code, submission.organisation.code, submission.period],
    )
