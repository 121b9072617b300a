"""Reads of the impact bond database. Everything here is public unless a function says otherwise:
only PUBLIC projects, and typed fields, which hold the public view of each row."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from . import figures
from . import models as m


def public_projects():
    return m.Project.objects.filter(status=m.Status.PUBLIC)


def headline_facts() -> list[figures.ProjectFacts]:
    countries: dict[int, set[str]] = defaultdict(set)
    for project_id, country in (
        m.DeliveryLocation.objects.filter(status=m.Status.PUBLIC, project__status=m.Status.PUBLIC)
        .exclude(country="")
        .values_list("project_id", "country")
    ):
        countries[project_id].add(country)
    facts = []
    for p in public_projects().only(
        "indigo_id",
        "stage",
        "launch_date",
        "actual_service_users",
        "targeted_service_users",
        "jurisdiction",
        "investment_usd_exact",
        "investment_usd_min",
        "investment_exact",
        "investment_min",
        "investment_max",
    ):
        place = countries.get(p.pk, set()) | ({p.jurisdiction} if p.jurisdiction else set())
        facts.append(
            figures.ProjectFacts(
                indigo_id=p.indigo_id,
                stage=p.stage,
                launch=p.launch_date,
                actual_users=p.actual_service_users,
                targeted_users=p.targeted_service_users,
                usd_exact=p.investment_usd_exact,
                usd_min=p.investment_usd_min,
                local_amounts=(p.investment_exact, p.investment_min, p.investment_max),
                countries=frozenset(place),
            )
        )
    return facts


def headline(as_of: date | None = None, explain: bool = False) -> dict:
    """The headline figures (figures.headline) for the public projects loaded."""
    return figures.headline(headline_facts(), as_of=as_of, explain=explain)


# -- directory and detail reads (the JSON API; the public pages can use the same) -----------------

PROJECT_FIELDS = (
    "indigo_id",
    "name",
    "kind",
    "stage",
    "policy_sector",
    "primary_sdg_goal",
    "sdg_goals",
    "jurisdiction",
    "outcomes_contract_signed",
    "all_contracts_signed",
    "service_start",
    "service_end_anticipated",
    "service_end_actual",
    "launch_date",
    "target_population",
    "targeted_service_users",
    "actual_service_users",
    "investment_currency",
    "investment_min",
    "investment_exact",
    "investment_max",
    "investment_usd_min",
    "investment_usd_exact",
    "investment_usd_max",
    "max_outcome_payment_currency",
    "max_outcome_payment",
    "max_outcome_payment_usd",
)


def find_projects(
    *,
    country: str = "",
    stage: str = "",
    sector: str = "",
    sdg: int | None = None,
    launch_year: int | None = None,
    q: str = "",
):
    """Public projects matching every filter given, by INDIGO id. ``country`` matches a
    delivery-location country or the jurisdiction (as the headline figures count countries)."""
    qs = public_projects()
    if country:
        located = m.DeliveryLocation.objects.filter(
            country=country.upper(), status=m.Status.PUBLIC
        ).values("project_id")
        qs = qs.filter(Q(jurisdiction=country.upper()) | Q(pk__in=located))
    if stage:
        qs = qs.filter(stage__iexact=stage)
    if sector:
        qs = qs.filter(policy_sector__iexact=sector)
    if launch_year:
        qs = qs.filter(launch_date__year=launch_year)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(indigo_id__icontains=q))
    if sdg is not None:  # JSON containment is not portable to SQLite: filter the few ids in Python
        qs = qs.filter(
            pk__in=[pk for pk, goals in qs.values_list("pk", "sdg_goals") if sdg in (goals or [])]
        )
    return qs.order_by("indigo_id")


def plain(value):
    """A stored amount without the trailing zeros of its column's scale: 1100000.00000000 -> 1100000."""
    if isinstance(value, Decimal):
        return Decimal(format(value.normalize(), "f"))
    return value


def _org_ref(org: m.Organisation | None) -> dict | None:
    if org is None or not org.is_public:
        return None
    return {"id": org.indigo_id, "name": org.name}


def _rows(model, project, fields: tuple[str, ...], refs: tuple[str, ...] = ()) -> list[dict]:
    rows = (
        model.objects.filter(project=project, status=m.Status.PUBLIC)
        .select_related(*refs)
        .defer("cells", *(f"{r}__cells" for r in refs))
        .order_by("position")
    )
    out = []
    for row in rows:
        item = {f: plain(getattr(row, f)) for f in fields}
        item.update({r: _org_ref(getattr(row, r)) for r in refs})
        out.append(item)
    return out


def project_detail(indigo_id: str) -> dict | None:
    """A public project with its public rows; None when there is no such public project."""
    project = public_projects().filter(indigo_id=indigo_id).defer("cells").first()
    if project is None:
        return None
    parties = (
        m.ProjectParty.objects.filter(project=project, organisation__status=m.Status.PUBLIC)
        .select_related("organisation")
        .defer("organisation__cells")
        .order_by("role", "organisation__indigo_id")
    )
    funds = (
        m.ProjectFund.objects.filter(
            project=project, status=m.Status.PUBLIC, fund__status=m.Status.PUBLIC
        )
        .select_related("fund")
        .defer("cells", "fund__cells")
        .order_by("position")
    )
    return {
        **{f: plain(getattr(project, f)) for f in PROJECT_FIELDS},
        "parties": [{"organisation": _org_ref(p.organisation), "role": p.role} for p in parties],
        "outcome_funds": [{"id": f.fund.indigo_id, "name": f.fund.name} for f in funds],
        "delivery_locations": _rows(m.DeliveryLocation, project, ("name", "country", "lat", "lng")),
        "outcome_metrics": _rows(
            m.OutcomeMetric,
            project,
            ("metric_id", "definition", "policy_sector", "targeted_number"),
        ),
        "outcome_pricings": _rows(
            m.OutcomePricing, project, ("metric_id", "currency", "price", "price_usd")
        ),
        "results": _rows(
            m.Result,
            project,
            (
                "metric_id",
                "period_start",
                "period_end",
                "outcomes_achieved",
                "number_engaged",
                "number_positive",
            ),
        ),
        "outcome_payments": _rows(
            m.OutcomePayment,
            project,
            (
                "metric_id",
                "payment_type",
                "period_start",
                "period_end",
                "currency",
                "amount",
                "amount_usd",
            ),
            ("payer", "recipient"),
        ),
        "investments": _rows(
            m.Investment,
            project,
            (
                "role_category",
                "currency",
                "amount_min",
                "amount_exact",
                "amount_max",
                "amount_usd_min",
                "amount_usd_exact",
                "amount_usd_max",
            ),
            ("organisation",),
        ),
        "sources": _rows(m.Source, project, ("item_id", "name", "source_type", "url")),
        "documents": _rows(m.Document, project, ("title", "url")),
    }


def organisation_detail(indigo_id: str) -> dict | None:
    """A public organisation and its roles across public projects."""
    org = m.Organisation.objects.filter(indigo_id=indigo_id, status=m.Status.PUBLIC).first()
    if org is None:
        return None
    roles = (
        m.ProjectParty.objects.filter(organisation=org, project__status=m.Status.PUBLIC)
        .select_related("project")
        .order_by("project__indigo_id", "role")
    )
    return {
        "id": org.indigo_id,
        "name": org.name,
        "org_type": org.org_type,
        "country": org.country,
        "jurisdiction": org.jurisdiction,
        "roles": [
            {"project": {"id": r.project.indigo_id, "name": r.project.name}, "role": r.role}
            for r in roles
        ],
    }


def fund_detail(indigo_id: str) -> dict | None:
    fund = m.Fund.objects.filter(indigo_id=indigo_id, status=m.Status.PUBLIC).first()
    if fund is None:
        return None
    links = (
        m.ProjectFund.objects.filter(
            fund=fund, status=m.Status.PUBLIC, project__status=m.Status.PUBLIC
        )
        .select_related("project")
        .order_by("project__indigo_id")
    )
    return {
        "id": fund.indigo_id,
        "name": fund.name,
        "country": fund.country,
        "projects": [{"id": link.project.indigo_id, "name": link.project.name} for link in links],
    }


# -- reads for the public web pages (commonmeasure/impactbonds/views*.py) ------------------------


def directory_rows(indigo_ids=None) -> list[dict]:
    """Every public project (or those of ``indigo_ids``) as one flat row, with the figures the
    headline rules give it (service users: actual else targeted; capital: USD exact else minimum)
    and its countries (public delivery locations plus jurisdiction). Two queries, whatever the
    number of projects."""
    projects = public_projects()
    if indigo_ids is not None:
        projects = projects.filter(indigo_id__in=list(indigo_ids))
    locations: dict[int, list[str]] = defaultdict(list)
    for project_id, country in (
        m.DeliveryLocation.objects.filter(status=m.Status.PUBLIC, project__in=projects.values("pk"))
        .exclude(country="")
        .values_list("project_id", "country")
    ):
        locations[project_id].append(country)
    rows = []
    for p in projects.order_by("indigo_id").values(
        "pk",
        "indigo_id",
        "name",
        "stage",
        "policy_sector",
        "sdg_goals",
        "jurisdiction",
        "launch_date",
        "actual_service_users",
        "targeted_service_users",
        "investment_usd_exact",
        "investment_usd_min",
        "investment_exact",
        "investment_min",
        "investment_max",
        "investment_currency",
    ):
        countries = set(locations.get(p["pk"], [])) | (
            {p["jurisdiction"]} if p["jurisdiction"] else set()
        )
        facts = figures.ProjectFacts(
            indigo_id=p["indigo_id"],
            stage=p["stage"],
            launch=p["launch_date"],
            actual_users=p["actual_service_users"],
            targeted_users=p["targeted_service_users"],
            usd_exact=p["investment_usd_exact"],
            usd_min=p["investment_usd_min"],
            local_amounts=(p["investment_exact"], p["investment_min"], p["investment_max"]),
            countries=frozenset(countries),
        )
        users, users_from = figures.service_users(facts)
        capital, capital_from = figures.capital_usd(facts)
        rows.append(
            {
                "id": p["indigo_id"],
                "name": p["name"],
                "stage": p["stage"],
                "sector": p["policy_sector"],
                "sdg_goals": list(p["sdg_goals"] or []),
                "jurisdiction": p["jurisdiction"],
                "launch_date": p["launch_date"],
                "launch_year": p["launch_date"].year if p["launch_date"] else None,
                "countries": sorted(countries),
                "service_users": users,
                "service_users_from": users_from,
                "capital_usd": plain(capital),
                "capital_from": capital_from,
                "currency": p["investment_currency"],
                "facts": facts,
            }
        )
    return rows


def search_project_ids(text: str) -> set[str]:
    """The public projects in which every word of ``text`` appears (ignoring case) in the name,
    the INDIGO id, the name of a public delivery location or the name of a public party."""
    qs = public_projects()
    for word in text.split():
        located = m.DeliveryLocation.objects.filter(
            project=OuterRef("pk"), status=m.Status.PUBLIC, name__icontains=word
        )
        party = m.ProjectParty.objects.filter(
            project=OuterRef("pk"),
            organisation__status=m.Status.PUBLIC,
            organisation__name__icontains=word,
        )
        qs = qs.filter(
            Q(name__icontains=word) | Q(indigo_id__icontains=word) | Exists(located) | Exists(party)
        )
    return set(qs.values_list("indigo_id", flat=True))


def delivery_points(indigo_ids=None) -> list[dict]:
    """Public delivery locations of public projects that have coordinates, by project then position."""
    qs = m.DeliveryLocation.objects.filter(
        status=m.Status.PUBLIC,
        project__status=m.Status.PUBLIC,
        lat__isnull=False,
        lng__isnull=False,
    ).order_by("project__indigo_id", "position")
    if indigo_ids is not None:
        qs = qs.filter(project__indigo_id__in=list(indigo_ids))
    return [
        {
            "project": pid,
            "project_name": pname,
            "name": name,
            "country": country,
            "lat": lat,
            "lng": lng,
        }
        for pid, pname, name, country, lat, lng in qs.values_list(
            "project__indigo_id", "project__name", "name", "country", "lat", "lng"
        )
    ]


def parties_with_types(indigo_ids) -> dict[str, list[dict]]:
    """The public parties of these public projects with their organisation type:
    {project id: [{"id", "name", "org_type", "role"}, ...]} by role then organisation id."""
    out: dict[str, list[dict]] = defaultdict(list)
    for pid, oid, name, org_type, role in (
        m.ProjectParty.objects.filter(
            project__indigo_id__in=list(indigo_ids),
            project__status=m.Status.PUBLIC,
            organisation__status=m.Status.PUBLIC,
        )
        .order_by("project__indigo_id", "role", "organisation__indigo_id")
        .values_list(
            "project__indigo_id",
            "organisation__indigo_id",
            "organisation__name",
            "organisation__org_type",
            "role",
        )
    ):
        out[pid].append({"id": oid, "name": name, "org_type": org_type, "role": role})
    return dict(out)


def public_organisations(q: str = "", role: str = ""):
    """Public organisations by name, optionally those whose name or id contains ``q`` and those
    holding ``role`` in a public project."""
    qs = m.Organisation.objects.filter(status=m.Status.PUBLIC)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(indigo_id__icontains=q))
    if role:
        qs = qs.filter(
            Exists(
                m.ProjectParty.objects.filter(
                    organisation=OuterRef("pk"), role=role, project__status=m.Status.PUBLIC
                )
            )
        )
    return qs.order_by("name", "indigo_id")


def organisation_roles(organisation_pks) -> dict[int, dict]:
    """{organisation pk: {"roles": {role: number of public projects}, "projects": number of
    public projects}} for these organisations."""
    held: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for org_id, role, project_id in m.ProjectParty.objects.filter(
        organisation_id__in=list(organisation_pks), project__status=m.Status.PUBLIC
    ).values_list("organisation_id", "role", "project_id"):
        held[org_id][role].add(project_id)
    return {
        org_id: {
            "roles": {role: len(ids) for role, ids in roles.items()},
            "projects": len(set().union(*roles.values())),
        }
        for org_id, roles in held.items()
    }


def comparison_details(indigo_ids) -> dict[str, dict]:
    """What the comparison page shows of these public projects, in a few queries whatever their
    number: the project fields, and lists of their public ``outcome_metrics`` (metric ids),
    ``outcome_pricings`` (price_usd), ``results`` (number_engaged, number_positive) and
    ``outcome_payments`` (payment_type, currency, amount, amount_usd)."""
    ids = list(indigo_ids)
    out = {
        p["indigo_id"]: {
            **p,
            "outcome_metrics": [],
            "outcome_pricings": [],
            "results": [],
            "outcome_payments": [],
        }
        for p in public_projects().filter(indigo_id__in=ids).values(*PROJECT_FIELDS)
    }
    reads = [
        ("outcome_metrics", m.OutcomeMetric, ("metric_id",)),
        ("outcome_pricings", m.OutcomePricing, ("price_usd",)),
        ("results", m.Result, ("number_engaged", "number_positive")),
        (
            "outcome_payments",
            m.OutcomePayment,
            ("payment_type", "currency", "amount", "amount_usd"),
        ),
    ]
    for key, model, fields in reads:
        for row in (
            model.objects.filter(
                project__indigo_id__in=list(out),
                project__status=m.Status.PUBLIC,
                status=m.Status.PUBLIC,
            )
            .order_by("project_id", "position")
            .values("project__indigo_id", *fields)
        ):
            out[row.pop("project__indigo_id")][key].append(row)
    return out
