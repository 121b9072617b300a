"""@mentions in comments: finding them, and showing a comment as escaped text with the
mentions of members turned into links."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# "@" at the start or after a character that cannot be part of an address ("bob@example.org"
# is not a mention), then a Django username (letters, digits, _ . + -), not ending in a dot so
# that "thanks @bob." mentions bob.
MENTION = re.compile(r"(?<![\w.+@-])@([\w+-](?:[\w.+-]*[\w+-])?)")


def mentioned_usernames(text: str) -> list[str]:
    """The usernames mentioned in ``text``, each once, in order of first mention."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)


def render(text: str, link_for: Callable[[str], str | None]) -> SafeString:
    """``text`` escaped, line breaks kept, and each mention that ``link_for`` gives an address
    for turned into a link. Nothing in ``text`` is ever taken as HTML."""
    out: list[str] = []
    position = 0
    for match in MENTION.finditer(text):
        out.append(escape(text[position : match.start()]))
        href = link_for(match.group(1))
        if href:
            out.append(f'<a class="mention" href="{escape(href)}">@{escape(match.group(1))}</a>')
        else:
            out.append(escape(match.group(0)))
        position = match.end()
    out.append(escape(text[position:]))
    return mark_safe("".join(out).replace("\r\n", "\n").replace("\n", "<br>"))  # noqa: S308 - every piece escaped above
