"""An initiative's own content in several languages (docs/reference/initiative-file.md, "Content
in several languages"): the definition file's translations blocks, stored and dumped back, and
every page in the viewer's language with the initiative's own text when there is no translation."""

from __future__ import annotations

import pytest
import yaml
from django.conf import settings
from django.utils import translation

from commonmeasure.initiatives.content import local_text, stored
from commonmeasure.initiatives.models import Indicator
from commonmeasure.interchange.definition import (
    CONTENT_LANGUAGES,
    DefinitionError,
    parse_definition,
)
from commonmeasure.reporting.initiative_file import dump_definition, load_definition
from tests.html import table_rows

FRENCH = {"fr": {"name": "Personnes inscrites", "definition": "Inscrites au programme."}}


@pytest.fixture
def french(cast):
    """Alpha's "People enrolled" with a French name and definition, and no Spanish."""
    Indicator.objects.filter(initiative=cast.alpha, code="enrolled").update(translations=FRENCH)
    return cast


def _definition(**indicator) -> dict:
    return {
        "code": "multi",
        "name": "Multilingual",
        "translations": {"fr": {"name": "Multilingue"}},
        "dimensions": [
            {
                "code": "gender",
                "name": "Gender",
                "translations": {"es": {"name": "Género"}},
                "categories": [
                    {"code": "f", "name": "Female", "translations": {"fr": {"name": "Femme"}}}
                ],
            }
        ],
        "indicators": [
            {"code": "a", "name": "Alpha"},
            {"code": "b", "name": "Beta"},
            {
                "code": "jobs",
                "name": "Job starts",
                "unit": "people",
                "dimensions": ["gender"],
                "translations": {
                    "fr": {"name": "Embauches", "unit": "personnes"},
                    "es": {"name": "Inicios de empleo", "definition": "Contratos firmados."},
                },
                **indicator,
            },
        ],
    }


def _problems(data: dict) -> str:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(yaml.safe_dump(data), "multi.yaml")
    return "; ".join(caught.value.problems)


def test_the_content_languages_are_the_interface_languages():
    assert set(CONTENT_LANGUAGES) == {code.split("-")[0] for code, _ in settings.LANGUAGES}


def test_translations_load_and_dump_back_unchanged(db):
    initiative, _ = load_definition(parse_definition(yaml.safe_dump(_definition())))
    jobs = initiative.indicators.get(code="jobs")
    assert jobs.translations["es"] == {
        "name": "Inicios de empleo",
        "definition": "Contratos firmados.",
    }
    assert initiative.dimensions.get().categories.get().translations == {"fr": {"name": "Femme"}}
    dumped = dump_definition(initiative)
    assert dumped["language"] == "en"
    assert dumped["translations"] == {"fr": {"name": "Multilingue"}}
    assert dumped["indicators"][2]["translations"]["fr"] == {
        "name": "Embauches",
        "unit": "personnes",
    }
    assert dumped["indicators"][0]["translations"] == {}
    _, again = load_definition(parse_definition(yaml.safe_dump(dumped)))
    assert not again.changed, again.as_dict()
    assert dump_definition(initiative) == dumped


def test_the_dump_is_in_the_initiatives_language_whatever_the_viewers(db):
    initiative, _ = load_definition(parse_definition(yaml.safe_dump(_definition())))
    with translation.override("fr"):
        dumped = dump_definition(initiative)
        _, again = load_definition(parse_definition(yaml.safe_dump(dumped)))
    assert dumped["name"] == "Multilingual"
    assert dumped["indicators"][2]["name"] == "Job starts"
    assert not again.changed, again.as_dict()


def test_a_translation_removed_from_the_file_is_removed(db):
    initiative, _ = load_definition(parse_definition(yaml.safe_dump(_definition())))
    _, summary = load_definition(parse_definition(yaml.safe_dump(_definition(translations={}))))
    assert "indicator jobs" in summary.updated
    assert initiative.indicators.get(code="jobs").translations == {}


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            lambda d: d["indicators"][2]["translations"].update(de={"name": "Stellen"}),
            "indicators.2.translations.de: 'de' is not one of the languages en, es, fr",
        ),
        (
            lambda d: d["indicators"][2]["translations"].update(en={"name": "Jobs"}),
            "indicators.2.translations.en: en is the file's own language (language: en); "
            "its text goes in the plain fields",
        ),
        (
            lambda d: d["dimensions"][0]["categories"][0]["translations"].update(xx={"name": "?"}),
            "dimensions.0.categories.0.translations.xx: 'xx' is not one of the languages",
        ),
        (lambda d: d.update(language="de"), "language: 'de' is not one of the languages"),
        (
            lambda d: d["indicators"][2]["translations"]["fr"].update(title="Titre"),
            "indicators.2.translations.fr.title: Extra inputs are not permitted",
        ),
    ],
)
def test_a_translation_for_an_unknown_language_or_field_is_refused_by_its_path(change, expected):
    data = _definition()
    change(data)
    assert expected in _problems(data)


def test_a_file_in_french_may_give_english(db):
    data = _definition()
    data["language"] = "fr"
    data["translations"] = {}
    data["dimensions"][0]["categories"][0]["translations"] = {}
    data["indicators"][2]["translations"] = {"en": {"name": "Job starts in English"}}
    initiative, _ = load_definition(parse_definition(yaml.safe_dump(data)))
    assert initiative.language == "fr"
    jobs = initiative.indicators.get(code="jobs")
    with translation.override("en-gb"):
        assert jobs.name == "Job starts in English"
    with translation.override("fr"):
        assert jobs.name == "Job starts"


def test_the_name_reads_in_the_active_language_and_queries_use_the_stored_text(french):
    with translation.override("fr"):
        enrolled = Indicator.objects.get(initiative=french.alpha, name="People enrolled")
        assert enrolled.name == "Personnes inscrites"
        assert local_text(enrolled, "definition") == "Inscrites au programme."
        assert stored(enrolled, "name") == "People enrolled"
        enrolled.save()
    assert french.alpha.indicators.filter(name="People enrolled").count() == 1
    with translation.override("es"):
        assert Indicator.objects.get(pk=enrolled.pk).name == "People enrolled"
    with translation.override("en-gb"):
        assert enrolled.name == "People enrolled"


def _in(language: str, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_indicator_page_shows_the_viewers_language_and_falls_back(french, client_for):
    url = "/i/alpha/indicators/enrolled/"
    fr = _in("fr", client_for("alice")).get(url).content.decode()
    assert "Personnes inscrites" in fr
    es = _in("es", client_for("alice")).get(url).content.decode()
    assert "Personnes inscrites" not in es and "People enrolled" in es
    en = client_for("alice").get(url).content.decode()
    assert "Personnes inscrites" not in en and "People enrolled" in en


def test_the_dashboard_shows_the_french_name(french, client_for, import_csv):
    values = "organisation,indicator,period,value\norg-a,enrolled,2024-01,10\n"
    assert import_csv(french.alpha, values, approve=True, user=french.backbone).errors == []
    client = client_for("alice", HTTP_ACCEPT_LANGUAGE="fr")
    rows = table_rows(client.get("/i/alpha/dashboard/").content.decode(), "headlines")
    assert "Personnes inscrites" in [row[0] for row in rows]
    rows = table_rows(client_for("alice").get("/i/alpha/dashboard/").content.decode(), "headlines")
    assert "People enrolled" in [row[0] for row in rows]


def test_the_api_gives_the_default_text_and_every_translation(french, client_for):
    client = client_for("alice", HTTP_ACCEPT_LANGUAGE="fr")
    answer = client.get("/api/v1/initiatives/alpha/indicators/enrolled").json()
    assert answer["name"] == "People enrolled"
    assert answer["translations"] == FRENCH
    assert client.get("/api/v1/initiatives/alpha").json()["language"] == "en"


def test_the_demo_initiative_names_its_indicators_in_french_and_spanish():
    from commonmeasure.demo import DEMO_FILE
    from commonmeasure.interchange.definition import read_definition

    demo = read_definition(DEMO_FILE)
    for indicator in demo.indicators:
        assert indicator.translations["fr"].name, indicator.code
        assert indicator.translations["es"].name, indicator.code
    assert demo.indicators[5].translations["fr"].name == "Embauches"


def test_a_survey_question_follows_the_language_chosen_in_the_switcher(cast):
    from commonmeasure.voice.models import Link, Question, Survey
    from tests.voice.conftest import device_client

    survey = Survey.objects.create(initiative=cast.alpha, title="How did we do?")
    Question.objects.create(
        survey=survey,
        kind="text",
        text="What could we do better?",
        translations={"fr": {"text": "Que pourrions-nous mieux faire ?"}},
    )
    link = Link.objects.create(survey=survey, organisation=cast.org_a)
    client = _in("fr", device_client())
    assert "Que pourrions-nous mieux faire ?" in client.get(f"/s/{link.token}/").content.decode()
    client = _in("es", device_client())
    assert "What could we do better?" in client.get(f"/s/{link.token}/").content.decode()


def test_a_set_up_page_edits_a_translation_as_the_file_does(cast):
    from commonmeasure.setup.services import apply

    def edit(definition: dict) -> None:
        enrolled = next(i for i in definition["indicators"] if i["code"] == "enrolled")
        enrolled["translations"]["es"] = {"name": "Personas inscritas"}

    outcome = apply(cast.alpha, edit, by=cast.backbone, what="changed the indicator")
    assert outcome.changed
    enrolled = cast.alpha.indicators.get(code="enrolled")
    assert enrolled.translations == {"es": {"name": "Personas inscritas"}}
    with translation.override("es"):
        assert enrolled.name == "Personas inscritas"


def test_a_values_file_may_name_a_category_in_any_language_whatever_the_viewers(cast, import_csv):
    from commonmeasure.initiatives.models import Category

    Category.objects.filter(code="female").update(translations={"fr": {"name": "Femme"}})
    values = (
        "organisation,indicator,period,value,gender\n"
        "org-a,job_starts,2024-01,3,Femme\n"
        "org-b,job_starts,2024-01,2,Female\n"
    )
    with translation.override("fr"):
        result = import_csv(cast.alpha, values)
    assert result.errors == []


def test_the_api_names_an_initiative_in_the_callers_language(cast, client_for):
    from commonmeasure.initiatives.models import Initiative

    Initiative.objects.filter(pk=cast.alpha.pk).update(
        translations={"fr": {"name": "Partenariat Alpha"}}
    )
    names = {
        i["code"]: i["name"]
        for i in client_for("alice", HTTP_ACCEPT_LANGUAGE="fr").get("/api/v1/initiatives").json()
    }
    assert names["alpha"] == "Partenariat Alpha"
    names = {i["code"]: i["name"] for i in client_for("alice").get("/api/v1/initiatives").json()}
    assert names["alpha"] == "Alpha Partnership"
    definition = client_for("alice", HTTP_ACCEPT_LANGUAGE="fr").get("/api/v1/initiatives/alpha")
    assert definition.json()["name"] == "Alpha Partnership"
    assert definition.json()["translations"] == {"fr": {"name": "Partenariat Alpha"}}


def test_a_translation_is_never_written_back_as_the_stored_text(french):
    """Django copies attributes in refresh_from_db, clean_fields and the bulk writes."""
    with translation.override("fr"):
        enrolled = french.alpha.indicators.get(code="enrolled")
        enrolled.full_clean()
        enrolled.save()
        enrolled.refresh_from_db()
        enrolled.save()
        Indicator.objects.bulk_update([enrolled], ["name", "definition"])
        assert enrolled.name == "Personnes inscrites"
    enrolled = Indicator.objects.get(pk=enrolled.pk)
    assert (enrolled.name, enrolled.definition) == ("People enrolled", "")
    assert french.alpha.indicators.filter(name="People enrolled").exists()


def test_the_documented_example_loads_and_reads_in_each_language(db):
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs/reference/initiative-file.md").read_text()
    section = doc.split("## Content in several languages", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    initiative, _ = load_definition(parse_definition(example))
    jobs = initiative.indicators.get(code="job_starts")
    with translation.override("fr"):
        assert (jobs.name, jobs.unit) == ("Embauches", "personnes")
    with translation.override("es"):
        assert jobs.name == "Inicios de empleo"
        assert jobs.definition == "Participants who started a job of 16 hours a week or more."
    assert jobs.name == "Job starts"
