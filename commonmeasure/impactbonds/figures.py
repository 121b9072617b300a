"""Headline figures of the impact bond database, by GO Lab's rules. Pure Python: takes plain
project facts, returns plain values (selectors.headline_facts builds the facts from the database).

The rules (docs/reference/impact-bond-stats.md):
- Count projects at stage Contracted, Implementation, Service delivery complete or Complete.
- With an as-of date, count only those launched on or before it. The launch date is the earliest
  of outcomes contract signed, all contracts signed and start of service provision; a partial
  date counts as its first day. A project with none of the three dates is not counted.
- Service users: the actual number engaged where given, else the targeted number.
- Capital raised: the total investment commitment in USD, the exact amount where given, else the
  minimum. A project with no such USD amount but an amount in its own currency (exact, minimum
  or maximum) is counted in capital_unconverted_projects.
- A project's countries are its delivery-location countries plus its jurisdiction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import ngettext

COUNTED_STAGES = ("Contracted", "Implementation", "Service delivery complete", "Complete")


@dataclass(frozen=True)
class ProjectFacts:
    indigo_id: str
    stage: str
    launch: date | None = None
    actual_users: int | None = None
    targeted_users: int | None = None
    usd_exact: Decimal | None = None
    usd_min: Decimal | None = None
    local_amounts: tuple[Decimal | None, ...] = ()  # exact, min, max in the project's own currency
    countries: frozenset[str] = field(default_factory=frozenset)


def is_counted(p: ProjectFacts, as_of: date | None) -> bool:
    if p.stage not in COUNTED_STAGES:
        return False
    return as_of is None or (p.launch is not None and p.launch <= as_of)


def service_users(p: ProjectFacts) -> tuple[int | None, str]:
    if p.actual_users is not None:
        return p.actual_users, "actual"
    if p.targeted_users is not None:
        return p.targeted_users, "targeted"
    return None, ""


def capital_usd(p: ProjectFacts) -> tuple[Decimal | None, str]:
    if p.usd_exact is not None:
        return p.usd_exact, "exact"
    if p.usd_min is not None:
        return p.usd_min, "minimum"
    if any(a is not None for a in p.local_amounts):
        return None, "unconverted"
    return None, ""


def headline(
    projects: list[ProjectFacts], as_of: date | None = None, explain: bool = False
) -> dict:
    counted = sorted((p for p in projects if is_counted(p, as_of)), key=lambda p: p.indigo_id)
    users_total, users_projects = 0, 0
    capital_total, capital_projects, unconverted = Decimal(0), 0, 0
    countries: Counter[str] = Counter()
    lines = []
    for p in counted:
        users, users_from = service_users(p)
        if users is not None:
            users_total += users
            users_projects += 1
        capital, capital_from = capital_usd(p)
        if capital is not None:
            capital_total += capital
            capital_projects += 1
        elif capital_from == "unconverted":
            unconverted += 1
        countries.update(p.countries)
        if explain:
            lines.append(
                {
                    "id": p.indigo_id,
                    "stage": p.stage,
                    "launch": p.launch.isoformat() if p.launch else None,
                    "service_users": users,
                    "service_users_from": users_from,
                    "capital_usd": None if capital is None else str(capital),
                    "capital_from": capital_from,
                    "countries": sorted(p.countries),
                }
            )
    result = {
        "as_of": as_of.isoformat() if as_of else None,
        "impact_bonds": len(counted),
        "service_users": users_total,
        "service_users_projects": users_projects,
        "capital_raised_usd": str(capital_total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        "capital_projects": capital_projects,
        "capital_unconverted_projects": unconverted,
        "by_country": dict(sorted(countries.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
    if explain:
        result["projects"] = lines
    return result


def headline_sentence(figures: dict) -> str:
    """'12 impact bonds around the world supporting 7,654 service users, with $41.2m capital raised'."""
    capital = Decimal(figures["capital_raised_usd"])
    money = f"${capital / Decimal(1_000_000):,.1f}m" if capital >= 1_000_000 else f"${capital:,.0f}"
    return ngettext(
        "%(n)s impact bond around the world supporting %(users)s service users, "
        "with %(money)s capital raised",
        "%(n)s impact bonds around the world supporting %(users)s service users, "
        "with %(money)s capital raised",
        figures["impact_bonds"],
    ) % {
        "n": f"{figures['impact_bonds']:,}",
        "users": f"{figures['service_users']:,}",
        "money": money,
    }
