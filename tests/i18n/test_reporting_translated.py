"""The messages of reporting, rollups and initiatives in French and Spanish: a values file's
row errors, the workflow's refusals, a reminder e-mail, and the commands' output."""

from __future__ import annotations

import pytest
from django.utils import translation

from commonmeasure.reporting.workflow import stale_message
from tests.conftest import FIXTURES


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A page asked for in French leaves French active in this thread (LocaleMiddleware does not
    switch back); the tests after these must start in the default language."""
    yield
    translation.deactivate()


def test_a_values_files_row_errors_in_french(cast, import_csv):
    text = "organisation,indicator,period,value\norg-a,nope,2024-01,3\norg-a,enrolled,2024-01,-2\n"
    with translation.override("fr"):
        result = import_csv(cast.alpha, text)
    messages = [e.message for e in result.errors]
    assert "indicateur inconnu 'nope' dans l’initiative alpha" in messages, messages
    assert any("n’est pas un effectif" in m for m in messages), messages


def test_the_same_errors_in_spanish_and_english(cast, import_csv):
    text = "organisation,indicator,period,value\norg-zz,enrolled,2024-01,3\n"
    with translation.override("es"):
        spanish = import_csv(cast.alpha, text).errors[0].message
    with translation.override("en-gb"):
        english = import_csv(cast.alpha, text).errors[0].message
    assert spanish == "organización desconocida 'org-zz' en la iniciativa alpha"
    assert english == "unknown organisation 'org-zz' in initiative alpha"


def test_the_workflows_refusal_in_french():
    with translation.override("fr"):
        message = stale_message(3, 4)
    assert message.startswith("Ce rapport a changé depuis que vous l’avez vu (version 3")


def test_the_load_command_in_french(cast, cli):
    with translation.override("fr"):
        code, out, _err = cli("initiative", "load", FIXTURES / "alpha.yaml")
    assert code == 0 and out.strip() == "Initiative alpha : rien n’a changé.", out


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "identiques à ceux enregistrés"), ("es", "idénticos a los almacenados")],
)
def test_the_rollups_rebuild_command(cast, cli, language, expected):
    with translation.override(language):
        code, out, _err = cli("rollups", "rebuild", "--initiative", "alpha")
    assert code == 0 and expected in out, out


def test_a_reminder_e_mail_in_spanish(cast):
    import datetime

    from commonmeasure.reporting.models import Reminder
    from commonmeasure.reporting.reminders import Planned, _message

    planned = Planned(
        cast.alpha, cast.org_a, "2024-03", Reminder.AFTER, datetime.date(2024, 4, 30), []
    )
    with translation.override("es"):
        subject, body = _message(planned)
    assert subject.startswith("Vencido: informe de Alpha Partnership para 2024-03"), subject
    assert "Pida a la organización coordinadora que lo desbloquee" in body
    assert "Complételo en Common Measure: /i/alpha/orgs/org-a/report/2024-03/" in body
