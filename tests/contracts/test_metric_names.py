"""A contract's metrics are shown by name (the contract file's ``metrics[].name``, or the code
in words when it has none), with the code only beside it: the contract page, its chart, the
scenario page, the upload preview, the XLSX and PDF statements and the rules' explanations."""

from __future__ import annotations

import io
import json

import pytest

from commonmeasure.contracts.services import commit_upload, save_contract
from commonmeasure.domain.payments import name_from_code
from commonmeasure.interchange.contracts import ContractFileError, parse_contract

from .conftest import ACHIEVEMENTS, DEFINITION, write
from .test_statement_pdf import pdf_text

NAMED = {
    **DEFINITION,
    "metrics": [
        {**DEFINITION["metrics"][0], "name": "Started a job"},
        DEFINITION["metrics"][1],  # no name: "Training"
    ],
}


def test_a_name_is_read_and_a_missing_one_is_the_code_in_words():
    terms = parse_contract(NAMED)
    assert [m.label for m in terms.metrics] == ["Started a job", "Training"]
    assert name_from_code("improved_attendance") == "Improved attendance"
    assert name_from_code("level_2-qualification") == "Level 2 qualification"
    with pytest.raises(ContractFileError, match=r"metrics\.0\.name"):
        parse_contract({**NAMED, "metrics": [{**NAMED["metrics"][0], "name": "  "}]})


@pytest.fixture
def named(project, tmp_path, cast):
    contract = save_contract(project, NAMED)
    commit_upload(contract, write(tmp_path, ACHIEVEMENTS), cast.backbone)
    return contract


def test_every_page_and_statement_shows_the_names(named, client_for, tmp_path):
    client = client_for("alice")
    html = client.get(f"/contracts/{named.pk}/").content.decode()
    assert "Started a job" in html and "Training" in html
    assert "Started a job is paid once per participant" in html
    assert '<span class="code-strong">job_start</span>' not in html
    # the chart of achievements is keyed by the names
    spec = html.split('<script id="spec-achievements"', 1)[1].split(">", 1)[1]
    assert "Started a job" in json.dumps(json.loads(spec.split("</script>", 1)[0]))
    scenario = client.get(f"/contracts/{named.pk}/scenario/").content.decode()
    assert "Started a job" in scenario
    result = client.get(f"/contracts/{named.pk}/scenario/result/").content.decode()
    assert '<th scope="row">Started a job</th>' in result

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get(f"/contracts/{named.pk}/statement.xlsx").content))
    by_metric = list(wb["By metric"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in by_metric] == [
        ("Started a job", "job_start"),
        ("Training", "training"),
    ]
    text = pdf_text(client.get(f"/contracts/{named.pk}/statement.pdf").content, tmp_path)
    assert "Started a job" in text


def test_the_payments_command_prints_the_names(tmp_path, cli):
    contract = tmp_path / "contract.json"
    contract.write_text(json.dumps({"mechanism": "rate_card", **NAMED}), encoding="utf-8")
    data = write(tmp_path, ACHIEVEMENTS)
    code, out, _err = cli("payments", str(contract), str(data))
    assert code == 0, out
    assert "Started a job" in out and "Training" in out
