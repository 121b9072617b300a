"""The public impact bond pages (home and its map, directory, project, organisations,
comparison) in French and Spanish, with the messages their Python code builds and the
commands' output."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.utils import translation

from commonmeasure.impactbonds.services import import_bundle
from tests.impactbonds.helpers import SAMPLE

pytestmark = pytest.mark.django_db
BASE = "/impact-bonds"


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A page asked for in French leaves French active in this thread (LocaleMiddleware does not
    switch back); the tests after these must start in the default language."""
    yield
    translation.deactivate()


@pytest.fixture
def sample():
    import_bundle(SAMPLE)


def page(path: str, language: str) -> str:
    client = Client()
    client.cookies["django_language"] = language
    response = client.get(BASE + path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def map_spec(html: str) -> dict:
    found = re.search(r'<script id="spec-map" type="application/json">(.*?)</script>', html, re.S)
    assert found, "no map spec"
    return json.loads(found.group(1))


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "fr",
            [
                "Les contrats à impact social dans le monde",
                "Où ils se trouvent",
                "Comment ces chiffres sont comptés",
                "contrats à impact social dans le monde au service de",
            ],
        ),
        (
            "es",
            [
                "Bonos de impacto social en el mundo",
                "Dónde están",
                "Cómo se cuentan estas cifras",
                "bonos de impacto social en el mundo que atienden a",
            ],
        ),
    ],
)
def test_home_page_in_the_viewers_language(sample, language, words):
    html = page("/", language)
    for word in words:
        assert word in html, word
    assert "How these figures are counted" not in html


def test_the_maps_text_alternative_and_tooltips_in_french(sample):
    spec = map_spec(page("/", "fr"))
    assert spec["description"].startswith("Carte du monde")
    titles = json.dumps(spec, ensure_ascii=False)
    assert "Lieu de mise en œuvre" in titles and "Delivery location" not in titles


def test_directory_filters_and_a_bad_filter_message_in_french(sample):
    html = page("/projects/?year=abc", "fr")
    assert "Annuaire des contrats à impact social" in html
    assert "Tout pays" in html and "Trier par" in html
    # INDIGO's stages in words, while the filter keeps the codes
    assert "Terminé" in html and 'value="Complete"' in html
    assert "« abc » n’est pas une année ; ce filtre est désactivé." in html


def test_project_and_comparison_pages_in_spanish(sample):
    html = page("/compare/?p=INDIGO-POJ-NOPE", "es")
    assert "Comparar bonos de impacto social" in html
    assert (
        "No hay ningún bono de impacto social público con el identificador INDIGO-POJ-NOPE." in html
    )
    html = page("/organisations/", "es")
    assert "Cualquier función" in html and "Pagadores de resultados" in html


def test_the_stats_command_in_french(sample, cli):
    with translation.override("fr"):
        code, out, err = cli("stats", "impact-bonds", "--as-of", "someday")
    assert code != 0
    assert "--as-of : 'someday' n’est pas une date ; écrivez AAAA-MM-JJ" in err, err
