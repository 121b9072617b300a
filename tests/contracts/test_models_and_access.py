"""Managed contracts: the model, the services that write it, and who may see and change it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from commonmeasure.contracts import services
from commonmeasure.contracts.access import contract_access, get_contract, visible_contracts
from commonmeasure.contracts.models import Achievement, InvestorFlow, ManagedContract, Participant
from commonmeasure.interchange.contracts import ContractFileError

from .conftest import ACHIEVEMENTS, DEFINITION, write

D = Decimal
CAST = ("alice", "bob", "carol", "backbone", "outsider", "anonymous")


def user(cast, name):
    if name == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
    return getattr(cast, name)


def test_a_contract_can_only_be_attached_to_a_managed_project(project):
    project.kind = project.LISTED
    project.save()
    with pytest.raises(services.ContractServiceError, match="listed"):
        services.save_contract(project, DEFINITION)


def test_a_managed_contract_uses_the_rate_card_mechanism(project):
    comparison = {
        "mechanism": "comparison",
        "currency": "GBP",
        "price_per_unit": "10",
        "threshold": "0.1",
    }
    with pytest.raises(services.ContractServiceError, match="rate_card"):
        services.save_contract(project, comparison)


def test_a_bad_definition_is_refused_naming_the_field_and_nothing_is_saved(project):
    bad = {**DEFINITION, "cap_per_participant": "-5"}
    with pytest.raises(ContractFileError) as err:
        services.save_contract(project, bad)
    assert err.value.problems == ["cap_per_participant: must not be negative (got -5)"]
    assert not ManagedContract.objects.exists()


def test_the_statement_of_recorded_achievements_applies_every_rule(loaded):
    s = services.statement(loaded)
    # 6000 for three job starts + 2000 for four trainings, less: P1's cap 200 + 500, the fourth
    # training 500 (count cap), P3's repeated job start 2000.
    assert s.gross == D("8000.00")
    assert s.total == D("4800.00")
    assert s.by_payer == {"Council": D("3600.00"), "Trust": D("1200.00")}
    kinds = sorted((a.kind, a.amount) for a in s.adjustments)
    assert kinds == [
        ("cap_count", D("-500.00")),
        ("cap_per_participant", D("-700.00")),
        ("once_only", D("-2000.00")),
    ]
    assert s.excluded == {"unvalidated": 1, "outside_dates": 0, "duplicate_once_only": 1}


def test_uploaded_rows_keep_their_status_evidence_and_participant_ids(loaded):
    assert set(Participant.objects.filter(contract=loaded).values_list("code", flat=True)) == {
        "P1",
        "P2",
        "P3",
        "P4",
    }
    first = Achievement.objects.get(contract=loaded, participant__code="P1", metric="job_start")
    assert (first.status, first.evidence, first.source_row) == ("validated", "Employer letter", 2)
    assert Achievement.objects.get(participant__code="P4").status == Achievement.PENDING


def test_uploading_the_same_file_again_records_nothing_new(loaded, tmp_path, cast):
    before = Achievement.objects.filter(contract=loaded).count()
    summary = services.commit_upload(
        loaded, write(tmp_path, ACHIEVEMENTS, "again.csv"), cast.backbone
    )
    assert summary.to_add == 0 and summary.already_recorded == 8
    assert Achievement.objects.filter(contract=loaded).count() == before


def test_a_dry_run_says_what_would_change_and_writes_nothing(contract, tmp_path):
    summary = services.preview_upload(contract, write(tmp_path, ACHIEVEMENTS))
    assert (summary.to_add, summary.new_participants) == (8, 4)
    assert summary.by_status == {"validated": 7, "pending": 1}
    assert (summary.due_before, summary.due_after) == (D("0.00"), D("4800.00"))
    assert Achievement.objects.count() == 0 and Participant.objects.count() == 0


def test_a_bad_file_names_each_row_and_column_and_writes_nothing(loaded, tmp_path, cast):
    before = Achievement.objects.count()
    bad = "participant,metric,date\nP9,job_start,2024-02-30\nP9,reading,2024-02-03\n"
    with pytest.raises(ContractFileError) as err:
        services.commit_upload(loaded, write(tmp_path, bad, "bad.csv"), cast.backbone)
    assert err.value.problems == [
        "row 2, column 'date': '2024-02-30' is not a date written YYYY-MM-DD",
        "row 3, column 'metric': 'reading' is not a metric of the contract (job_start, training)",
    ]
    assert Achievement.objects.count() == before
    assert not Participant.objects.filter(code="P9").exists()


@pytest.mark.parametrize("participant", ["jane.doe@example.org", "Jane Doe", "+44 7700 900123"])
def test_participant_ids_that_look_like_personal_data_are_refused(contract, tmp_path, participant):
    text = f"participant,metric,date\n{participant},job_start,2024-02-01\n"
    with pytest.raises(
        ContractFileError, match="row 2, column 'participant': .* looks like personal data"
    ):
        services.commit_upload(contract, write(tmp_path, text))
    assert Achievement.objects.count() == 0


def test_payments_made_must_name_a_payer_of_the_contract_and_a_positive_amount(contract):
    with pytest.raises(services.ContractServiceError, match="'Mayor' is not a payer"):
        services.record_payment(contract, day="2024-06-01", payer="Mayor", amount="10")
    with pytest.raises(services.ContractServiceError, match="more than 0"):
        services.record_payment(contract, day="2024-06-01", payer="Council", amount="-10")
    with pytest.raises(services.ContractServiceError, match="more decimal places"):
        services.record_payment(contract, day="2024-06-01", payer="Council", amount="10.001")
    services.record_payment(contract, day="2024-06-01", payer="Council", amount="1,200.50")
    assert contract.payments.get().amount == D("1200.50")


def test_payers_rows_show_due_paid_and_outstanding(loaded):
    services.record_payment(loaded, day="2024-06-01", payer="Council", amount="1000")
    rows = services.payer_rows(loaded, services.statement(loaded))
    assert [(r.payer, r.due, r.paid, r.outstanding) for r in rows] == [
        ("Council", D("3600.00"), D("1000"), D("2600.00")),
        ("Trust", D("1200.00"), D("0"), D("1200.00")),
    ]


def test_investor_returns_match_the_issue_example(contract):
    services.record_investor_flow(
        contract, investor="Fund", day="2015-05-01", kind=InvestorFlow.COMMITMENT, amount="300000"
    )
    services.record_investor_flow(
        contract, investor="Fund", day="2015-06-01", kind=InvestorFlow.DRAWDOWN, amount="270000"
    )
    services.record_investor_flow(
        contract, investor="Fund", day="2018-07-01", kind=InvestorFlow.REPAYMENT, amount="414085"
    )
    rows, overall = services.investor_returns(contract)
    fund = rows[0]
    assert fund.returns.money_multiple.quantize(D("0.001")) == D("1.534")
    assert round(fund.returns.xirr, 3) == 0.149
    assert fund.returns.max_potential_loss == D("270000")
    assert fund.undrawn == D("30000")
    assert overall.returns.invested == D("270000")


def test_an_unknown_cash_flow_kind_is_refused(contract):
    with pytest.raises(services.ContractServiceError, match="kind"):
        services.record_investor_flow(
            contract, investor="Fund", day=date(2024, 1, 1), kind="gift", amount="5"
        )


# -- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, can_view, can_manage",
    [
        ("backbone", True, True),
        ("alice", True, False),
        ("bob", True, False),
        ("carol", False, False),
        ("outsider", False, False),
        ("anonymous", False, False),
    ],
)
def test_initiative_members_see_the_contract_and_only_its_backbone_manages_it(
    cast, contract, name, can_view, can_manage
):
    access = contract_access(user(cast, name), contract)
    assert (access.can_view, access.can_manage) == (can_view, can_manage)
    assert (contract in visible_contracts(user(cast, name))) is can_view


@pytest.mark.parametrize("name", CAST)
def test_a_published_contract_is_seen_by_everyone_but_still_managed_by_the_backbone_only(
    cast, contract, name
):
    services.set_published(contract, True)
    access = contract_access(user(cast, name), contract)
    assert access.can_view
    assert access.can_manage is (name == "backbone")
    assert contract in visible_contracts(user(cast, name))


def test_publishing_the_initiative_does_not_publish_its_contracts(cast, contract):
    cast.alpha.is_published = True
    cast.alpha.save()
    assert not contract_access(user(cast, "outsider"), contract).can_view


def test_a_hidden_contract_is_not_found_rather_than_forbidden(cast, contract):
    from django.http import Http404

    with pytest.raises(Http404):
        get_contract(cast.carol, contract.pk)
    with pytest.raises(Http404):
        get_contract(cast.backbone, 999999)
