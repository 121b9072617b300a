"""Outcomes contracts in French and Spanish: the contract pages, the PDF payment statement (read
back with pdftotext, accented letters and guillemets included), the XLSX statement, the text
statement of `commonmeasure payments`, and messages from the Python code (a refused payment,
the commands' errors), with amounts in the language's own digits."""

from __future__ import annotations

import io
import shutil
import subprocess
from contextlib import redirect_stdout

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from commonmeasure.contracts.file_reports import render_statement
from commonmeasure.contracts.statements import statement_from_files
from tests.contracts.builders import DWP_CONTRACT, DWP_PRICES, write_csv, write_json
from tests.contracts.conftest import contract, loaded, project  # noqa: F401 (fixtures)


def speaking(client, lang="fr"):
    client.cookies["django_language"] = lang
    return client


def pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install Debian's poppler-utils (.ci/run does)")
    path = tmp_path / "statement.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(out.stdout.decode("utf-8").split())


def test_the_contract_page_in_french(client_for, loaded):  # noqa: F811
    html = speaking(client_for("backbone")).get(f"/contracts/{loaded.pk}/").content.decode()
    for words in ("Grille tarifaire", "Relevé PDF", "Enregistrer le paiement", "Total dû"):
        assert words in html, words
    assert "£4\xa0800,00" in html  # the total due, with French digit grouping and decimal comma
    listing = speaking(client_for("backbone")).get("/contracts/").content.decode()
    assert "Contrats fondés sur les résultats" in listing


def test_the_scenario_page_in_spanish(client_for, loaded):  # noqa: F811
    client = speaking(client_for("backbone"), "es")
    html = client.get(f"/contracts/{loaded.pk}/scenario/").content.decode()
    assert "Proporción de participantes que logra cada resultado" in html
    assert "Pagos por resultados" in html


def test_a_refused_payment_is_explained_in_french(client_for, loaded):  # noqa: F811
    client = speaking(client_for("backbone"))
    page = client.post(
        f"/contracts/{loaded.pk}/payments/",
        {"date": "2024-06-01", "payer": "Council", "amount": "lots"},
        follow=True,
    )
    html = page.content.decode()
    assert "Le paiement n&#x27;a pas été enregistré." in html
    assert "n&#x27;est pas un montant" in html


def test_the_pdf_statement_in_french_keeps_accents_and_guillemets(
    client_for,
    loaded,  # noqa: F811
    tmp_path,
):
    named = loaded.project
    named.name = "Projet «Avenir» à Montréal, Señora Núñez, Français"
    named.save()
    client = speaking(client_for("alice"))
    response = client.get(f"/contracts/{loaded.pk}/statement.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Relevé des paiements : Projet «Avenir» à Montréal, Señora Núñez, Français" in text
    assert "Total dû 4 800,00 GBP" in text
    assert "La part de chaque payeur" in text
    assert "Council 75,00% 3 600,00 GBP" in text
    assert "page 1 sur 1" in text


def test_the_pdf_statement_in_spanish(client_for, loaded, tmp_path):  # noqa: F811
    response = speaking(client_for("alice"), "es").get(f"/contracts/{loaded.pk}/statement.pdf")
    text = pdf_text(response.content, tmp_path)
    assert "Estado de pagos: Alpha Jobs Bond" in text
    assert "Total adeudado 4 800,00 GBP" in text
    assert "Pagado hasta ahora" in text


def test_the_xlsx_statement_in_french(client_for, loaded):  # noqa: F811
    from openpyxl import load_workbook

    response = speaking(client_for("alice")).get(f"/contracts/{loaded.pk}/statement.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[1:4] == ["Par payeur", "Par période", "Par indicateur de résultat"]
    summary = book.worksheets[0]
    assert summary["A1"].value == "Relevé des paiements"
    assert summary["A7"].value == "Total dû"
    assert summary["B7"].value == 4800  # the amount stays a number; the spreadsheet formats it
    assert [c.value for c in book["Par payeur"][1]] == [
        "Payeur",
        "Part",
        "Dû",
        "Payé",
        "Restant dû",
    ]


def test_the_text_statement_speaks_french(tmp_path):
    contract_file = write_json(tmp_path / "dwp.json", DWP_CONTRACT)
    rows = "\n".join(f"P001,{m},2013-{i + 1:02d}-15,yes" for i, m in enumerate(DWP_PRICES))
    data = write_csv(tmp_path / "a.csv", "participant,metric,date,validated\n" + rows)
    statement = statement_from_files(contract_file, data)
    with translation.override("fr"):
        lines = render_statement(statement)
    text = "\n".join(lines)
    assert text.startswith("Relevé des paiements (rate_card, GBP)")
    assert "Total dû : 11,700.00 GBP" in text  # the command's figures keep the files' form
    assert "Par indicateur de résultat" in text and "By metric" not in text
    assert "Ajustements (" in text


def test_the_contract_commands_speak_french(db, tmp_path):
    with translation.override("fr"), pytest.raises(CommandError) as refused:
        call_command("contract_load", str(tmp_path / "missing.json"), "--project", "X")
    assert str(refused.value).startswith("missing.json : lecture impossible")
    contract_file = write_json(tmp_path / "dwp.json", DWP_CONTRACT)
    out = io.StringIO()
    with translation.override("es"), redirect_stdout(out), pytest.raises(CommandError) as bad:
        call_command(
            "scenario", str(contract_file), "--participants", "10", "--success-rate", "many"
        )
    assert "no es una proporción como 0.6 o 60%" in str(bad.value)
