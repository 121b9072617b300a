"""The corpus of office files, made once per test session (corpus.py, sources.py)."""

from __future__ import annotations

import pytest

from .corpus import build, soffice
from .sources import (
    CONTRACT_VARIANTS,
    VALUES_VARIANTS,
    contract_workbooks,
    make_templates,
    store_prefilled,
    values_workbook,
)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory, django_db_setup, django_db_blocker):
    """Every corpus file (CorpusFile), made with LibreOffice once per session."""
    soffice()  # fails or skips at once without LibreOffice
    from django.db import transaction

    from commonmeasure.interchange.definition import read_definition
    from commonmeasure.reporting.initiative_file import load_definition
    from tests.conftest import FIXTURES

    folder = tmp_path_factory.mktemp("office-corpus")
    src = folder / "sources"
    src.mkdir()
    sources = {f"values-{v}": values_workbook(src / f"values-{v}.xlsx", v) for v in VALUES_VARIANTS}
    for variant in CONTRACT_VARIANTS:
        sources.update(contract_workbooks(src, variant))
    with django_db_blocker.unblock(), transaction.atomic():
        alpha, _ = load_definition(read_definition(FIXTURES / "alpha.yaml"))
        store_prefilled(alpha)
        sources["template"], template_csv = make_templates(src)
        transaction.set_rollback(True)
    return build(folder, sources, {"template-csv": template_csv})


def pick(corpus, prefix: str):
    return [f for f in corpus if f.source.startswith(prefix)]
