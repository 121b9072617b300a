"""Fixtures for managed contracts: a contract in initiative "alpha" of the standard cast, with
achievements uploaded from a small file, and clients signed in as each member of the cast."""

from __future__ import annotations

from pathlib import Path

import pytest

DEFINITION = {
    "currency": "GBP",
    "start": "2024-01-01",
    "end": "2024-12-31",
    "cap_per_participant": "2300",
    "payers": [{"id": "Council", "share": "0.75"}, {"id": "Trust", "share": "0.25"}],
    "metrics": [
        {"id": "job_start", "price": "2000", "once_per_participant": True},
        {"id": "training", "price": "500", "cap_count": 3},
    ],
}

# P1 reaches the cap (2000 + 500 + 500 = 3000 > 2300); the 4th training is over the count cap;
# P3's second job start repeats a once-only outcome; P4's row is pending validation.
ACHIEVEMENTS = """participant,metric,date,validated,evidence
P1,job_start,2024-02-01,yes,Employer letter
P1,training,2024-02-10,yes,Course certificate
P2,training,2024-03-05,yes,
P1,training,2024-03-20,yes,
P2,training,2024-04-01,yes,
P3,job_start,2024-04-02,yes,Payslip
P3,job_start,2024-05-02,yes,Payslip again
P4,job_start,2024-05-03,pending,
"""


def write(tmp_path: Path, text: str, name: str = "achievements.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(cast):
    from commonmeasure.impactbonds.models import Organisation, Project, ProjectParty, Role

    project = Project.objects.create(
        indigo_id="CM-TEST-0001",
        kind=Project.MANAGED,
        initiative=cast.alpha,
        name="Alpha Jobs Bond",
        stage="Implementation",
        targeted_service_users=10,
        investment_currency="GBP",
        investment_exact="5000",
    )
    council = Organisation.objects.create(indigo_id="CM-TEST-ORG-1", name="Alpha Council")
    ProjectParty.objects.create(project=project, organisation=council, role=Role.OUTCOME_PAYER)
    return project


@pytest.fixture
def contract(project):
    from commonmeasure.contracts.services import save_contract

    return save_contract(project, DEFINITION)


@pytest.fixture
def loaded(contract, tmp_path, cast):
    """The contract with ACHIEVEMENTS committed."""
    from commonmeasure.contracts.services import commit_upload

    commit_upload(contract, write(tmp_path, ACHIEVEMENTS), cast.backbone)
    return contract
