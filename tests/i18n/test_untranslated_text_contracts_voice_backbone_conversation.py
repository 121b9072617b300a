"""No visible text outside {% translate %} / {% blocktranslate %} in the templates of the
contracts, voice, backbone and conversation apps: text between tags, and the attributes a person
reads or hears (alt, title, aria-label, placeholder). Template variables, tags, comments,
scripts and styles are not text; nor are the names of file formats on download links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

APPS = ("contracts", "voice", "backbone", "conversation")
ROOT = Path(__file__).resolve().parents[2] / "commonmeasure"
NOT_WORDS = {"CSV", "XLSX", "PNG", "SVG", "JSON", "SDG", "NPS"}  # formats and acronyms

BLOCK = re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)
TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
HIDDEN = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.S | re.I)
ATTRIBUTE = re.compile(r'\b(?:alt|title|aria-label|placeholder)="([^"]*)"')
ELEMENT = re.compile(r"<[^>]*>")


def templates():
    for app in APPS:
        yield from sorted((ROOT / app / "templates").rglob("*.html"))


def untranslated(source: str) -> list[str]:
    """The pieces of visible text of a template that no translation tag holds."""
    text = TAG.sub(" ", BLOCK.sub(" ", HIDDEN.sub(" ", source)))
    found = ATTRIBUTE.findall(text)
    text = ELEMENT.sub(" ", text)
    found += text.split("\n")
    words = []
    for piece in found:
        for word in re.findall(r"[^\W\d_][\w'’-]*", piece):
            if word not in NOT_WORDS:
                words.append(word)
    return words


@pytest.mark.parametrize(
    "path", list(templates()), ids=lambda p: f"{p.parent.parent.parent.name}/{p.name}"
)
def test_every_visible_word_is_translatable(path):
    assert untranslated(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_word_left_out():
    assert untranslated('<p>{% translate "Saved" %} Nothing else</p>') == ["Nothing", "else"]
    assert untranslated('<a title="Open it" href="{{ u }}">{% translate "Go" %}</a>') == [
        "Open",
        "it",
    ]
    assert untranslated("{% blocktranslate %}All {{ n }} here{% endblocktranslate %}") == []
