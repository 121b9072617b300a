"""An indicator's name, definition, rationale and unit in the initiative's other languages, on its
set-up page: the same ``translations:`` as the definition file, shown to readers of that language."""

from __future__ import annotations

from commonmeasure.reporting.initiative_file import dump_definition
from commonmeasure.setup.services import version_of
from tests.setup.test_indicators_pages import _ind, form_data, url


def test_the_edit_page_offers_a_box_for_each_other_language(client_for, cast):
    page = client_for("backbone").get(url("indicator_edit", "wage")).content.decode()
    assert 'id="indicator-translations"' in page
    for code in ("es", "fr"):
        assert f'id="id_translation_{code}_name"' in page
        assert f'id="id_translation_{code}_definition"' in page
    assert 'id="id_translation_en_name"' not in page  # the initiative's own language


def test_names_typed_in_other_languages_go_to_the_definition_and_to_those_readers(client_for, cast):
    before = dump_definition(cast.alpha)
    by_hand = dump_definition(cast.alpha)
    _ind(by_hand, "wage")["translations"] = {
        "fr": {"name": "Salaire horaire", "unit": "euros"},
        "es": {"name": "Salario por hora"},
    }
    response = client_for("backbone").post(
        url("indicator_edit", "wage"),
        form_data(
            _ind(before, "wage"),
            version_of(before, "indicators/wage"),
            translation_fr_name="Salaire horaire",
            translation_fr_unit="euros",
            translation_es_name="Salario por hora",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert dump_definition(cast.alpha) == by_hand

    french = client_for("backbone", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Salaire horaire" in french.get("/i/alpha/indicators/wage/").content.decode()
    english = client_for("backbone").get("/i/alpha/indicators/wage/").content.decode()
    assert "Hourly wage" in english and "Salaire horaire" not in english

    # the boxes show what is stored, and emptying one removes that translation
    page = client_for("backbone").get(url("indicator_edit", "wage")).content.decode()
    assert 'value="Salaire horaire"' in page
    now = dump_definition(cast.alpha)
    response = client_for("backbone").post(
        url("indicator_edit", "wage"),
        form_data(_ind(now, "wage"), version_of(now, "indicators/wage"), translation_fr_name=""),
    )
    assert response.status_code == 302
    assert _ind(dump_definition(cast.alpha), "wage")["translations"] == {
        "fr": {"unit": "euros"},
        "es": {"name": "Salario por hora"},
    }
