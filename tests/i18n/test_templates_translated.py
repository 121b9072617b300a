"""Every template of the project keeps its visible text inside {% translate %} or
{% blocktranslate %}: a failure names the template and the line of each piece of text left out.

What is read: the text between tags, the words of the alt, title, aria-label and placeholder
attributes and of the value of a submit, button or reset input (what a person sees or hears),
and a literal word given to the default filter ({{ x|default:"none" }} shows "none").
What is not: template comments, {{ variables }} and {% tags %} (their text comes from elsewhere),
the inside of {% translate %} / {% blocktranslate %}, <script> and <style>, HTML comments, and
the inside of <code> (code examples, file names, field names, commands: they are what they are in
every language). Text without letters passes ("·", "—", "%", "12", "(", ":"), and so do
units of measure and the names of file formats (ALLOWED below), which no language translates.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(ROOT.glob("commonmeasure/**/templates/**/*.html"))

# Words that are the same in every language: units of measure, and file formats' names.
ALLOWED = {"px", "em", "rem", "ms", "CSV", "XLSX", "PDF", "JSON", "PNG", "SVG", "ZIP"}
LETTER = re.compile(r"[^\W\d_]")
ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
BUTTON_INPUTS = {"submit", "button", "reset"}
SKIPPED = {"script", "style", "code"}

# The parts of a template whose text is not the template's own, in the order they are removed.
REMOVED = [
    re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.S),
    re.compile(r"{%.*?%}", re.S),
    re.compile(r"{{.*?}}", re.S),
]


def blank(match: re.Match) -> str:
    """The same number of lines, no text: line numbers stay right."""
    return re.sub(r"[^\n]", " ", match.group(0))


def words(text: str) -> str:
    """The words of a piece of text that need translating ("" when there are none)."""
    kept = [w for w in re.split(r"\s+", text) if w and w.strip(".,;:()[]") not in ALLOWED]
    return " ".join(kept) if LETTER.search(" ".join(kept)) else ""


class Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping: list[str] = []
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        attributes = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            visible = name in ATTRIBUTES or (
                name == "value"
                and tag == "input"
                and (attributes.get("type") or "").lower() in BUTTON_INPUTS
            )
            if visible and words(value):
                self.found.append((line, f'<{tag} {name}="{value.strip()}">'))
        if tag in SKIPPED:
            self.skipping.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in SKIPPED:
            self.skipping.pop()

    def handle_endtag(self, tag):
        if tag in self.skipping:
            while self.skipping and self.skipping.pop() != tag:
                pass

    def handle_data(self, data):
        if self.skipping or not words(data):
            return
        line = self.getpos()[0] + data[: LETTER.search(data).start()].count("\n")
        self.found.append((line, " ".join(data.split())))


DEFAULT = re.compile(r"""\|default(?:_if_none)?:(["'])(.*?)\1""")
VARIABLE = re.compile(r"{{.*?}}", re.S)


def untranslated(source: str) -> list[tuple[int, str]]:
    """The (line, text) of each piece of visible text outside {% translate %}."""
    found = []
    for variable in VARIABLE.finditer(REMOVED[1].sub(blank, REMOVED[0].sub(blank, source))):
        for default in DEFAULT.finditer(variable.group(0)):
            if words(default.group(2)):
                line = source.count("\n", 0, variable.start()) + 1
                found.append((line, variable.group(0)))
    for pattern in REMOVED:
        source = pattern.sub(blank, source)
    finder = Finder()
    finder.feed(source)
    finder.close()
    return sorted(found + finder.found)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_templates_visible_text_is_translated(template):
    found = untranslated(template.read_text(encoding="utf-8"))
    where = template.relative_to(ROOT)
    assert not found, "text outside {% translate %} / {% blocktranslate %}:\n" + "\n".join(
        f"{where}:{line}: {text}" for line, text in found
    )


def test_the_finder_sees_text_attributes_and_buttons_and_passes_what_is_translated():
    source = """{% load i18n %}{# a comment #}
<h1>Reports</h1>
<p>{% translate "Hello" %} · {{ name }} — 12 %</p>
<img alt="Logo" src="x.png"><a title="{% translate 'Go' %}" href="/">{{ x }} and {{ y }}</a>
<input type="submit" value="Save"><input type="hidden" name="next" value="next"><button value="approve">{% translate "Approve" %}</button>
<p>{% blocktranslate trimmed with n=count %}
  {{ n }} rows
{% endblocktranslate %}</p>
{% comment %}Not shown{% endcomment %}<!-- nor this -->
<script src="a.js"></script><script type="application/json">{"title": "x"}</script>
<p><code>python tools/messages.py</code> 24 px, CSV</p>
<input placeholder="Search"><span aria-label="Close">×</span>
<td>{{ e.user|default:"—" }} {{ e.key|default:"total" }} {{ e.x|default:_("Total") }}</td>
"""
    assert untranslated(source) == [
        (2, "Reports"),
        (4, '<img alt="Logo">'),
        (4, "and"),
        (5, '<input value="Save">'),
        (12, '<input placeholder="Search">'),
        (12, '<span aria-label="Close">'),
        (13, '{{ e.key|default:"total" }}'),
    ]


def test_every_template_is_walked():
    assert len(TEMPLATES) > 50
    assert ROOT / "commonmeasure/web/templates/web/base.html" in TEMPLATES
