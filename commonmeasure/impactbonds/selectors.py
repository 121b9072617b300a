"""Reads of the impact bond database. Everything here is public unless a function says otherwise:
only PUBLIC projects, and typed fields, which hold the public view of each row."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from . import figures
from . import models as m


def public_projects():
    return m.Project.objects.filter(status=m.Status.PUBLIC)


def headline_facts() -> list[figures.ProjectFacts]:
    countries: dict[int, set[str]] = defaultdict(set)
    for project_id, country in (m.DeliveryLocation.objects.filter(status=m.Status.PUBLIC, project__status=m.Status.PUBLIC)
                                .exclude(country="").values_list("project_id", "country")):
        countries[project_id].add(country)
    facts = []
    for p in public_projects().only(
        "indigo_id", "stage", "launch_date", "actual_service_users", "targeted_service_users", "jurisdiction",
        "investment_usd_exact", "investment_usd_min", "investment_exact", "investment_min", "investment_max",
    ):
        place = countries.get(p.pk, set()) | ({p.jurisdiction} if p.jurisdiction else set())
        facts.append(figures.ProjectFacts(
            indigo_id=p.indigo_id, stage=p.stage, launch=p.launch_date,
            actual_users=p.actual_service_users, targeted_users=p.targeted_service_users,
            usd_exact=p.investment_usd_exact, usd_min=p.investment_usd_min,
            local_amounts=(p.investment_exact, p.investment_min, p.investment_max),
            countries=frozenset(place),
        ))
    return facts


def headline(as_of: date | None = None, explain: bool = False) -> dict:
    """The headline figures (figures.headline) for the public projects loaded."""
    return figures.headline(headline_facts(), as_of=as_of, explain=explain)
