"""The dashboards, benchmarking, explorer, "explain" and public indicator pages in Spanish and
French (the language cookie), the messages their Python code builds, the query command's
errors, and a scan of the insights and impact bond templates for text left outside
{% translate %} / {% blocktranslate %}."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from commonmeasure.insights.pivot import axis_options
from tests.insights.conftest import VALUES

ROOT = Path(__file__).resolve().parents[2] / "commonmeasure"
TEMPLATE_FOLDERS = [
    ROOT / "insights" / "templates",
    ROOT / "impactbonds" / "templates",
]


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A page asked for in French leaves French active in this thread (LocaleMiddleware does not
    switch back); the tests after these must start in the default language."""
    yield
    translation.deactivate()


@pytest.fixture
def data(cast, import_csv):
    result = import_csv(cast.alpha, VALUES, approve=True, user=cast.backbone)
    assert result.errors == [], result.errors
    return cast


def page(client, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Tableau de bord", "Explorer les chiffres", "organisations sur 2 ont déclaré"]),
        ("es", ["Panel", "Explorar las cifras", "de 2 organizaciones informaron"]),
    ],
)
def test_dashboard_in_the_viewers_language(data, client_for, language, words):
    html = page(client_for("backbone"), "/i/alpha/dashboard/", language)
    for word in words:
        assert word in html, word
    assert "Explore the figures" not in html
    # The table's headers and the headline table's caption come from the view's Python code.
    assert {"fr": "Indicateurs phares", "es": "Indicadores principales"}[language] in html


def test_benchmarking_explorer_and_explain_in_french(data, client_for):
    client = client_for("backbone")
    html = page(client, "/i/alpha/benchmarks/enrolled/", "fr")
    assert "Comparaison entre pairs" in html and "Distribution des pairs" in html
    html = page(client, "/i/alpha/explore/?indicator=enrolled", "fr")
    assert "Explorateur d’indicateurs" in html and "Colonnes" in html
    html = page(client, "/i/alpha/explain/?indicator=enrolled&by=period&key=2024-01", "fr")
    assert "La règle appliquée" in html and "How was this worked out?" not in html


def test_a_message_from_the_python_code_in_spanish(data):
    with translation.override("es"):
        labels = dict(axis_options(data.alpha, data.alpha.indicators.get(code="enrolled")))
    assert labels["period"] == "Periodo" and labels["organisation"] == "Organización"


def test_the_query_commands_error_in_french(data, cli):
    with translation.override("fr"):
        code, _out, err = cli(
            "query", "--initiative", "alpha", "--indicator", "nope", "--by", "period"
        )
    assert code != 0
    assert "aucun indicateur 'nope' dans alpha" in err, err


TAGS = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
BLOCKS = re.compile(r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", re.S)
ATTRIBUTES = re.compile(r'\b(?:alt|title|aria-label|placeholder)="([^"]*)"')
LITERAL_DEFAULTS = re.compile(r'\|(?:default|pluralize):"[^"]*[A-Za-z]{2,}[^"]*"')


def untranslated(text: str) -> list[str]:
    """Words a person reads that no {% translate %} or {% blocktranslate %} holds."""
    text = BLOCKS.sub(" ", text)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    found = [m.group(0) for m in LITERAL_DEFAULTS.finditer(text)]
    for m in ATTRIBUTES.finditer(text):
        if re.search(r"[A-Za-z]{2,}", TAGS.sub("", m.group(1))):
            found.append(m.group(0))
    body = re.sub(r"<[^>]*>", " ", TAGS.sub(" ", text))
    found += [w for w in body.split("\n") if re.search(r"[A-Za-z]{2,}", w)]
    return [w.strip() for w in found]


def test_the_scan_finds_untranslated_text():
    assert untranslated('<p>Hello</p><p title="Hi {{ x }}">{% translate "Fine" %}</p>') == [
        'title="Hi {{ x }}"',
        "Hello",
    ]
    assert untranslated('{{ n|pluralize:"is,are" }}') == ['|pluralize:"is,are"']
    assert untranslated("{% blocktranslate %}All {{ n }} here{% endblocktranslate %}") == []


@pytest.mark.parametrize(
    "template",
    sorted(p for folder in TEMPLATE_FOLDERS for p in folder.rglob("*.html")),
    ids=lambda p: p.name,
)
def test_every_template_text_is_translatable(template):
    assert untranslated(template.read_text(encoding="utf-8")) == []


CATALOGUES = ["insights", "impactbonds", "reporting", "rollups", "initiatives"]


def catalogue_entries(path: Path) -> list[dict]:
    """The entries of a .po file: {"flags", "msgid", "msgstr..."}, continuation lines joined."""
    entries, entry, field = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry:
                entries.append(entry)
            entry, field = {}, None
        elif line.startswith("#,"):
            entry["flags"] = line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[field] += line[1:-1]
        else:
            field, _space, text = line.partition(" ")
            entry[field] = text[1:-1]
    return entries


@pytest.mark.parametrize("language", ["es", "fr"])
@pytest.mark.parametrize("app", CATALOGUES)
def test_every_message_has_a_translation(app, language):
    entries = catalogue_entries(ROOT / app / "locale" / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 1
    for entry in entries:
        assert "fuzzy" not in entry.get("flags", ""), entry
        translations = [v for k, v in entry.items() if k.startswith("msgstr")]
        assert translations and all(translations), entry
        for text in translations:
            wanted = sorted(
                re.findall(r"%\(\w+\)s", entry["msgid"] + entry.get("msgid_plural", ""))
            )
            assert set(re.findall(r"%\(\w+\)s", text)) <= set(wanted), entry
