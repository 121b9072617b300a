"""The messages of the modules outside the apps (the root catalogue, commonmeasure/locale/): the
file readers' and the pure rules' errors in the viewer's language, and the console script in the
language of its environment (docs/reference/cli.md, "Language")."""

from __future__ import annotations

import pytest
from django.utils import translation

from commonmeasure.console import environment_language
from commonmeasure.domain import periods
from commonmeasure.domain.expressions import ExpressionError, parse_expression
from commonmeasure.interchange.definition import DefinitionError, parse_definition
from commonmeasure.interchange.errors import FileProblem, RowError
from commonmeasure.interchange.tabular import open_table


def _definition_problem(text: str) -> str:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(text, "youth.yaml")
    return "; ".join(caught.value.problems)


@pytest.mark.parametrize(
    "language, expected",
    [
        ("fr", "youth.yaml : le fichier est vide"),
        ("es", "youth.yaml: el archivo está vacío"),
        ("en-gb", "youth.yaml: the file is empty"),
    ],
)
def test_a_file_error_comes_out_in_the_active_language(tmp_path, language, expected):
    empty = tmp_path / "youth.yaml"
    empty.write_text("")
    with translation.override(language), pytest.raises(FileProblem) as caught:
        open_table(empty)
    assert str(caught.value) == expected


def test_a_definition_file_error_names_its_place_in_french(db):
    text = "code: x\nname: X\nindicators:\n  - {code: a, name: A, min: 5, max: 1}\n"
    with translation.override("fr"):
        assert _definition_problem(text) == "indicators.0: min est supérieur à max"
    assert _definition_problem(text) == "indicators.0: min is greater than max"


def test_a_row_and_column_are_named_in_french():
    error = RowError(3, "value", "is empty")
    with translation.override("fr"):
        assert str(error) == "ligne 3, colonne 'value': is empty"
    assert str(error) == "row 3, column 'value': is empty"


def test_a_domain_error_comes_out_in_french_and_in_english_otherwise():
    with translation.override("fr"), pytest.raises(periods.PeriodError) as caught:
        periods.parse("2024-13", "month")
    assert (
        str(caught.value)
        == "'2024-13' n'est pas un mois : le mois doit être compris entre 01 et 12"
    )
    with translation.override("es"), pytest.raises(ExpressionError) as caught:
        parse_expression("a = b")
    assert "'=' no es un operador; use '==' para comparar" in str(caught.value)
    with pytest.raises(periods.PeriodError) as caught:
        periods.parse("2024-13", "month")
    assert str(caught.value) == "'2024-13' is not a month: month must be 01-12"


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LANGUAGE": "de:fr", "LANG": "en_GB.UTF-8"}, "fr"),
        ({"LC_ALL": "es_MX.UTF-8", "LANG": "fr_FR.UTF-8"}, "es"),
        ({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, None),
        ({"LANG": "de_DE.UTF-8"}, None),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "en_GB.UTF-8"}, None),
        ({}, None),
    ],
)
def test_the_console_speaks_the_environments_language_when_it_has_it(environ, expected):
    assert environment_language(environ) == expected


def _clear_language(monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def test_a_file_only_command_speaks_french_with_lang_fr(cli, monkeypatch, tmp_path):
    _clear_language(monkeypatch)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    code, _, err = cli("payments", tmp_path / "missing.json", tmp_path / "data.csv")
    assert code == 1
    assert "missing.json: ne peut pas être lu (" in err
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    code, _, err = cli("payments", tmp_path / "missing.json", tmp_path / "data.csv")
    assert "missing.json: cannot be read (" in err


def test_a_database_command_speaks_spanish_with_language_es(cli, db, monkeypatch, tmp_path):
    _clear_language(monkeypatch)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    monkeypatch.setenv("LANGUAGE", "es")
    code, _, err = cli("initiative", "load", empty)
    assert code == 1 and "el archivo está vacío" in err
    monkeypatch.delenv("LANGUAGE")
    code, _, err = cli("initiative", "load", empty)
    assert code == 1 and "the file is empty" in err
    assert translation.gettext("the file is empty") == "the file is empty"  # put back
