"""Every file of the corpus through every reader that accepts it: the values import (command
line and web upload), the templates, and the contract files (achievements, cash flows). Each
gives exactly the values typed, or a clear refusal naming the row and column, nothing written."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commonmeasure.interchange.contracts import (
    ContractFileError,
    parse_contract,
    read_achievements,
    read_cashflows,
)
from tests.contracts.builders import DWP_CONTRACT
from tests.reporting.helpers import stored

from .corpus import TARGETS
from .sources import (
    CONTRACT_VARIANTS,
    TEMPLATE_STORED,
    VALUES_VARIANTS,
    expected_contract,
    expected_values,
    store_prefilled,
)

# Every test uses the database, so that it is set up before the corpus (whose templates need it).
pytestmark = pytest.mark.django_db
SAVED = ("openpyxl", *TARGETS)


def the(corpus, source: str, saved_as: str):
    found = [f for f in corpus if f.source == source and f.saved_as == saved_as]
    assert len(found) == 1, (source, saved_as)
    return found[0].path


def import_values(cli, path) -> tuple[int, dict]:
    code, out, _ = cli("import", "values", path, "--initiative", "alpha", "--json")
    return code, json.loads(out)


def check_outcome(code, summary, expected, before):
    outcome, detail = expected
    if outcome == "stored":
        assert (code, summary["errors"]) == (0, [])
        assert stored()["values"] == detail
        return
    column, words = detail
    assert code == 1 and summary["errors"]
    assert stored() == before  # nothing written
    first = summary["errors"][0]
    assert words in first["message"]
    if column is not None:  # a refusal about a cell names its row and column
        assert (first["row"] is not None, first["column"]) == (True, column)


@pytest.mark.parametrize("saved_as", SAVED)
@pytest.mark.parametrize("variant", VALUES_VARIANTS)
def test_a_values_file_gives_the_values_typed_or_a_clear_refusal(
    corpus, cast, cli, variant, saved_as
):
    before = stored()
    code, summary = import_values(cli, the(corpus, f"values-{variant}", saved_as))
    check_outcome(code, summary, expected_values(variant, saved_as), before)


UPLOAD = "/i/alpha/orgs/org-a/upload/"


@pytest.mark.parametrize("saved_as", SAVED)
@pytest.mark.parametrize("variant", ["plain", "dates", "percent", "date1904", "padded"])
def test_the_web_upload_reads_the_same_files_the_same_way(
    corpus, cast, client_for, variant, saved_as
):
    path = the(corpus, f"values-{variant}", saved_as)
    client = client_for(cast.alice)
    response = client.post(
        UPLOAD, {"file": SimpleUploadedFile(path.name, path.read_bytes())}, follow=True
    )
    assert response.status_code == 200
    token = response.redirect_chain[-1][0].rstrip("/").split("/")[-1]
    committed = client.post(f"{UPLOAD}{token}/commit/", follow=True)
    assert "Imported: 5 new" in committed.content.decode()
    assert stored()["values"] == expected_values(variant, saved_as)[1]


TEMPLATE_EXPECTED = {
    # The XLSX template as LibreOffice saves it as CSV is its first sheet, not a template.
    ("template", "lo-comma-utf8.csv"): ("refused", (None, "unknown column")),
    ("template", "lo-semicolon-cp1252.csv"): ("refused", (None, "unknown column")),
}


@pytest.mark.parametrize(
    "source,saved_as",
    [("template", s) for s in SAVED] + [("template-csv", s) for s in ("source.csv", *TARGETS)],
)
def test_a_template_saved_by_libreoffice_imports_what_was_typed_and_changes_nothing_else(
    corpus, cast, cli, source, saved_as
):
    store_prefilled(cast.alpha)
    before = stored()
    code, summary = import_values(cli, the(corpus, source, saved_as))
    expected = TEMPLATE_EXPECTED.get((source, saved_as), ("stored", TEMPLATE_STORED))
    check_outcome(code, summary, expected, before)
    if expected[0] == "stored":
        assert (summary["imported"], summary["updated"], summary["unchanged"]) == (4, 0, 2)


@pytest.mark.parametrize("saved_as", SAVED)
@pytest.mark.parametrize("variant", CONTRACT_VARIANTS)
@pytest.mark.parametrize("kind", ["achievements", "cashflows"])
def test_a_contract_file_is_read_as_typed_or_refused_clearly(corpus, kind, variant, saved_as):
    path = the(corpus, f"{kind}-{variant}", saved_as)
    outcome, detail = expected_contract(kind, variant, saved_as)
    read = (
        (lambda p: read_achievements(p, parse_contract(DWP_CONTRACT)))
        if kind == "achievements"
        else read_cashflows
    )
    if outcome == "refused":
        column, words = detail
        with pytest.raises(ContractFileError) as err:
            read(path)
        assert f"column '{column}'" in err.value.problems[0] and words in err.value.problems[0]
        return
    got = read(path)
    if kind == "achievements":
        assert list(got) == detail
    else:
        assert [(f.date, f.amount, f.investor) for f in got] == [
            (__import__("datetime").date(*d), a, i) for d, a, i in detail
        ]


def test_the_corpus_holds_every_source_in_every_format(corpus):
    sources = {f.source for f in corpus}
    assert len(sources) == len(VALUES_VARIANTS) + 2 * len(CONTRACT_VARIANTS) + 2
    assert all(f.path.stat().st_size > 0 for f in corpus)
