"""Which model each INDIGO file goes into, and how its typed fields are read from the cells.

An extractor takes a ``Reader`` over one row's cells and returns the typed fields. Every column
an extractor reads is a required column of that file: a bundle without it has the wrong layout.
Fields named in ``refs`` hold an INDIGO id and become foreign keys to organisations or funds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from commonmeasure.interchange import indigo_values as values
from commonmeasure.interchange.indigo import layout

from . import models as m

STAGES = {s.value.lower(): s.value for s in m.Stage}


class Reader:
    """Typed access to one row's cells. A value that cannot be read is reported through
    ``report(column, text, message)`` and read as empty."""

    def __init__(
        self, cells: dict[str, str], report: Callable[[str, str, str], None] | None = None
    ):
        self.cells = cells
        self.report = report
        self.seen: list[str] = []

    def text(self, column: str) -> str:
        self.seen.append(column)
        return self.cells.get(column, "").strip()

    def _parse(self, column: str, parser, empty):
        text = self.text(column)
        if not text:
            return empty
        try:
            return parser(text)
        except values.Uninterpretable as exc:
            if self.report:
                self.report(column, text, str(exc))
            return empty

    def date(self, column: str) -> str:
        return self._parse(column, values.partial_date, "")

    def amount(self, column: str):
        return self._parse(column, values.amount, None)

    def count(self, column: str):
        return self._parse(column, values.whole_number, None)

    def country(self, column: str) -> str:
        return self._parse(column, values.country, "")

    def currency(self, column: str) -> str:
        return self._parse(column, values.currency, "")

    def sdgs(self, column: str) -> list[int]:
        return self._parse(column, values.sdg_goals, [])

    def stage(self, column: str) -> str:
        def known(text):
            if text.lower() not in STAGES:
                raise values.Uninterpretable(
                    "not a stage of the INDIGO codelist (Contracted, Implementation, Service delivery complete, Complete)"
                )
            return STAGES[text.lower()]

        return self._parse(column, known, "")


# -- records ---------------------------------------------------------------------------------

TIC = "Overall project finance - Total investment commitment - "
MOP = "Overall project finance - Maximum potential outcome payment - "
PC = "Purpose and classifications - "
SB = "Service and beneficiaries - "


def project_fields(r: Reader) -> dict:
    primary = r.sdgs(PC + "Primary SDG goal - (Value)")
    secondary = r.sdgs(PC + "Secondary SDG goals - (Value)")
    return {
        "name": r.text("Impact Bond Name - (Value)"),
        "stage": r.stage("Stage of Development - (Value)"),
        "outcomes_contract_signed": r.date("Dates - Date outcomes contract signed - (Value)"),
        "all_contracts_signed": r.date(
            "Dates - Date contracts between all parties signed - (Value)"
        ),
        "service_start": r.date("Dates - Start date of service provision - (Value)"),
        "service_end_anticipated": r.date(
            "Dates - Anticipated end date of service provision - (Value)"
        ),
        "service_end_actual": r.date("Dates - Actual end date of service provision - (Value)"),
        "jurisdiction": r.country("Jurisdiction - Jurisdiction - (Value)"),
        "investment_currency": r.currency(TIC + "Currency - (Value)"),
        "investment_min": r.amount(TIC + "Amount - Min - (Value)"),
        "investment_exact": r.amount(TIC + "Amount - Exact - (Value)"),
        "investment_max": r.amount(TIC + "Amount - Max - (Value)"),
        "investment_usd_min": r.amount(TIC + "Amount USD - Min - (Value)"),
        "investment_usd_exact": r.amount(TIC + "Amount USD - Exact - (Value)"),
        "investment_usd_max": r.amount(TIC + "Amount USD - Max - (Value)"),
        "max_outcome_payment_currency": r.currency(MOP + "Currency - (Value)"),
        "max_outcome_payment": r.amount(MOP + "Amount - (Value)"),
        "max_outcome_payment_usd": r.amount(MOP + "Amount USD - (Value)"),
        "policy_sector": r.text(PC + "Policy sector - (Value)"),
        "primary_sdg_goal": primary[0] if primary else None,
        "sdg_goals": primary + [g for g in secondary if g not in primary],
        "target_population": r.text(SB + "Target population - (Value)"),
        "targeted_service_users": r.count(
            SB + "Targeted number of unique service users or beneficiaries (total) - (Value)"
        ),
        "actual_service_users": r.count(
            SB + "Actual number of unique service users or beneficiaries engaged (total) - (Value)"
        ),
    }


def organisation_fields(r: Reader) -> dict:
    return {
        "name": r.text("Name"),
        "org_type": r.text("Type - (Value)"),
        "country": r.country("Country"),
        "jurisdiction": r.country("Jurisdiction"),
    }


def fund_fields(r: Reader) -> dict:
    return {"name": r.text("Fund - Name"), "country": r.country("Fund - Country")}


# -- per-project tables ----------------------------------------------------------------------

V = " - (Value)"


def delivery_location(r):
    return {
        "name": r.text("Location - Name" + V),
        "country": r.country("Location - Country" + V),
        "lat": r.amount("Lat/Lng - Lat" + V),
        "lng": r.amount("Lat/Lng - Lng" + V),
    }


def outcome_metric(r):
    return {
        "metric_id": r.text("Id"),
        "definition": r.text("Outcome Definition" + V),
        "policy_sector": r.text("Policy sector" + V),
        "targeted_number": r.amount(
            "Targeted number of service users Or beneficiaries (total)" + V
        ),
    }


def outcome_pricing(r):
    return {
        "metric_id": r.text("Outcome Metric Id" + V),
        "currency": r.currency("Currency" + V),
        "price": r.amount("Price Per Unit - Amount" + V),
        "price_usd": r.amount("Price Per Unit - Amount USD" + V),
    }


def outcome_payment(r):
    return {
        "metric_id": r.text("Outcome Metric Id" + V),
        "payer": r.text("Payer Organisation ID" + V),
        "recipient": r.text("Recipient Organisation ID" + V),
        "payment_type": r.text("Type" + V),
        "period_start": r.date("Period - Start" + V),
        "period_end": r.date("Period - End" + V),
        "currency": r.currency("Payments - Currency" + V),
        "amount": r.amount("Payments - Amount" + V),
        "amount_usd": r.amount("Payments - Amount USD" + V),
    }


def result(r):
    return {
        "metric_id": r.text("Outcome Metric Id" + V),
        "period_start": r.date("Period - Start" + V),
        "period_end": r.date("Period - End" + V),
        "outcomes_achieved": r.text("Outcomes achieved" + V),
        "number_engaged": r.amount("Number engaged In impact bond" + V),
        "number_positive": r.amount("Number with Positive social outcomes" + V),
    }


def investment(r):
    ic = "Investment Commitment - "
    return {
        "item_id": r.text("Id"),
        "organisation": r.text("Organisation ID" + V),
        "role_category": r.text("Organisation Role Category" + V),
        "currency": r.currency(ic + "Currency" + V),
        "amount_min": r.amount(ic + "Amount - Min" + V),
        "amount_exact": r.amount(ic + "Amount - Exact" + V),
        "amount_max": r.amount(ic + "Amount - Max" + V),
        "amount_usd_min": r.amount(ic + "Amount USD - Min" + V),
        "amount_usd_exact": r.amount(ic + "Amount USD - Exact" + V),
        "amount_usd_max": r.amount(ic + "Amount USD - Max" + V),
    }


def service_provision(r):
    return {
        "item_id": r.text("Id"),
        "organisation": r.text("Organisation ID" + V),
        "role_category": r.text("Organisation Role Category" + V),
        "planned_start": r.date("Planned Service - Start" + V),
        "planned_end": r.date("Planned Service - End" + V),
        "actual_start": r.date("Actual Service - Start" + V),
        "actual_end": r.date("Actual Service - End" + V),
    }


def outcome_payment_commitment(r):
    mp = "Maximum potential Outcome payment - "
    return {
        "organisation": r.text("Organisation ID" + V),
        "role_category": r.text("Organisation Role Category" + V),
        "currency": r.currency(mp + "Currency" + V),
        "max_amount": r.amount(mp + "Amount" + V),
        "max_amount_usd": r.amount(mp + "Amount USD" + V),
    }


def intermediary_service(r):
    return {
        "organisation": r.text("Organisation ID" + V),
        "role_category": r.text("Organisation Role Category" + V),
        "role_description": r.text("Other Role Description" + V),
    }


def source(r):
    return {
        "item_id": r.text("Id"),
        "name": r.text("Name" + V),
        "source_type": r.text("Type" + V),
        "url": r.text("URL" + V),
    }


def document(r):
    return {"title": r.text("Title" + V), "url": r.text("URL" + V)}


def project_fund(r):
    return {"fund": r.text("Id")}


def nothing(r):
    return {}


@dataclass(frozen=True)
class Spec:
    key: str  # INDIGO file key
    model: type
    extract: Callable[[Reader], dict] = nothing
    owner: str | None = None  # the model's foreign key to its record; None for a record file
    refs: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # typed field -> ("organisation" | "fund", column)
    generic: bool = False  # the model has a ``component`` field and holds several files

    @property
    def required_columns(self) -> list[str]:
        reader = Reader({})
        self.extract(reader)
        return reader.seen


ORG = "organisation"
RECORD_SPECS = [
    Spec("organisations", m.Organisation, organisation_fields),
    Spec("funds", m.Fund, fund_fields),
    Spec("projects", m.Project, project_fields),
]
_TYPED = {
    "projects_delivery_locations": (m.DeliveryLocation, delivery_location, {}),
    "projects_outcome_metrics": (m.OutcomeMetric, outcome_metric, {}),
    "projects_outcome_pricings": (m.OutcomePricing, outcome_pricing, {}),
    "projects_outcome_payments": (
        m.OutcomePayment,
        outcome_payment,
        {
            "payer": (ORG, "Payer Organisation ID" + V),
            "recipient": (ORG, "Recipient Organisation ID" + V),
        },
    ),
    "projects_results": (m.Result, result, {}),
    "projects_investments": (
        m.Investment,
        investment,
        {"organisation": (ORG, "Organisation ID" + V)},
    ),
    "projects_service_provisions": (
        m.ServiceProvision,
        service_provision,
        {"organisation": (ORG, "Organisation ID" + V)},
    ),
    "projects_outcome_payment_commitments": (
        m.OutcomePaymentCommitment,
        outcome_payment_commitment,
        {"organisation": (ORG, "Organisation ID" + V)},
    ),
    "projects_intermediary_services": (
        m.IntermediaryService,
        intermediary_service,
        {"organisation": (ORG, "Organisation ID" + V)},
    ),
    "projects_sources": (m.Source, source, {}),
    "projects_documents": (m.Document, document, {}),
    "projects_outcome_funds": (m.ProjectFund, project_fund, {"fund": ("fund", "Id")}),
}
GENERIC = {
    "projects": (m.ProjectRow, "project"),
    "organisations": (m.OrganisationRow, "organisation"),
    "funds": (m.FundRow, "fund"),
}


def component_specs() -> list[Spec]:
    """A spec for every per-record file of the layout, in the layout's order."""
    specs = []
    for key, spec in layout().items():
        if spec["owner_column"] is None:
            continue
        if key in _TYPED:
            model, extract, refs = _TYPED[key]
            specs.append(Spec(key, model, extract, owner="project", refs=refs))
        else:
            model, owner = GENERIC[spec["record"]]
            specs.append(Spec(key, model, owner=owner, generic=True))
    return specs


def required_columns() -> dict[str, list[str]]:
    return {s.key: s.required_columns for s in RECORD_SPECS + component_specs()}
