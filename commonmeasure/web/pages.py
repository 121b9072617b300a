"""Read-only pages: home, initiative, indicator and organisation.

Who may see what is decided by ``commonmeasure.initiatives.access`` alone; these views only
ask it. Community figures come from ``measures.selectors.query``, which reads approved data.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonmeasure import charts
from commonmeasure.demo import DEMO_PASSWORD, demo_accounts
from commonmeasure.disclosure import SUPPRESSED, viewer_for
from commonmeasure.disclosure.cells import (
    by_organisation,
    community,
    community_values,
    organisation_series,
)
from commonmeasure.disclosure.people import NotAvailable
from commonmeasure.domain import periods
from commonmeasure.initiatives.access import (
    access_for,
    get_initiative,
    visible_indicators,
    visible_initiatives,
)
from commonmeasure.initiatives.models import Indicator, Membership, Organisation
from commonmeasure.insights import page_cache
from commonmeasure.insights.cached_pages import cached_page
from commonmeasure.insights.curve import curve_section
from commonmeasure.insights.downloads import Cell, Downloads, Table
from commonmeasure.insights.headlines import headlines
from commonmeasure.insights.views_explain import explain_url
from commonmeasure.measures.provisional import COMPLETE_SHARE, latest_complete, provisional_periods
from commonmeasure.measures.selectors import BY_ORGANISATION, BY_PERIOD, QueryError, query
from commonmeasure.measures.targets import applying
from commonmeasure.reporting.models import Submission
from commonmeasure.reporting.presenters import (
    ALL_STATUSES,
    PERIOD_TYPE_LABELS,
    allowed_period_types,
    current_period,
    format_value,
    reporting_organisation_count,
    reporting_period,
    status_label,
)

from .presenting import area_options, by_area, community_note, derived_panel

DIMENSION_SERIES_LIMIT = 12  # periods shown when a dimension is charted over time


def indicators_of(access):
    """The indicators the viewer may see (``visible_indicators``: for the public, only those
    ticked as published), each with ``weight_shown``: its weighting indicator if the viewer
    may see that one too."""
    found = list(
        visible_indicators(access)
        .prefetch_related("dimensions__categories")
        .select_related("weight_indicator")
    )
    _weights_shown(access, found)
    return found


def _weights_shown(access, indicators) -> None:
    shown = (
        None if access.is_member else set(visible_indicators(access).values_list("id", flat=True))
    )
    for ind in indicators:
        ind.weight_shown = (
            ind.weight_indicator if shown is None or ind.weight_indicator_id in shown else None
        )


def _shown(value, indicator) -> str:
    return _("suppressed") if value is SUPPRESSED else format_value(value, indicator)


def participating_organisation(initiative, org_code: str) -> Organisation:
    return get_object_or_404(Organisation, code=org_code, participations__initiative=initiative)


def open_report(request, code, org_code, period_code):
    """The report a page of one organisation and period shows (the grid, its history), for
    those who may see its unapproved values: (initiative, access, organisation, period,
    submission or None). 403 for anyone else; 404 for an unknown or future period."""
    initiative, access = get_initiative(request.user, code)
    organisation = participating_organisation(initiative, org_code)
    if not access.can_view_unapproved(organisation.id):
        raise Forbidden(
            _("Only the organisation's own members and the backbone can open its reports.")
        )
    try:
        period = initiative.parse_period(period_code)
    except periods.PeriodError:
        raise Http404(_("No such period")) from None
    if period.start > current_period(initiative).start:
        raise Http404(_("Reports cannot be opened for future periods"))
    submission = Submission.objects.filter(
        initiative=initiative, organisation=organisation, period=period.code
    ).first()
    return initiative, access, organisation, period, submission


def home(request):
    initiatives = list(visible_initiatives(request.user))
    roles: dict[int, list[str]] = {}
    if request.user.is_authenticated:
        for membership in (
            Membership.objects.filter(user=request.user)
            .select_related("organisation")
            .order_by("role", "organisation__name")
        ):
            text = membership.get_role_display()
            if membership.organisation_id:
                text += f", {membership.organisation.name}"
            roles.setdefault(membership.initiative_id, []).append(text)
    rows = [
        {
            "initiative": i,
            "roles": roles.get(i.id, []),
            "organisations": i.participations.count(),
            "indicators": visible_indicators(access_for(request.user, i)).count(),
        }
        for i in initiatives
    ]
    context = {"rows": rows}
    if settings.CM_DEMO and not request.user.is_authenticated:
        context.update(demo_accounts=demo_accounts(), demo_password=DEMO_PASSWORD)
    return render(request, "web/home.html", context)


def initiative_home(request, code):
    initiative, access = get_initiative(request.user, code)
    shown = page_cache.cached(
        request, initiative, access, "initiative", lambda: _home_figures(initiative, access)
    )
    own = [o for o in shown["organisations"] if o["id"] in access.org_roles]
    return render(
        request,
        "web/initiative.html",
        {
            "initiative": initiative,
            "access": access,
            "figures": shown["html"],
            "organisations": shown["organisations"],
            "backbone_org": shown["backbone_org"],
            "own_organisations": own,
            "current_period": reporting_period(initiative).code,
        },
    )


def _home_figures(initiative, access) -> dict:
    """What the initiative home shows of approved figures and set-up, the same for every viewer
    of one disclosure class: its headlines, dictionary and members, rendered (kept in the
    figure cache, ``rollups.figure_cache``), and the organisations."""
    indicators = indicators_of(access)
    # Retired indicators stay in the dictionary (a link to their history), not in the headlines.
    heads = headlines(initiative, [ind for ind in indicators if not ind.is_retired])
    viewer = viewer_for(initiative, access)
    for n, head in enumerate(heads, start=1):
        _disclose_headline(initiative, head, viewer)
        head.spark_id = f"spark-{n}"
        head.spark_spec = charts.sparkline(
            head.series,
            verdict=head.verdict,
            description=_("%(indicator)s: recent values") % {"indicator": head.indicator.name},
        )
        head.latest_text = _shown(head.latest["value"], head.indicator) if head.latest else "–"
        if head.change is not None:
            head.change_text = format_value(abs(head.change), head.indicator)
    organisations = list(
        initiative.organisations.order_by("name").values("id", "code", "name", "identifiers")
    )
    backbone_org = (
        initiative.participations.filter(is_backbone=True).select_related("organisation").first()
    )
    goals = {g.get("code"): g.get("name") for g in initiative.goals or []}
    for ind in indicators:
        ind.goal_name = goals.get(ind.goal) or ind.goal
    html = render_to_string(
        "web/_initiative_figures.html",
        {
            "initiative": initiative,
            "headlines": heads,
            "indicators": indicators,
            "organisations": organisations,
            "expected": reporting_organisation_count(initiative),
        },
    )
    return {
        "html": html,
        "organisations": organisations,
        "backbone_org": backbone_org.organisation.name if backbone_org else None,
    }


def _disclose_headline(initiative, head, viewer) -> None:
    """Small community figures suppressed in a headline card (docs/reference/disclosure.md):
    the value, its sparkline point and a change that would reveal them."""
    if viewer.sees_all or not head.series:
        return
    values = {r["key"]: r["value"] for r in head.series}
    try:
        shown = community_values(initiative, head.indicator, viewer, values)
    except QueryError:
        shown = dict.fromkeys(values, SUPPRESSED)
    head.series = [r for r in head.series if shown.get(r["key"]) is not SUPPRESSED]
    hidden = {k for k, v in shown.items() if v is SUPPRESSED}
    if head.latest and head.latest["key"] in hidden:
        head.latest = {"key": head.latest["key"], "value": SUPPRESSED}
    if hidden & {head.previous_key, (head.latest or {}).get("key")}:
        head.change = head.previous_value = None


def _by_options(indicator: Indicator) -> list[tuple[str, str]]:
    options = [(BY_PERIOD, _("Period (community total)")), (BY_ORGANISATION, _("Organisation"))]
    options += [(d.code, d.name) for d in indicator.dimensions.all()]

    options += area_options(indicator.initiative)
    return options


def indicator_page(request, code, indicator_code):
    initiative, access = get_initiative(request.user, code)
    indicator = get_object_or_404(
        visible_indicators(access).prefetch_related("dimensions__categories"),
        code=indicator_code,
    )
    _weights_shown(access, [indicator])
    if request.htmx and request.htmx.target == "chart-panel":  # the chart panel alone
        downloads, _template, context = _indicator_page(request, initiative, access, indicator)
        response = downloads.response(request)
        if response is not None:
            return response
        context["downloads"] = downloads.links(request)
        return render(request, "web/_indicator_panel.html", context)
    return cached_page(
        request,
        initiative,
        access,
        "indicator",
        lambda: _indicator_page(request, initiative, access, indicator),
        late="web/_indicator_comments.html",
        late_context={"indicator": indicator},
    )


def _indicator_page(request, initiative, access, indicator):
    """The indicator page's figures as (downloads, template, context), for ``cached_page``."""
    by_options = _by_options(indicator)
    by = request.GET.get("by") or BY_PERIOD
    if by not in dict(by_options):
        by = BY_PERIOD
    period_types = allowed_period_types(initiative)
    period_type = request.GET.get("period_type") or initiative.period_type
    if period_type not in period_types:
        period_type = initiative.period_type
    viewer = viewer_for(initiative, access)
    totals = query(initiative, indicator, BY_PERIOD, period_type)
    period_codes = [row["key"] for row in totals]
    within_code = request.GET.get("period") or ""
    within = None
    if within_code and by != BY_PERIOD:
        try:
            within = periods.parse(within_code, period_type, initiative.fy_first_month)
        except periods.PeriodError:
            within_code, within = "", None
    title = indicator.name + (
        f" ({indicator.unit})" if indicator.unit and indicator.unit != "%" else ""
    )
    if indicator.value_type == Indicator.PERCENTAGE:
        title = indicator.name + " (%)"
    context = {
        "initiative": initiative,
        "access": access,
        "indicator": indicator,
        "by": by,
        "by_options": by_options,
        "period_type": period_type,
        "period_type_options": [(t, PERIOD_TYPE_LABELS[t]) for t in period_types],
        "period_codes": list(reversed(period_codes)),
        "within": within_code if within else "",
        "decimals": indicator.decimals,
    }
    try:
        if by == BY_PERIOD:
            shown = community(initiative, indicator, viewer, BY_PERIOD, period_type)
            late = provisional_periods(initiative, indicator, period_codes, period_type)
            context.update(_by_period(indicator, totals, shown, title, late, period_type))
        elif by == BY_ORGANISATION:
            context.update(
                _by_organisation(initiative, indicator, period_type, within, title, viewer)
            )
        elif by == "area" or by.startswith("area:"):
            shown = community(initiative, indicator, viewer, by, period_type, within)
            context.update(
                by_area(
                    initiative,
                    indicator,
                    by,
                    period_type,
                    within,
                    title,
                    shown=shown,
                    link=lambda key: _explain(
                        indicator, by, key, period=within.code if within else None
                    )[1],
                )
            )
        else:
            context.update(
                _by_dimension(
                    initiative, indicator, by, period_type, within, period_codes, title, viewer
                )
            )
        # Providers overlapping in areas: how the community figure is de-duplicated.

        if by == BY_PERIOD or by == "area" or by.startswith("area:"):
            context["community"] = community_note(
                initiative, indicator, period_type, within, access
            )
        # Formula and composite indicators: why a value is missing, what each part contributed;
        # for viewers who see all the figures behind it (docs/reference/disclosure.md).
        if viewer.sees_all:
            context["derived"] = derived_panel(initiative, indicator, by, period_type, within)
    except QueryError as problem:
        context["problem"] = str(problem)
    partial = bool(request.htmx and request.htmx.target == "chart-panel")
    downloads = _downloads(initiative, indicator, context)
    if not partial or request.GET.get("format"):
        context.update(_targets_up_front(initiative, indicator, viewer, downloads))
    return downloads, "web/indicator.html", context


def _downloads(initiative, indicator, context):
    """The page's chart and its table of numbers as files (``?format=svg|png|csv|xlsx``, as on
    every insights page: insights/downloads.py), with the figures as the page shows them."""
    downloads = Downloads(f"{initiative.code}-{indicator.code}-{context['by']}")
    if context.get("spec") and not context.get("empty"):
        downloads.charts["main"] = context["spec"]
        table = Table("numbers", list(context["columns"]), caption=context["spec"]["description"])
        for row in context["table"]:
            table.rows.append([Cell(row["head"], row["head"])] + [Cell(c, c) for c in row["cells"]])
        downloads.tables["numbers"] = table
    return downloads


def _targets_up_front(initiative, indicator, viewer, downloads=None) -> dict:
    """The indicator page's progress against the target that applies to its latest complete
    period, and its turn-the-curve (docs/reference/targets.md), for the initiative as a whole;
    nothing when it has no initiative-wide target or the figure is not shown to the viewer."""
    if not indicator.targets.filter(organisation=None, area=None).exists():
        return {}
    out: dict = {}
    try:
        shown = community(initiative, indicator, viewer, BY_PERIOD, initiative.period_type)
        codes = [k for k, v in shown.items() if v is not None]
        late = provisional_periods(initiative, indicator, codes, initiative.period_type)
        period = latest_complete(codes, late)
        value = shown.get(period) if period else None
        if period and value is not None and value is not SUPPRESSED:
            found = applying(initiative, indicator, period, value)
            if found is not None:
                out["target_progress"] = {**found, "period": period, "value": value}
        out.update(
            curve_section(initiative, indicator, viewer, downloads or Downloads(indicator.code))
        )
    except (QueryError, NotAvailable) as problem:
        out["curve_problem"] = str(problem)
    return out


def _row(head: str, cells: list[str], href: str | None = None, explain=()) -> dict:
    """One row of the #numbers table; ``explain``: (words, link) to how each figure was
    worked out (docs/reference/explain.md)."""
    return {"head": head, "cells": cells, "href": href, "explain": list(explain)}


def _explain(indicator, by, key, period_type=None, period=None, words=None):
    link = explain_url(
        indicator.initiative.code, indicator.code, by, key, period_type=period_type, period=period
    )
    return (words, link)


def _by_period(indicator, totals, shown, title, provisional=frozenset(), period_type=None):
    """The community total per period; small totals suppressed for all but the backbone;
    periods still being reported marked provisional (docs/reference/periods.md)."""
    rows = [
        {
            "key": r["key"],
            "value": shown.get(r["key"], r["value"]),
            "explain": _explain(indicator, BY_PERIOD, r["key"], period_type)[1],
        }
        for r in totals
    ]
    return {
        "columns": [_("Period"), title],
        "table": [
            _row(
                period_label(r["key"], provisional),
                [_shown(r["value"], indicator)],
                explain=[(None, r["explain"])],
            )
            for r in reversed(rows)
        ],
        "spec": linked_chart(
            charts.mark_provisional(
                charts.series(
                    [r for r in rows if r["value"] is not SUPPRESSED],
                    title=title,
                    decimals=indicator.decimals,
                    description=_("%(indicator)s per period") % {"indicator": indicator.name},
                ),
                "period",
                provisional,
            )
        ),
        "empty": not totals,
        "provisional": sorted(provisional & set(shown)),
        "share": round(COMPLETE_SHARE * 100),
    }


def linked_chart(spec: dict) -> dict:
    """Every bar and point of the chart opens its figure's explanation (the table beside the
    chart has the same links for keyboard users): docs/reference/explain.md."""
    return charts.link_points(spec)


def period_label(code: str, provisional) -> str:
    return _("%(period)s (provisional)") % {"period": code} if code in provisional else code


def _by_organisation(initiative, indicator, period_type, within, title, viewer):
    """One bar per organisation, as the viewer may see them: peers anonymised unless named,
    cells of fewer people than the initiative's threshold suppressed outside the organisation
    itself and the backbone (docs/reference/disclosure.md)."""
    shown = by_organisation(initiative, indicator, viewer, period_type, within)
    rows = [
        {
            "label": viewer.label(code),
            "code": code,
            "value": value,
            # an organisation anonymised to the viewer is asked for by its pseudonym
            "explain": _explain(
                indicator,
                BY_ORGANISATION,
                code if viewer.named(code) else viewer.label(code),
                period=within.code if within else None,
            )[1],
        }
        for code, value in shown.items()
        if value is not SUPPRESSED
    ]
    hidden = sum(1 for v in shown.values() if v is SUPPRESSED)
    rows.sort(
        key=lambda r: (-(r["value"] if r["value"] is not None else float("-inf")), r["label"])
    )
    table = [
        _row(
            r["label"],
            [format_value(r["value"], indicator)],
            reverse("organisation", args=[initiative.code, r["code"]])
            if viewer.named(r["code"])
            else None,
            explain=[(None, r["explain"])],
        )
        for r in rows
    ]
    if hidden:
        table.append(
            _row(
                ngettext(
                    "%(count)s organisation not shown", "%(count)s organisations not shown", hidden
                )
                % {"count": hidden},
                [_("fewer than %(threshold)s people") % {"threshold": viewer.threshold}],
            )
        )
    return {
        "columns": [_("Organisation"), title],
        "table": table,
        "spec": linked_chart(
            charts.bars(
                [{k: v for k, v in r.items() if k != "code"} for r in rows],
                category_title=_("Organisation"),
                title=title,
                decimals=indicator.decimals,
                description=_("%(indicator)s by organisation") % {"indicator": indicator.name},
            )
        ),
        "empty": not rows,
    }


def _by_dimension(
    initiative, indicator, dimension_code, period_type, within, period_codes, title, viewer
):
    dimension = next(d for d in indicator.dimensions.all() if d.code == dimension_code)
    categories = list(dimension.categories.all())
    names = {c.code: c.name for c in categories}
    order = [c.name for c in categories]
    stack = indicator.aggregation == "sum"
    if within is not None:
        values = community(initiative, indicator, viewer, dimension_code, period_type, within)
        rows = [
            {
                "label": names[c.code],
                "code": c.code,
                "value": values[c.code],
                "explain": _explain(indicator, dimension_code, c.code, period=within.code)[1],
            }
            for c in categories
            if c.code in values
        ]
        return {
            "columns": [dimension.name, title],
            "table": [
                _row(r["label"], [_shown(r["value"], indicator)], explain=[(None, r["explain"])])
                for r in rows
            ],
            "spec": linked_chart(
                charts.bars(
                    [r for r in rows if r["value"] is not SUPPRESSED],
                    category_title=dimension.name,
                    title=title,
                    decimals=indicator.decimals,
                    description=_("%(indicator)s by %(dimension)s in %(period)s")
                    % {
                        "indicator": indicator.name,
                        "dimension": dimension.name,
                        "period": within.code,
                    },
                )
            ),
            "empty": not rows,
        }
    shown = period_codes[-DIMENSION_SERIES_LIMIT:]
    late = provisional_periods(initiative, indicator, shown, period_type)
    points, table = [], []
    for code in shown:
        p = periods.parse(code, period_type, initiative.fy_first_month)
        values = community(initiative, indicator, viewer, dimension_code, period_type, p)
        table.append(
            _row(
                period_label(code, late),
                [_shown(values.get(c.code), indicator) for c in categories],
                explain=[
                    _explain(indicator, dimension_code, c.code, period=code, words=c.name)
                    for c in categories
                    if values.get(c.code) is not None
                ],
            )
        )
        points += [
            {
                "period": code,
                "category": names[c.code],
                "value": values[c.code],
                "explain": _explain(indicator, dimension_code, c.code, period=code)[1],
            }
            for c in categories
            if values.get(c.code) is not None and values[c.code] is not SUPPRESSED
        ]
    return {
        "columns": [_("Period")] + order,
        "table": list(reversed(table)),
        "spec": linked_chart(
            charts.mark_provisional(
                charts.stacked(
                    points,
                    categories=order,
                    dimension_title=dimension.name,
                    title=title,
                    decimals=indicator.decimals,
                    stack=stack,
                    description=_("%(indicator)s by %(dimension)s per period")
                    % {"indicator": indicator.name, "dimension": dimension.name},
                ),
                "period",
                late,
            )
        ),
        "empty": not table,
        "provisional": sorted(late),
        "share": round(COMPLETE_SHARE * 100),
        "limited": len(period_codes) > len(shown),
        "limit": DIMENSION_SERIES_LIMIT,
    }


def organisation_page(request, code, org_code):
    initiative, access = get_initiative(request.user, code)
    organisation = participating_organisation(initiative, org_code)
    sees_all = access.can_view_unapproved(organisation.id)
    statuses = ALL_STATUSES if sees_all else (Submission.APPROVED,)
    submissions = list(
        Submission.objects.filter(
            initiative=initiative, organisation=organisation, status__in=statuses
        )
        .order_by("-period_start")
        .select_related("submitted_by", "reviewed_by")
    )
    for sub in submissions:
        sub.label = status_label(sub.status)
    indicators = indicators_of(access)
    recent = [s.period for s in submissions[:6]]
    status_of = {s.period: s.status for s in submissions}
    # Figures only as docs/reference/disclosure.md allows: the organisation itself and the
    # backbone see every status; others see approved figures of a named organisation, small
    # ones suppressed, and nothing under the name of one shown to them under a pseudonym.
    viewer = viewer_for(initiative, access)
    anonymised = not sees_all and not viewer.named(organisation.code)
    value_rows = []
    for indicator in indicators if not anonymised else ():
        try:
            if sees_all:
                series = {
                    r["key"]: r["value"]
                    for r in query(
                        initiative,
                        indicator,
                        BY_PERIOD,
                        statuses=statuses,
                        organisation_ids=[organisation.id],
                    )
                }
            else:
                series = organisation_series(
                    initiative, indicator, viewer, organisation.code, recent
                )
        except QueryError:
            series = {}
        value_rows.append(
            {
                "indicator": indicator,
                "cells": [_shown(series.get(p), indicator) for p in recent],
            }
        )
    is_backbone_org = initiative.participations.filter(
        organisation=organisation, is_backbone=True
    ).exists()
    return render(
        request,
        "web/organisation.html",
        {
            "initiative": initiative,
            "access": access,
            "organisation": organisation,
            "is_backbone_org": is_backbone_org,
            "sees_all": sees_all,
            "can_edit": access.can_edit(organisation.id),
            "submissions": submissions,
            "recent": [
                {"code": p, "status": status_of[p], "label": status_label(status_of[p])}
                for p in recent
            ],
            "value_rows": value_rows,
            "anonymised": anonymised,
            "threshold": viewer.threshold,
            "current_period": reporting_period(initiative).code,
        },
    )
