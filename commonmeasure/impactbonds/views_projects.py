"""Public pages of one impact bond, one organisation, one outcome fund, the organisation list,
and the side-by-side comparison of projects the reader picks.

Everything comes from ``selectors``: public projects, rows, organisations and fields only; a
project, organisation or fund that is not public answers 404, as if it did not exist.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from . import charts, selectors
from .charts import country_name, sdg_label
from .views_common import (
    ROLE_LABELS,
    ROLE_ORDER,
    ROLE_PLURALS,
    countries_text,
    directory_url,
    long_date,
    money,
    number,
    organisation_url,
    partial_date,
    period,
    project_url,
    safe_url,
    stage_label,
    usd,
    usd_exact,
    usd_short,
)

COMPARE_MAX = 6


def _row_of(indigo_id: str) -> dict | None:
    return next(iter(selectors.directory_rows([indigo_id])), None)


def _parties_by_role(parties: list[dict]) -> list[dict]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for p in parties:
        grouped[p["role"]].append({**p, "url": organisation_url(p["id"])})
    return [
        {
            "role": role,
            "label": ROLE_PLURALS[role],
            "organisations": sorted(grouped[role], key=lambda o: o["name"].casefold()),
        }
        for role in ROLE_ORDER
        if grouped.get(role)
    ]


def _range(low, exact, high, fmt) -> str:
    if exact is not None:
        return fmt(exact)
    if low is not None and high is not None:
        return f"{fmt(low)} – {fmt(high)}"
    if low is not None:
        return _("at least %(amount)s") % {"amount": fmt(low)}
    if high is not None:
        return _("up to %(amount)s") % {"amount": fmt(high)}
    return "–"


def _payment_totals(payments: list[dict]) -> list[dict]:
    """Sums of outcome payments by type (Actual, Planned) and currency, with the USD sum when
    every payment of the group has a USD amount."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for p in payments:
        if p["amount"] is not None or p["amount_usd"] is not None:
            groups[(p["payment_type"] or _("Type not given"), p["currency"])].append(p)
    out = []
    for (kind, currency), items in sorted(groups.items()):
        local = sum((p["amount"] for p in items if p["amount"] is not None), Decimal(0))
        in_usd = (
            sum((p["amount_usd"] for p in items), Decimal(0))
            if all(p["amount_usd"] is not None for p in items)
            else None
        )
        out.append(
            {
                "type": kind,
                "currency": currency,
                "payments": len(items),
                "total": money(local, currency),
                "total_usd": usd(in_usd) if in_usd is not None else "",
            }
        )
    return out


def project(request, indigo_id: str):
    detail = selectors.project_detail(indigo_id)
    row = _row_of(indigo_id)
    if detail is None or row is None:
        raise Http404(_("No public impact bond with this id."))
    parties = selectors.parties_with_types([indigo_id]).get(indigo_id, [])
    metrics = {m["metric_id"]: m for m in detail["outcome_metrics"] if m["metric_id"]}
    prices: dict[str, list[dict]] = defaultdict(list)
    for p in detail["outcome_pricings"]:
        prices[p["metric_id"]].append(
            {
                "price": money(p["price"], p["currency"]),
                "price_usd": usd_exact(p["price_usd"]) if p["price_usd"] is not None else "",
            }
        )
    metric_rows = [
        {
            **m,
            "name": _metric_name(m),
            "detail": _metric_detail(m),
            "targeted": number(m["targeted_number"]),
            "prices": prices.get(m["metric_id"], []),
        }
        for m in detail["outcome_metrics"]
    ]
    unmatched_prices = [
        {"metric_id": key, "prices": value} for key, value in prices.items() if key not in metrics
    ]
    points = [{**p, "href": None} for p in selectors.delivery_points([indigo_id])]
    countries = [
        {"code": c, "name": country_name(c), "projects": 1, "href": directory_url(country=c)}
        for c in row["countries"]
    ]
    payments = [
        {
            **p,
            "when": period(p["period_start"], p["period_end"]),
            "amount_text": money(p["amount"], p["currency"]),
            "amount_usd_text": usd(p["amount_usd"]) if p["amount_usd"] is not None else "",
            "payer_url": organisation_url(p["payer"]["id"]) if p["payer"] else "",
            "recipient_url": organisation_url(p["recipient"]["id"]) if p["recipient"] else "",
        }
        for p in detail["outcome_payments"]
    ]
    context = {
        "p": detail,
        "row": row,
        "countries_text": countries_text(row["countries"]),
        "stage_label": stage_label(detail["stage"]),
        "sdgs": [sdg_label(g) for g in detail["sdg_goals"]],
        "facts": [
            (_("Stage"), stage_label(detail["stage"])),
            (_("Policy sector"), detail["policy_sector"] or "–"),
            (_("Launched"), long_date(detail["launch_date"])),
            (_("Outcomes contract signed"), partial_date(detail["outcomes_contract_signed"])),
            (
                _("Service provision"),
                period(
                    detail["service_start"],
                    detail["service_end_actual"] or detail["service_end_anticipated"],
                )
                + (
                    " " + _("(anticipated end)")
                    if detail["service_end_anticipated"] and not detail["service_end_actual"]
                    else ""
                ),
            ),
        ],
        "size": [
            {
                "label": _("Service users"),
                "value": number(row["service_users"]) if row["service_users"] is not None else "–",
                "note": {
                    "actual": _("actual number engaged"),
                    "targeted": _("targeted number"),
                }.get(row["service_users_from"], _("not given")),
            },
            {
                "label": _("Capital raised"),
                "value": usd_short(row["capital_usd"]) if row["capital_usd"] is not None else "–",
                "note": _capital_note(detail, row),
            },
            {
                "label": _("Maximum outcome payments"),
                "value": usd_short(detail["max_outcome_payment_usd"])
                if detail["max_outcome_payment_usd"] is not None
                else money(detail["max_outcome_payment"], detail["max_outcome_payment_currency"]),
                "note": _max_payment_note(detail),
            },
        ],
        "roles": _parties_by_role(parties),
        "metrics": metric_rows,
        "unmatched_prices": unmatched_prices,
        "results": [
            {
                **r,
                "metric": _metric_name(metrics[r["metric_id"]])
                if r["metric_id"] in metrics
                else r["metric_id"],
                "when": period(r["period_start"], r["period_end"]),
                "engaged": number(r["number_engaged"]),
                "positive": number(r["number_positive"]),
            }
            for r in detail["results"]
        ],
        "payments": payments,
        "payment_totals": _payment_totals(detail["outcome_payments"]),
        "investments": [
            {
                **i,
                "amount": _range(
                    i["amount_min"],
                    i["amount_exact"],
                    i["amount_max"],
                    lambda v, c=i["currency"]: money(v, c),
                ),
                "amount_usd": _range(
                    i["amount_usd_min"], i["amount_usd_exact"], i["amount_usd_max"], usd
                ),
                "url": organisation_url(i["organisation"]["id"]) if i["organisation"] else "",
            }
            for i in detail["investments"]
        ],
        "sources": [
            {**s, "href": safe_url(s["url"]) or safe_url(s["name"])} for s in detail["sources"]
        ],
        "documents": [{**d, "href": safe_url(d["url"])} for d in detail["documents"]],
        "locations": detail["delivery_locations"],
        "map_spec": charts.world_map(
            countries,
            points,
            shapes_url=static("impactbonds/countries-110m.json"),
            legend=False,
            height=300,
            focus=True,
        )
        if detail["delivery_locations"] or row["countries"]
        else None,
    }
    return render(request, "impactbonds/project.html", context)


def _metric_name(m: dict) -> str:
    return (m["definition"].splitlines() or [m["metric_id"]])[0].strip() or m["metric_id"]


def _metric_detail(m: dict) -> str:
    return "\n".join(m["definition"].splitlines()[1:]).strip()


def _max_payment_note(detail: dict) -> str:
    if detail["max_outcome_payment_usd"] is not None:
        own = money(detail["max_outcome_payment"], detail["max_outcome_payment_currency"])
        return (
            _("maximum potential, in USD; %(amount)s") % {"amount": own}
            if detail["max_outcome_payment"] is not None
            else _("maximum potential, in USD")
        )
    return (
        _("maximum potential, in its own currency")
        if detail["max_outcome_payment"] is not None
        else _("not given")
    )


def _capital_note(detail: dict, row: dict) -> str:
    if row["capital_from"] == "exact":
        return _("total investment commitment, exact")
    if row["capital_from"] == "minimum":
        return _("total investment commitment, minimum given")
    local = _range(
        detail["investment_min"],
        detail["investment_exact"],
        detail["investment_max"],
        lambda v: money(v, detail["investment_currency"]),
    )
    if row["capital_from"] == "unconverted":
        return _("%(amount)s, not converted to USD") % {"amount": local}
    return _("not given")


def organisation(request, indigo_id: str):
    detail = selectors.organisation_detail(indigo_id)
    if detail is None:
        raise Http404(_("No public organisation with this id."))
    rows = {
        r["id"]: r
        for r in selectors.directory_rows({role["project"]["id"] for role in detail["roles"]})
    }
    by_project: dict[str, list[str]] = defaultdict(list)
    for role in detail["roles"]:
        by_project[role["project"]["id"]].append(role["role"])
    projects = []
    for pid, roles in by_project.items():
        r = rows.get(pid)
        if r is None:
            continue
        projects.append(
            {
                "id": pid,
                "name": r["name"] or pid,
                "url": project_url(pid),
                "stage": r["stage"] or "–",
                "stage_label": stage_label(r["stage"]),
                "sector": r["sector"] or "–",
                "countries": countries_text(r["countries"]),
                "launched": r["launch_year"] or "–",
                "roles": [ROLE_LABELS[x] for x in ROLE_ORDER if x in roles],
            }
        )
    projects.sort(key=lambda p: (p["name"].casefold(), p["id"]))
    summary = Counter(role["role"] for role in detail["roles"] if role["project"]["id"] in rows)
    context = {
        "org": detail,
        "projects": projects,
        "country": country_name(detail["country"]) if detail["country"] else "",
        "summary": [
            {"count": summary[r], "role": ROLE_LABELS[r]} for r in ROLE_ORDER if summary.get(r)
        ],
    }
    return render(request, "impactbonds/organisation.html", context)


def organisations(request):
    q = " ".join(request.GET.get("q", "").split())[:200]
    role = request.GET.get("role", "")
    if role not in ROLE_LABELS:
        role = ""
    page = Paginator(
        selectors.public_organisations(q, role).values(
            "pk", "indigo_id", "name", "org_type", "country"
        ),
        100,
    ).get_page(request.GET.get("page"))
    roles = selectors.organisation_roles([o["pk"] for o in page.object_list])
    items = []
    for o in page.object_list:
        held = roles.get(o["pk"], {"roles": {}, "projects": 0})
        items.append(
            {
                "id": o["indigo_id"],
                "name": o["name"],
                "org_type": o["org_type"],
                "url": organisation_url(o["indigo_id"]),
                "country_name": country_name(o["country"]) if o["country"] else "–",
                "projects": held["projects"],
                "role_list": [
                    (ROLE_LABELS[x], held["roles"][x]) for x in ROLE_ORDER if held["roles"].get(x)
                ],
            }
        )
    base = {"q": q, "role": role}
    context = {
        "q": q,
        "role": role,
        "roles": [(r.value, ROLE_PLURALS[r.value]) for r in ROLE_ORDER],
        "count": page.paginator.count,
        "page": page,
        "items": items,
        "previous": _query(base, page.previous_page_number()) if page.has_previous() else "",
        "next": _query(base, page.next_page_number()) if page.has_next() else "",
    }
    return render(request, "impactbonds/organisations.html", context)


def _query(params: dict, page: int) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode({**{k: v for k, v in params.items() if v}, "page": page})


def fund(request, indigo_id: str):
    detail = selectors.fund_detail(indigo_id)
    if detail is None:
        raise Http404(_("No public outcome fund with this id."))
    return render(
        request,
        "impactbonds/fund.html",
        {
            "fund": detail,
            "country": country_name(detail["country"]) if detail["country"] else "",
            "projects": [{**p, "url": project_url(p["id"])} for p in detail["projects"]],
        },
    )


# -- comparison ------------------------------------------------------------------------------


def compare(request):
    wanted = list(dict.fromkeys(i.strip()[:64] for i in request.GET.getlist("p") if i.strip()))[:50]
    rows = {r["id"]: r for r in selectors.directory_rows(wanted)}
    problems = []
    unknown = [i for i in wanted if i not in rows]
    if unknown:
        problems.append(
            _("No public impact bond with the id %(ids)s.")
            % {"ids": ", ".join(u[:40] for u in unknown)}
        )
    chosen = [i for i in wanted if i in rows]
    if len(chosen) > COMPARE_MAX:
        problems.append(
            _("At most %(n)s impact bonds can be compared side by side; showing the first %(n)s.")
            % {"n": COMPARE_MAX}
        )
        chosen = chosen[:COMPARE_MAX]
    parties = selectors.parties_with_types(chosen)
    details = selectors.comparison_details(chosen)
    columns = [_compare_column(rows[i], details[i], parties.get(i, []), chosen) for i in chosen]
    choices = sorted(
        (
            (pid, _shorten(name or pid, 90))
            for pid, name in selectors.public_projects().values_list("indigo_id", "name")
            if pid not in chosen
        ),
        key=lambda c: c[1].casefold(),
    )
    context = {
        "columns": columns,
        "chosen": chosen,
        "problems": problems,
        "choices": choices,
        "full": len(chosen) >= COMPARE_MAX,
        "sections": _compare_sections(columns),
    }
    return render(request, "impactbonds/compare.html", context)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _by_type(parties: list[dict], role: str) -> list[dict]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for p in parties:
        if p["role"] == role:
            grouped[p["org_type"] or _("Type not given")].append(
                {"name": p["name"], "url": organisation_url(p["id"])}
            )
    return [
        {"type": t, "organisations": sorted(orgs, key=lambda o: o["name"].casefold())}
        for t, orgs in sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


def _compare_column(row: dict, d: dict, parties: list[dict], chosen: list[str]) -> dict:
    from urllib.parse import urlencode

    others = [i for i in chosen if i != row["id"]]
    prices_usd = [p["price_usd"] for p in d["outcome_pricings"] if p["price_usd"] is not None]
    positive = [r["number_positive"] for r in d["results"] if r["number_positive"] is not None]
    engaged = [r["number_engaged"] for r in d["results"] if r["number_engaged"] is not None]
    return {
        "id": row["id"],
        "name": row["name"] or row["id"],
        "url": project_url(row["id"]),
        "remove": "?" + urlencode([("p", i) for i in others]) if others else "?",
        "country": countries_text(row["countries"]),
        "sector": row["sector"] or "–",
        "stage": stage_label(row["stage"]),
        "launched": long_date(row["launch_date"]),
        "service": period(
            d["service_start"], d["service_end_actual"] or d["service_end_anticipated"]
        ),
        "population": d["target_population"] or "–",
        "users": (
            number(row["service_users"])
            + " ({})".format(
                {"actual": _("actual"), "targeted": _("targeted")}.get(
                    row["service_users_from"], row["service_users_from"]
                )
            )
        )
        if row["service_users"] is not None
        else "–",
        "capital": (
            usd(row["capital_usd"])
            + (" " + _("(minimum)") if row["capital_from"] == "minimum" else "")
        )
        if row["capital_usd"] is not None
        else (
            _("own currency only: %(amount)s")
            % {
                "amount": _range(
                    d["investment_min"],
                    d["investment_exact"],
                    d["investment_max"],
                    lambda v: money(v, d["investment_currency"]),
                )
            }
            if row["capital_from"] == "unconverted"
            else "–"
        ),
        "max_payment": usd(d["max_outcome_payment_usd"])
        if d["max_outcome_payment_usd"] is not None
        else money(d["max_outcome_payment"], d["max_outcome_payment_currency"]),
        "metrics": number(len(d["outcome_metrics"])),
        "prices": (
            f"{usd(min(prices_usd))} – {usd(max(prices_usd))}"
            if len(prices_usd) > 1
            else usd(prices_usd[0])
        )
        if prices_usd
        else "–",
        "payment_totals": _payment_totals(d["outcome_payments"]),
        "payers": _by_type(parties, "outcome_payer"),
        "investors": _by_type(parties, "investor"),
        "providers": _by_type(parties, "service_provider"),
        "results": number(len(d["results"])),
        "engaged": number(max(engaged)) if engaged else "–",
        "positive": number(sum(positive)) if positive else "–",
        "capital_value": row["capital_usd"],
    }


def _compare_sections(columns: list[dict]) -> list[dict]:
    def line(label, key, kind="text", hint=""):
        return {"label": label, "hint": hint, "kind": kind, "cells": [c[key] for c in columns]}

    return [
        {
            "title": _("The project"),
            "lines": [
                line(_("Countries"), "country"),
                line(_("Policy sector"), "sector"),
                line(_("Stage"), "stage"),
                line(_("Launched"), "launched"),
                line(_("Service provision"), "service"),
                line(_("Target population"), "population"),
            ],
        },
        {
            "title": _("Size"),
            "lines": [
                line(
                    _("Service users"),
                    "users",
                    hint=_("actual number engaged where given, else targeted"),
                ),
                line(
                    _("Capital raised"),
                    "capital",
                    hint=_("total investment commitment in USD: exact, else minimum"),
                ),
                line(_("Maximum outcome payments"), "max_payment"),
            ],
        },
        {
            "title": _("Outcome payments"),
            "lines": [
                line(_("Outcome metrics"), "metrics"),
                line(_("Price per outcome (USD)"), "prices", hint=_("lowest – highest")),
                line(
                    _("Outcome payments"),
                    "payment_totals",
                    "payments",
                    hint=_("sums by type and currency"),
                ),
            ],
        },
        {
            "title": _("Who pays and who invests"),
            "lines": [
                line(_("Outcome payers"), "payers", "parties"),
                line(_("Investors"), "investors", "parties"),
                line(_("Service providers"), "providers", "parties"),
            ],
        },
        {
            "title": _("Results"),
            "lines": [
                line(_("Results reported"), "results", hint=_("rows of the results table")),
                line(_("Largest number engaged"), "engaged", hint=_("in any one result")),
                line(_("Positive outcomes"), "positive", hint=_("sum over the results reported")),
            ],
        },
    ]
