"""A backbone admin uploads achievements to a managed contract (checked first, then recorded); a
member opens the contract page and the scenario simulator, moves a slider and sees the outcome
payments change. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from commonmeasure.contracts.services import terms
from commonmeasure.domain.scenario import simulate
from tests.conftest import PASSWORD
from tests.contracts.conftest import ACHIEVEMENTS, DEFINITION

pytestmark = pytest.mark.e2e


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#login-form [name=username]", username)
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#whoami")


def _contract(cast):
    from commonmeasure.contracts.services import record_investor_flow, record_payment, save_contract
    from commonmeasure.impactbonds.models import Organisation, Project, ProjectParty, Role

    project = Project.objects.create(
        indigo_id="CM-E2E-0001",
        kind=Project.MANAGED,
        initiative=cast.alpha,
        name="Alpha Jobs Bond",
        stage="Implementation",
        targeted_service_users=10,
        investment_currency="GBP",
        investment_exact="5000",
    )
    for n, (name, role) in enumerate(
        [
            ("Alpha Council", Role.OUTCOME_PAYER),
            ("Alpha Trust", Role.OUTCOME_PAYER),
            ("Impact Fund", Role.INVESTOR),
            ("Alpha Works", Role.SERVICE_PROVIDER),
        ]
    ):
        org = Organisation.objects.create(indigo_id=f"CM-E2E-ORG-{n}", name=name)
        ProjectParty.objects.create(project=project, organisation=org, role=role)
    contract = save_contract(project, DEFINITION)
    record_payment(contract, day="2024-07-20", payer="Council", amount="1500")
    record_investor_flow(
        contract, investor="Impact Fund", day="2024-01-05", kind="drawdown", amount="5000"
    )
    record_investor_flow(
        contract, investor="Impact Fund", day="2024-10-01", kind="repayment", amount="3000"
    )
    return contract


def test_backbone_uploads_achievements_and_member_moves_a_scenario_slider(
    transactional_db, cast, live_server, page, shoot, tmp_path, settings
):
    settings.VAR_DIR = tmp_path / "var"
    base = live_server.url
    own_host = urlparse(base).netloc
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if urlparse(r.url).netloc not in (own_host, "") and not r.url.startswith("data:")
            else None
        ),
    )
    contract = _contract(cast)
    data = tmp_path / "achievements.csv"
    data.write_text(ACHIEVEMENTS, encoding="utf-8")

    # The backbone checks the file: a dry run that records nothing, then records it.
    _log_in(page, base, "backbone")
    page.goto(f"{base}/contracts/{contract.pk}/")
    page.set_input_files("#upload-file", str(data))
    page.click("#upload-check")
    page.wait_for_selector("#upload-summary")
    assert page.inner_text("#to-add") == "8"
    assert page.inner_text("#due-after") == "£4,800.00"
    assert contract.achievements.count() == 0
    shoot(page, "contract-upload-check")
    page.click("#upload-commit")
    page.wait_for_selector(".message-success")
    assert "8 achievements recorded" in page.inner_text(".message-success")
    assert contract.achievements.count() == 8
    page.click("#logout")
    page.wait_for_selector("#login-link")

    # A member of the initiative sees the contract, its statement and the chart.
    _log_in(page, base, "alice")
    page.goto(f"{base}/contracts/")
    page.click("text=Alpha Jobs Bond")
    page.wait_for_selector("#total-due")
    assert page.inner_text("#total-due") == "£4,800.00"
    assert page.inner_text("#outstanding") == "£3,300.00"
    page.wait_for_selector("#over-time .chart.chart-ready svg")
    assert "at most 2300 GBP per participant" in page.inner_text("#adjustments")
    shoot(page, "contract-page")

    # The scenario simulator: moving one slider changes the outcome payments.
    page.click("#tab-scenario")
    page.wait_for_selector("#scenario-total")
    page.wait_for_selector("#scenario-sweep .chart.chart-ready svg")
    before = page.inner_text("#scenario-total")
    page.fill("#rate-job_start", "100")
    expect(page.locator("#scenario-total")).not_to_have_text(before)
    after = page.inner_text("#scenario-total")
    assert page.inner_text("#out-job_start") == "100%"
    # 10 job starts at 2000 and 3 trainings at 500 (the count cap), less 200 for each of the three
    # who achieve both (cap of 2300 per participant): the domain function's figure.
    expected = simulate(
        terms(contract), 10, {"job_start": Decimal(1), "training": Decimal("0.5")}, Decimal(5000)
    )
    assert after == f"£{expected.statement.total:,.2f}" == "£20,900.00"
    assert before != after
    shoot(page, "contract-scenario")
    assert foreign == [], f"requests left this server: {foreign}"
