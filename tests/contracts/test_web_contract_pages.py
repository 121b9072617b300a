"""Contract pages: every view with the standard cast, the statement downloads, uploads with a
dry run, and the scenario figures."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest

from commonmeasure.contracts import services
from commonmeasure.contracts.models import Achievement, InvestorFlow, PaymentMade
from commonmeasure.domain.scenario import simulate

from .conftest import ACHIEVEMENTS

D = Decimal
MEMBERS = ("alice", "bob", "backbone")
NOT_MEMBERS = ("carol", "outsider", "anonymous")
READ_VIEWS = (
    "",
    "statement.xlsx",
    "statement.pdf",
    "scenario/",
    "scenario/result/",
    "scenario/sweep/",
)


def url(contract, tail: str = "") -> str:
    return f"/contracts/{contract.pk}/{tail}"


@pytest.mark.parametrize("tail", READ_VIEWS)
@pytest.mark.parametrize("name", MEMBERS + NOT_MEMBERS)
def test_initiative_members_see_every_contract_view_and_others_get_not_found(
    client_for, loaded, name, tail
):
    response = client_for(name).get(url(loaded, tail))
    assert response.status_code == (200 if name in MEMBERS else 404)


@pytest.mark.parametrize("tail", READ_VIEWS)
@pytest.mark.parametrize("name", NOT_MEMBERS)
def test_a_published_contract_is_open_to_everyone(client_for, loaded, name, tail):
    services.set_published(loaded, True)
    assert client_for(name).get(url(loaded, tail)).status_code == 200


CHANGES = {
    "payments/": {"date": "2024-07-01", "payer": "Council", "amount": "100"},
    "investors/": {"date": "2024-07-01", "investor": "Fund", "kind": "drawdown", "amount": "100"},
    "publish/": {"published": "1"},
    "achievements/upload/": {},
}


@pytest.mark.parametrize("tail", CHANGES)
@pytest.mark.parametrize(
    "name, status",
    [("alice", 403), ("bob", 403), ("carol", 404), ("outsider", 404), ("anonymous", 404)],
)
def test_only_the_backbone_changes_a_contract(client_for, loaded, tail, name, status):
    before = (
        PaymentMade.objects.count(),
        InvestorFlow.objects.count(),
        Achievement.objects.count(),
    )
    response = client_for(name).post(url(loaded, tail), CHANGES[tail])
    assert response.status_code == status
    loaded.refresh_from_db()
    assert not loaded.is_published
    assert (
        PaymentMade.objects.count(),
        InvestorFlow.objects.count(),
        Achievement.objects.count(),
    ) == before


def test_the_backbone_records_a_payment_a_cash_flow_and_publishes(client_for, loaded):
    client = client_for("backbone")
    assert client.post(url(loaded, "payments/"), CHANGES["payments/"]).status_code == 302
    assert client.post(url(loaded, "investors/"), CHANGES["investors/"]).status_code == 302
    assert client.post(url(loaded, "publish/"), CHANGES["publish/"]).status_code == 302
    loaded.refresh_from_db()
    assert loaded.is_published
    assert loaded.payments.get().amount == D("100")
    assert loaded.investor_flows.get().kind == "drawdown"


def test_a_refused_payment_says_why_and_records_nothing(client_for, loaded):
    response = client_for("backbone").post(
        url(loaded, "payments/"), {**CHANGES["payments/"], "payer": "Mayor"}, follow=True
    )
    assert "&#x27;Mayor&#x27; is not a payer of the contract" in response.content.decode()
    assert not PaymentMade.objects.exists()


def test_the_contract_page_shows_parties_rate_card_payers_and_every_adjustment_with_its_rule(
    client_for, loaded
):
    services.record_payment(loaded, day="2024-06-01", payer="Council", amount="1000")
    html = client_for("alice").get(url(loaded)).content.decode()
    assert "Alpha Council" in html and "Outcome payer" in html
    assert 'id="total-due">£4,800.00<' in html
    assert 'id="outstanding">£3,800.00<' in html
    rows = re.findall(
        r"<tr><th scope=\"row\">(Council|Trust)</th><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>",
        html,
    )
    assert rows == [
        ("Council", "75.0%", "£3,600.00", "£1,000.00", "£2,600.00"),
        ("Trust", "25.0%", "£1,200.00", "£0.00", "£1,200.00"),
    ]
    assert "Job start is paid once per participant, for the earliest achievement" in html
    assert "Training is paid for at most 3 achievements, earliest first" in html
    assert "at most 2300 GBP per participant, in date order" in html
    assert "spec-achievements" in html
    # members see no management forms
    assert 'id="upload-form"' not in html and 'id="payment-form"' not in html


def test_the_backbone_sees_the_upload_payment_and_cash_flow_forms(client_for, loaded):
    html = client_for("backbone").get(url(loaded)).content.decode()
    assert all(
        f'id="{form}"' in html for form in ("upload-form", "payment-form", "flow-form", "publish")
    )


# -- downloads -------------------------------------------------------------------------------


def test_the_xlsx_statement_has_the_same_figures_and_cannot_hold_formulas(
    client_for, loaded, tmp_path, cast
):
    from openpyxl import load_workbook

    # A participant id that a spreadsheet would read as a formula, repeating a once-only outcome.
    services.commit_upload(
        loaded,
        _file(
            tmp_path,
            "participant,metric,date\n=1+2,job_start,2024-06-01\n=1+2,job_start,2024-06-02\n",
        ),
        cast.backbone,
    )
    response = client_for("bob").get(url(loaded, "statement.xlsx"))
    assert response["Content-Disposition"].startswith(
        'attachment; filename="CM-TEST-0001-statement-'
    )
    wb = load_workbook(io.BytesIO(response.content))
    summary = {
        row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row and row[0]
    }
    assert D(str(summary["Total due"])) == D("6800") == services.statement(loaded).total
    payers = list(wb["By payer"].iter_rows(min_row=2, values_only=True))
    assert [(p[0], D(str(p[2]))) for p in payers] == [("Council", D("5100")), ("Trust", D("1700"))]
    adjustments = list(wb["Adjustments"].iter_rows(min_row=2, values_only=True))
    assert len(adjustments) == len(services.statement(loaded).adjustments) == 4
    assert ("Once only", "Job start", "'=1+2") == adjustments[1][:3]
    cells = [c for row in wb["Adjustments"].iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert all(row[6] for row in adjustments)  # every adjustment explained


# -- uploads ---------------------------------------------------------------------------------


def _file(tmp_path, text: str, name: str = "upload.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _upload(client, contract, text: str, name: str = "achievements.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        url(contract, "achievements/upload/"),
        {"file": SimpleUploadedFile(name, text.encode(), "text/csv")},
    )


def test_an_upload_is_checked_first_and_recorded_only_when_committed(
    client_for, contract, settings, tmp_path
):
    settings.VAR_DIR = tmp_path / "var"
    client = client_for("backbone")
    response = _upload(client, contract, ACHIEVEMENTS)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="to-add">8<' in html and 'id="due-after">£4,800.00<' in html
    assert Achievement.objects.count() == 0
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    # nobody else can commit it
    assert (
        client_for("alice")
        .post(url(contract, "achievements/upload/"), {"token": token, "commit": "1"})
        .status_code
        == 403
    )
    response = client.post(
        url(contract, "achievements/upload/"), {"token": token, "commit": "1"}, follow=True
    )
    assert "8 achievements recorded" in response.content.decode()
    assert Achievement.objects.count() == 8
    assert services.statement(contract).total == D("4800.00")
    # the kept file is gone: the same token cannot record it twice
    again = client.post(
        url(contract, "achievements/upload/"), {"token": token, "commit": "1"}, follow=True
    )
    assert "expired" in again.content.decode()
    assert Achievement.objects.count() == 8


def test_a_bad_upload_lists_every_problem_and_writes_nothing(
    client_for, contract, settings, tmp_path
):
    settings.VAR_DIR = tmp_path / "var"
    bad = "participant,metric,date\nP1,job_start,01/02/2024\nP2,reading,2024-02-01\n"
    response = _upload(client_for("backbone"), contract, bad, "bad.csv")
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "row 2, column &#x27;date&#x27;: &#x27;01/02/2024&#x27; is not a date written YYYY-MM-DD"
        in html
    )
    assert (
        "row 3, column &#x27;metric&#x27;: &#x27;reading&#x27; is not a metric of the contract"
        in html
    )
    assert Achievement.objects.count() == 0
    assert not any((tmp_path / "var" / "contract-uploads").glob("*/bad.csv"))


def test_a_cancelled_upload_records_nothing(client_for, contract, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    client = client_for("backbone")
    token = re.search(
        r'name="token" value="([^"]+)"', _upload(client, contract, ACHIEVEMENTS).content.decode()
    ).group(1)
    client.post(url(contract, "achievements/upload/"), {"token": token, "cancel": "1"})
    assert Achievement.objects.count() == 0
    assert not (tmp_path / "var" / "contract-uploads" / token).exists()


def test_an_abandoned_upload_expires_and_is_deleted(client_for, contract, settings, tmp_path):
    """Seen: achievement files uploaded for a dry run and never committed stayed for ever."""
    import time

    from commonmeasure.contracts.views import UPLOADS
    from commonmeasure.upload_store import EXPIRY_SECONDS

    settings.VAR_DIR = tmp_path / "var"
    client = client_for("backbone")
    token = re.search(
        r'name="token" value="([^"]+)"', _upload(client, contract, ACHIEVEMENTS).content.decode()
    ).group(1)
    folder = tmp_path / "var" / "contract-uploads"
    assert (folder / token / "achievements.csv").is_file() and (folder / f"{token}.json").is_file()
    assert UPLOADS.purge_expired(now=time.time() + EXPIRY_SECONDS + 1) == 1
    assert list(folder.iterdir()) == []
    response = client.post(
        url(contract, "achievements/upload/"), {"token": token, "commit": "1"}, follow=True
    )
    assert "expired" in response.content.decode()
    assert Achievement.objects.count() == 0


def test_an_upload_is_found_only_by_its_uploader_for_its_contract(
    client_for, contract, settings, tmp_path
):
    from commonmeasure.contracts.views import UPLOADS
    from commonmeasure.upload_store import UploadNotFound

    settings.VAR_DIR = tmp_path / "var"
    client = client_for("backbone")
    token = re.search(
        r'name="token" value="([^"]+)"', _upload(client, contract, ACHIEVEMENTS).content.decode()
    ).group(1)
    record = UPLOADS.load(token, record_owner := UPLOADS.update(token)["owner"])
    assert record["contract"] == contract.pk
    with pytest.raises(UploadNotFound):
        UPLOADS.load(token, record_owner, contract=contract.pk + 1)
    with pytest.raises(UploadNotFound):
        UPLOADS.load(token, record_owner + 1)


# -- scenarios -------------------------------------------------------------------------------


def test_scenario_figures_are_the_domain_functions(client_for, loaded):
    query = {
        "participants": "10",
        "investment": "5000",
        "rate_job_start": "60",
        "rate_training": "30",
    }
    html = client_for("alice").get(url(loaded, "scenario/result/"), query).content.decode()
    expected = simulate(
        services.terms(loaded), 10, {"job_start": D("0.6"), "training": D("0.3")}, D("5000")
    ).as_dict()
    # 6 x 2000 + 3 x 500, less 200 each for the three who achieve both (cap 2300 per participant)
    assert expected["total_paid"] == "12900.00"
    assert f'id="scenario-total">£{D(expected["total_paid"]):,.2f}<' in html
    assert f'id="scenario-cost">£{D(expected["cost_per_outcome"]):,.2f}<' in html
    assert f'id="scenario-multiple">{D(expected["investor"]["money_multiple"]):.3f}×<' in html
    assert "No one bears a loss" in html


def test_a_low_success_rate_shows_the_investor_bearing_the_loss(client_for, loaded):
    query = {
        "participants": "10",
        "investment": "5000",
        "rate_job_start": "10",
        "rate_training": "0",
    }
    html = client_for("alice").get(url(loaded, "scenario/result/"), query).content.decode()
    assert "The investor bears a loss of £3,000.00" in html


def test_bad_scenario_input_is_explained_not_a_crash(client_for, loaded):
    html = (
        client_for("alice")
        .get(url(loaded, "scenario/result/"), {"participants": "lots", "rate_training": "140"})
        .content.decode()
    )
    assert "Participants: a whole number" in html and "Training: a share from 0 to 100%" in html


def test_the_sweep_covers_every_success_rate_from_0_to_100(client_for, loaded):
    html = (
        client_for("alice")
        .get(url(loaded, "scenario/"), {"participants": "10", "investment": "5000"})
        .content.decode()
    )
    rates = re.findall(r'<tr><th scope="row">(\d+)%</th>', html)
    assert rates == [str(r) for r in range(0, 101, 10)]
    assert "spec-sweep" in html


def test_the_contract_list_shows_only_visible_contracts(client_for, loaded):
    assert "Alpha Jobs Bond" in client_for("bob").get("/contracts/").content.decode()
    assert "Alpha Jobs Bond" not in client_for("carol").get("/contracts/").content.decode()
    assert "Alpha Jobs Bond" not in client_for("anonymous").get("/contracts/").content.decode()
