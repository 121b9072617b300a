"""The PDF payment statement prints every script as written: fonts embedded from packages,
tables laid out by fpdf2 (docs/reference/contract-pages.md, "Statements")."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from commonmeasure.contracts import statement_pdf as pdf_module
from commonmeasure.contracts.services import commit_upload, save_contract

from .conftest import ACHIEVEMENTS, DEFINITION, write

NAMES = {
    "Japanese": "株式会社みらい創造",
    "Korean": "사회성과연계채권 서울",
    "Spanish": "Fundación Corona, Bogotá",
    "Portuguese": "Associação Portuguesa de Investimento Social",
    "Arabic": "مؤسسة الخير",
}


def pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install Debian's poppler-utils (.ci/run does)")
    path = tmp_path / "statement.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(out.stdout.decode("utf-8").split())


def test_the_pdf_statement_has_the_totals_and_rules_as_text(client_for, loaded, tmp_path):
    response = client_for("alice").get(f"/contracts/{loaded.pk}/statement.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Total due 4,800.00 GBP" in text
    assert "at most 2300 GBP per participant" in text
    assert "Council 75.00% 3,600.00 GBP" in text


@pytest.mark.parametrize("language", NAMES)
def test_names_in_any_script_print_as_written(project, cast, client_for, tmp_path, language):
    name = NAMES[language]
    project.name = name
    project.save()
    definition = {
        **DEFINITION,
        "payers": [{"id": name, "share": "0.75"}, {"id": "Trust", "share": "0.25"}],
    }
    contract = save_contract(project, definition)
    commit_upload(contract, write(tmp_path, ACHIEVEMENTS), cast.backbone)
    response = client_for("alice").get(f"/contracts/{contract.pk}/statement.pdf")
    text = pdf_text(response.content, tmp_path)
    assert f"Payment statement: {name}" in text or name in text
    assert text.count(name) >= 2  # the title and the payer's row
    assert "?" * 3 not in text


def test_a_missing_font_is_named_with_the_package_that_ships_it(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_module, "FONT_ROOT", tmp_path)
    with pytest.raises(pdf_module.MissingFont, match="fonts-dejavu-core"):
        pdf_module.new_document(["x"])


def test_without_the_font_the_download_says_which_package_to_install(
    monkeypatch, client_for, loaded, tmp_path
):
    monkeypatch.setattr(pdf_module, "FONT_ROOT", tmp_path)
    response = client_for("alice").get(f"/contracts/{loaded.pk}/statement.pdf")
    assert response.status_code == 503 and b"fonts-dejavu-core" in response.content
