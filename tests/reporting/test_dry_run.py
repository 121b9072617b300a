"""A dry run (an upload's "check", `import values --dry-run`) writes nothing and takes no write
lock, yet says exactly what the import would: the same counts, errors and warnings, validation
rules included (checked against the stored totals with the file's laid over them)."""

from __future__ import annotations

import pytest

from commonmeasure.reporting.models import DataValue, Disaggregation, Submission, ValueChange
from tests.reporting.test_rules import _save, with_rules  # noqa: F401 (a fixture)

H = "organisation,indicator,period,value\n"
FILES = {
    "new report": H + "org-a,enrolled,2024-02,10\norg-a,caseload,2024-02,12\n",
    "rule error": H + "org-a,enrolled,2024-02,10\norg-a,job_starts,2024-02,12\n",
    "rule warning": H + "org-a,enrolled,2024-02,10\norg-a,caseload,2024-02,8\n",
    "against stored": H + "org-a,job_starts,2024-03,11\n",
    "changed and unchanged": H + "org-a,enrolled,2024-03,10\norg-a,caseload,2024-03,30\n",
}


def snapshot():
    return [M.objects.count() for M in (Submission, DataValue, Disaggregation, ValueChange)] + [
        list(Submission.objects.order_by("id").values_list("version", flat=True))
    ]


@pytest.mark.parametrize("case", sorted(FILES))
def test_a_dry_run_says_what_the_import_does_and_writes_nothing(with_rules, import_csv, case):  # noqa: F811
    _save(with_rules, with_rules.alice, period="2024-03", enrolled=10, caseload=20)
    before = snapshot()
    dry = import_csv(with_rules.alpha, FILES[case], dry_run=True)
    assert snapshot() == before
    real = import_csv(with_rules.alpha, FILES[case])
    assert dry.dry_run and not real.dry_run
    for key in ("imported", "updated", "unchanged", "errors", "warnings"):
        assert dry.as_dict().get(key) == real.as_dict().get(key), key
    assert (snapshot() != before) == real.ok
