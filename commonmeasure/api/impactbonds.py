"""The impact bond database, read-only and public: projects, organisations, funds and the
headline figures. Only public records and rows, and only public fields, are ever returned
(docs/reference/indigo.md, "Public and private data"); money is a decimal string."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from commonmeasure.impactbonds import models as m
from commonmeasure.impactbonds import selectors
from commonmeasure.impactbonds.figures import headline_sentence

from .common import READ_ERRORS

router = Router(tags=["impact bonds"])
MAX_PAGE = 500


class ImpactBondRef(Schema):
    id: str = Field(..., description="INDIGO id")
    name: str


class ImpactBondProjectSummary(Schema):
    id: str = Field(..., description="INDIGO id, e.g. INDIGO-POJ-0001")
    name: str
    stage: str
    policy_sector: str
    sdg_goals: list[int]
    jurisdiction: str
    launch_date: date | None = Field(
        None,
        description="Earliest of the contract dates and service start; partial dates count as their first day",
    )
    service_users: int | None = Field(None, description="Actual number engaged, else targeted")
    investment_usd: Decimal | None = Field(
        None, description="Total investment commitment in USD: exact, else minimum"
    )


class ImpactBondProjectPage(Schema):
    count: int
    items: list[ImpactBondProjectSummary]


class ImpactBondParty(Schema):
    organisation: ImpactBondRef | None
    role: str = Field(
        ...,
        description="outcome_payer, investor, service_provider, intermediary, evaluator or validator",
    )


class ImpactBondLocation(Schema):
    name: str
    country: str
    lat: Decimal | None
    lng: Decimal | None


class ImpactBondMetric(Schema):
    metric_id: str
    definition: str
    policy_sector: str
    targeted_number: Decimal | None


class ImpactBondPricing(Schema):
    metric_id: str
    currency: str
    price: Decimal | None
    price_usd: Decimal | None


class ImpactBondResultOut(Schema):
    metric_id: str
    period_start: str
    period_end: str
    outcomes_achieved: str
    number_engaged: Decimal | None
    number_positive: Decimal | None


class ImpactBondPayment(Schema):
    metric_id: str
    payment_type: str
    period_start: str
    period_end: str
    payer: ImpactBondRef | None
    recipient: ImpactBondRef | None
    currency: str
    amount: Decimal | None
    amount_usd: Decimal | None


class ImpactBondInvestmentOut(Schema):
    organisation: ImpactBondRef | None
    role_category: str
    currency: str
    amount_min: Decimal | None
    amount_exact: Decimal | None
    amount_max: Decimal | None
    amount_usd_min: Decimal | None
    amount_usd_exact: Decimal | None
    amount_usd_max: Decimal | None


class ImpactBondSourceOut(Schema):
    item_id: str
    name: str
    source_type: str
    url: str


class ImpactBondDocumentOut(Schema):
    title: str
    url: str


class ImpactBondProjectDetail(Schema):
    id: str
    name: str
    kind: str = Field(
        ..., description="listed (headline data) or managed (live achievements and payments)"
    )
    stage: str
    policy_sector: str
    primary_sdg_goal: int | None
    sdg_goals: list[int]
    jurisdiction: str
    outcomes_contract_signed: str = Field(
        ..., description="YYYY, YYYY-MM or YYYY-MM-DD, as precise as known"
    )
    all_contracts_signed: str
    service_start: str
    service_end_anticipated: str
    service_end_actual: str
    launch_date: date | None
    target_population: str
    targeted_service_users: int | None
    actual_service_users: int | None
    investment_currency: str
    investment_min: Decimal | None
    investment_exact: Decimal | None
    investment_max: Decimal | None
    investment_usd_min: Decimal | None
    investment_usd_exact: Decimal | None
    investment_usd_max: Decimal | None
    max_outcome_payment_currency: str
    max_outcome_payment: Decimal | None
    max_outcome_payment_usd: Decimal | None
    parties: list[ImpactBondParty]
    outcome_funds: list[ImpactBondRef]
    delivery_locations: list[ImpactBondLocation]
    outcome_metrics: list[ImpactBondMetric]
    outcome_pricings: list[ImpactBondPricing]
    results: list[ImpactBondResultOut]
    outcome_payments: list[ImpactBondPayment]
    investments: list[ImpactBondInvestmentOut]
    sources: list[ImpactBondSourceOut]
    documents: list[ImpactBondDocumentOut]


class ImpactBondRole(Schema):
    project: ImpactBondRef
    role: str


class ImpactBondOrganisationOut(Schema):
    id: str
    name: str
    org_type: str
    country: str
    jurisdiction: str
    roles: list[ImpactBondRole]


class ImpactBondFundOut(Schema):
    id: str
    name: str
    country: str
    projects: list[ImpactBondRef]


class ImpactBondStats(Schema):
    as_of: date | None
    impact_bonds: int
    service_users: int
    service_users_projects: int
    capital_raised_usd: Decimal
    capital_projects: int
    capital_unconverted_projects: int
    by_country: dict[str, int] = Field(
        ..., description="Country code -> number of projects (delivery locations plus jurisdiction)"
    )
    headline: str


class ImpactBondProjectFilters(Schema):
    country: str = Field(
        "", description="ISO 3166-1 code: a delivery-location country or the jurisdiction"
    )
    stage: str = ""
    sector: str = Field("", description="Policy sector, e.g. 'Employment and training'")
    sdg: int | None = Field(None, ge=1, le=17)
    launch_year: int | None = None
    q: str = Field("", description="Words in the name or id")
    limit: int = Field(100, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


@router.get(
    "/projects",
    response={200: ImpactBondProjectPage, **READ_ERRORS},
    operation_id="listImpactBondProjects",
)
def list_projects(request, filters: Query[ImpactBondProjectFilters]):
    """Public projects of the impact bond database, by INDIGO id, filtered and paged."""
    qs = selectors.find_projects(
        country=filters.country,
        stage=filters.stage,
        sector=filters.sector,
        sdg=filters.sdg,
        launch_year=filters.launch_year,
        q=filters.q,
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    items = []
    for p in page:
        users = (
            p.actual_service_users
            if p.actual_service_users is not None
            else p.targeted_service_users
        )
        usd = p.investment_usd_exact if p.investment_usd_exact is not None else p.investment_usd_min
        items.append(
            {
                "id": p.indigo_id,
                "name": p.name,
                "stage": p.stage,
                "policy_sector": p.policy_sector,
                "sdg_goals": p.sdg_goals,
                "jurisdiction": p.jurisdiction,
                "launch_date": p.launch_date,
                "service_users": users,
                "investment_usd": selectors.plain(usd),
            }
        )
    return {"count": qs.count(), "items": items}


@router.get(
    "/projects/{indigo_id}",
    response={200: ImpactBondProjectDetail, **READ_ERRORS},
    operation_id="getImpactBondProject",
)
def get_project(request, indigo_id: str):
    """A public project: its headline data, parties, outcome metrics and prices, results,
    payments, investments, delivery locations, sources and documents (public rows only)."""
    detail = selectors.project_detail(indigo_id)
    if detail is None:
        raise Http404(_("no public project %(id)s") % {"id": indigo_id})
    detail["id"] = detail.pop("indigo_id")
    return detail


@router.get(
    "/organisations",
    response={200: list[ImpactBondRef], **READ_ERRORS},
    operation_id="listImpactBondOrganisations",
)
def list_organisations(
    request, q: str = "", limit: int = Query(100, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0)
):
    """Public organisations, by INDIGO id; ``q`` searches their names."""
    qs = m.Organisation.objects.filter(status=m.Status.PUBLIC).order_by("indigo_id")
    if q:
        qs = qs.filter(name__icontains=q)
    return [{"id": o.indigo_id, "name": o.name} for o in qs[offset : offset + limit]]


@router.get(
    "/organisations/{indigo_id}",
    response={200: ImpactBondOrganisationOut, **READ_ERRORS},
    operation_id="getImpactBondOrganisation",
)
def get_organisation(request, indigo_id: str):
    """A public organisation and its roles across the public projects."""
    detail = selectors.organisation_detail(indigo_id)
    if detail is None:
        raise Http404(_("no public organisation %(id)s") % {"id": indigo_id})
    return detail


@router.get(
    "/funds", response={200: list[ImpactBondRef], **READ_ERRORS}, operation_id="listImpactBondFunds"
)
def list_funds(request):
    return [
        {"id": f.indigo_id, "name": f.name}
        for f in m.Fund.objects.filter(status=m.Status.PUBLIC).order_by("indigo_id")
    ]


@router.get(
    "/funds/{indigo_id}",
    response={200: ImpactBondFundOut, **READ_ERRORS},
    operation_id="getImpactBondFund",
)
def get_fund(request, indigo_id: str):
    """A public outcome fund and the public projects it pays for."""
    detail = selectors.fund_detail(indigo_id)
    if detail is None:
        raise Http404(_("no public fund %(id)s") % {"id": indigo_id})
    return detail


@router.get(
    "/stats", response={200: ImpactBondStats, **READ_ERRORS}, operation_id="getImpactBondStats"
)
def get_stats(request, as_of: date | None = None):
    """The headline figures by GO Lab's rules (docs/reference/impact-bond-stats.md): with
    ``as_of``, only projects launched on or before that date."""
    figures = selectors.headline(as_of=as_of)
    return {**figures, "headline": headline_sentence(figures)}
