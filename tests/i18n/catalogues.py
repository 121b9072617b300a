"""Reading the .po catalogues in tests (polib is not a dependency): each entry's flags, msgid,
msgid_plural and msgstr (one, or one per plural form), with the line it starts on."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

# %(name)s, %s, %d, %.2f ... and {name} / {0}; "%%" is a literal percent sign. A percent sign
# followed by a space is text ("this % of peers"), not a conversion with the space flag, which
# no message here uses.
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{[A-Za-z_0-9]*\}"
)


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def entries(path: Path) -> list[Entry]:
    """The live entries of a .po file (the obsolete ``#~`` ones left out), the header included."""
    found: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if current is None or current.msgstr:
                current = Entry(number)
                found.append(current)
            current.flags |= {f.strip() for f in line[2:].split(",")}
            target = None
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        text = ast.literal_eval(rest) if rest else ""
        if keyword in ("msgctxt", "msgid") and (current is None or current.msgstr):
            current = Entry(number)
            found.append(current)
        if keyword == "msgid":
            target = ("msgid", 0)
            current.msgid = text
        elif keyword == "msgid_plural":
            target = ("msgid_plural", 0)
            current.msgid_plural = text
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            target = ("msgstr", index)
            current.msgstr[index] = text
        elif keyword == "msgctxt":
            target = ("msgctxt", 0)
        elif keyword == "" and current is not None and target is not None:
            kind, index = target
            if kind == "msgid":
                current.msgid += text
            elif kind == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + text
            elif kind == "msgstr":
                current.msgstr[index] += text
    return [e for e in found if e.msgid or e.msgstr]
