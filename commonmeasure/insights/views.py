"""Dashboards, peer benchmarking, the indicator explorer and the public, embeddable indicator
page. Who may open which page is asked of ``commonmeasure.initiatives.access`` alone; every
page answers ``?format=svg|png|csv|xlsx`` with one of its charts or tables (``downloads``).

Pages read approved data through query() and tell browsers and proxies not to store them, so
an approval shows on the next load. The dashboard, benchmark and explorer pages keep what they
work out in the figure cache until the next change of the initiative's figures
(``rollups.figure_cache``); the others work it out on every request.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt

from commonmeasure import charts as shared_charts
from commonmeasure.disclosure.people import NotAvailable, figures, people_figures, rate_parts
from commonmeasure.domain import periods
from commonmeasure.initiatives.access import get_initiative, public_indicators
from commonmeasure.initiatives.models import Indicator, Initiative
from commonmeasure.insights import page_cache
from commonmeasure.measures.provisional import COMPLETE_SHARE, latest_complete, provisional_periods
from commonmeasure.measures.selectors import BY_ORGANISATION, BY_PERIOD
from commonmeasure.reporting.models import Submission
from commonmeasure.reporting.presenters import (
    PERIOD_TYPE_LABELS,
    allowed_period_types,
    format_value,
    reporting_organisation_count,
    reporting_period,
    target_status_label,
)

from . import charts
from .cached_pages import cached_page
from .curve import curve_section
from .dashboard import cards, organisation_rows
from .downloads import (
    Cell,
    Downloads,
    Table,
    explained_cell,
    number_cell,
    provisional_cell,
    statistic_cell,
)
from .figures import SUPPRESSED, disclose, funnel, peer_view, viewer_for
from .pivot import axis_options, build
from .views_explain import explain_url

_explained = explained_cell


def _member(request, code):
    """The initiative and access for a member (backbone or any organisation role); 404 else."""
    initiative, access = get_initiative(request.user, code)
    if not access.is_member:
        raise Http404(_("No such page"))
    return initiative, access


def _finish(request, downloads: Downloads, template: str, context: dict):
    response = downloads.response(request)
    if response is not None:
        return response
    context["downloads"] = downloads.links(request)
    return render(request, template, context)


def _period_type(request, initiative) -> tuple[str, list[tuple[str, str]]]:
    allowed = allowed_period_types(initiative)
    chosen = request.GET.get("period_type") or initiative.period_type
    if chosen not in allowed:
        chosen = initiative.period_type
    return chosen, [(t, PERIOD_TYPE_LABELS[t]) for t in allowed]


_number = number_cell
_flag = provisional_cell
_statistic = statistic_cell


# --- initiative dashboard --------------------------------------------------------------------


# Up to this many organisation dashboards are linked as buttons; more are picked from a list.
ORGANISATION_BUTTONS = 12


def _trend(direction: str | None) -> str:
    """A headline's trend in words (up, down, flat), in the viewer's language."""
    words = {
        "up": pgettext("trend", "up"),
        "down": pgettext("trend", "down"),
        "flat": pgettext("trend", "flat"),
    }
    return words.get(direction, direction or "–")


@never_cache
def dashboard(request, code):
    initiative, access = _member(request, code)
    picked = request.GET.get("organisation")
    if picked is not None:
        if picked not in {
            c
            for org_id, c, _name in _participations(initiative)
            if access.can_view_unapproved(org_id)
        }:
            raise Http404(_("no dashboard of that organisation here"))
        return redirect("insights:organisation", initiative.code, picked)
    shown = page_cache.cached(
        request,
        initiative,
        access,
        "dashboard",
        lambda: _dashboard_figures(request, initiative, access),
    )
    response = shown["downloads"].response(request)
    if response is not None:
        return response
    embeds = []
    if access.can_review:
        for ind in shown["public"]:
            url = request.build_absolute_uri(
                reverse("insights:public", args=[initiative.code, ind.code])
            )
            embeds.append(
                {
                    "indicator": ind,
                    "url": url,
                    # Plain text for the page to show (the template escapes it once more), with
                    # the name and address escaped as attribute values for the sites pasting it.
                    "snippet": f'<iframe src="{escape(url)}" title="{escape(ind.name)}" '
                    'width="100%" height="560" style="border:0" loading="lazy"></iframe>',
                }
            )
    return render(
        request,
        "insights/dashboard.html",
        {
            "initiative": initiative,
            "access": access,
            "figures": shown["html"],
            "expected": shown["expected"],
            "embeds": embeds,
            "unpublished_embeds": access.can_review
            and not initiative.is_published
            and shown["any_published"],
            "picker": shown["picker"],
        },
    )


def _dashboard_figures(request, initiative, access) -> dict:
    """The dashboard's headline cards and table as this viewer's disclosure class may see them:
    rendered, with the downloads they offer (kept in the figure cache, ``rollups.figure_cache``;
    nothing here may depend on the viewer beyond its disclosure class, the language and the
    request's parameters)."""
    viewer = viewer_for(initiative, access)
    expected = reporting_organisation_count(initiative)
    found = cards(initiative, viewer, expected, reporting_period(initiative).code)
    downloads = Downloads(f"{initiative.code}-dashboard")
    table = Table(
        "headlines",
        [
            _("Indicator"),
            _("Period"),
            _("Value"),
            _("Target"),
            # xgettext:no-python-format
            _("% of target"),
            _("Status"),
            _("Trend"),
            pgettext("organisations that reported", "Reported"),
            pgettext("organisations expected to report", "Expected"),
        ],
        caption=_("Headline indicators"),
    )
    for n, card in enumerate(found, start=1):
        ind = card.indicator
        card.spark_id = ""
        if card.series:
            card.spark_id = f"spark-{n}"
            card.spark_spec = downloads.charts[card.spark_id] = shared_charts.sparkline(
                card.series,
                verdict=card.verdict,
                description=_("%(indicator)s: recent values") % {"indicator": ind.name},
            )
        target = card.progress or {}
        target_cell = _number(target.get("target"), ind)
        percent = target.get("percent")
        if target.get("to_date"):  # a longer period's target: the figure so far against it
            percent = target.get("percent_of_target")
            words = {
                "target": target_cell.text,
                "period": target["target_period"],
                "so_far": format_value(target["so_far"], ind),
                "expected": format_value(target["expected"], ind) if target.get("prorated") else "",
            }
            target_cell = Cell(
                target_cell.value,
                (
                    _("%(target)s for %(period)s (%(so_far)s so far, %(expected)s expected by now)")
                    if target.get("prorated")
                    else _("%(target)s for %(period)s (%(so_far)s so far)")
                )
                % words,
            )
        table.rows.append(
            [
                Cell(ind.name, ind.name),
                Cell(card.period, card.period or "–"),
                _explained(_number(card.value, ind), initiative, ind, BY_PERIOD, card.period)
                if card.period
                else _number(card.value, ind),
                target_cell,
                Cell(
                    None if percent is None else round(percent, 1),
                    "–" if percent is None else f"{percent:.0f}%",
                ),
                Cell(
                    target.get("status") or card.progress_note,
                    target_status_label(target.get("status")),
                ),
                Cell(card.direction or "", _trend(card.direction)),
                Cell(card.reported, "–" if card.reported is None else str(card.reported)),
                Cell(card.expected, str(card.expected)),
            ]
        )
    downloads.tables["headlines"] = table
    html = ""
    if "format" not in request.GET:  # a download needs the figures only
        html = render_to_string(
            "insights/_dashboard_figures.html",
            {
                "initiative": initiative,
                "cards": found,
                "table": table,
                "downloads": downloads.links(request),
                "threshold": viewer.threshold,
            },
        )
    # The organisations whose dashboards the viewer may open: its own (all, for the backbone).
    own = [
        (c, n) for org_id, c, n in _participations(initiative) if access.can_view_unapproved(org_id)
    ]
    picker = render_to_string(
        "insights/_dashboard_picker.html",
        {
            "initiative": initiative,
            "organisations": [{"code": c, "name": n} for c, n in own],
            "pick_organisation": len(own) > ORGANISATION_BUTTONS,
        },
    )
    return {
        "html": html,
        "picker": picker,
        "downloads": downloads,
        "expected": expected,
        "public": list(public_indicators(initiative)),
        "any_published": initiative.indicators.filter(is_published=True).exists(),
    }


def _participations(initiative) -> list[tuple[int, str, str]]:
    """(organisation id, code, name) of every participant by name. Tuples: an initiative may
    have thousands of organisations."""
    return list(
        initiative.participations.order_by("organisation__name").values_list(
            "organisation_id", "organisation__code", "organisation__name"
        )
    )


# --- organisation dashboard ------------------------------------------------------------------


@never_cache
def organisation_dashboard(request, code, org_code):
    initiative, access = _member(request, code)
    organisation = get_object_or_404(initiative.organisations.all(), code=org_code)
    if not access.can_view_unapproved(organisation.id):
        raise Http404(_("No such page"))
    viewer = viewer_for(initiative, access)
    viewer.own = viewer.own | {organisation.code}  # its own figures are never hidden from it
    period_type = initiative.period_type
    codes = list(
        Submission.objects.filter(
            initiative=initiative, organisation=organisation, status=Submission.APPROVED
        )
        .order_by("-period_start")
        .values_list("period", flat=True)
    )
    period = request.GET.get("period") if request.GET.get("period") in codes else None
    period = period or (codes[0] if codes else None)
    rows = []
    downloads = Downloads(f"{initiative.code}-{organisation.code}-dashboard")
    table = Table(
        "indicators",
        [
            _("Indicator"),
            _("Value"),
            _("Lower quartile"),
            _("Median"),
            _("Upper quartile"),
            _("Peers"),
            _("Rank"),
            _("Out of"),
            _("Percentile"),
            _("Quartile"),
        ],
        caption=_("%(organisation)s against its peers") % {"organisation": organisation.name},
    )
    if period:
        within = initiative.parse_period(period)
        rows = organisation_rows(initiative, viewer, organisation.code, period_type, within)
        bars = []
        for row in rows:
            ind, s, pos = row.indicator, row.summary, row.position
            table.rows.append(
                [
                    Cell(ind.name, ind.name),
                    _explained(
                        _number(row.value, ind),
                        initiative,
                        ind,
                        BY_ORGANISATION,
                        organisation.code,
                        viewer,
                        period=period,
                    ),
                    _statistic(s.lower_quartile if s else None, ind),
                    _statistic(s.median if s else None, ind),
                    _statistic(s.upper_quartile if s else None, ind),
                    Cell(row.peers, str(row.peers)),
                    Cell(pos.rank if pos else None, str(pos.rank) if pos else "–"),
                    Cell(pos.n if pos else None, str(pos.n) if pos else "–"),
                    Cell(
                        None if not pos or pos.percentile is None else round(pos.percentile, 1),
                        "–" if not pos or pos.percentile is None else f"{pos.percentile:.0f}",
                    ),
                    Cell(
                        pos.quartile if pos else None,
                        str(pos.quartile) if pos and pos.quartile else "–",
                    ),
                ]
            )
            if pos and pos.percentile is not None:
                bars.append(
                    {
                        "label": ind.name,
                        "percentile": round(pos.percentile, 1),
                        "explain": table.rows[-1][1].explain,
                    }
                )
        if bars:
            downloads.charts["position"] = shared_charts.link_points(
                charts.percentiles(
                    bars,
                    description=_("%(organisation)s: position among peers in %(period)s")
                    % {"organisation": organisation.name, "period": period},
                )
            )
    downloads.tables["indicators"] = table
    return _finish(
        request,
        downloads,
        "insights/organisation.html",
        {
            "initiative": initiative,
            "access": access,
            "organisation": organisation,
            "period": period,
            "period_codes": codes,
            "rows": rows,
            "table": table,
            "spec": downloads.charts.get("position"),
            "threshold": viewer.threshold,
        },
    )


# --- benchmarking ----------------------------------------------------------------------------


@never_cache
def benchmark(request, code, indicator_code):
    initiative, access = _member(request, code)
    indicator = get_object_or_404(Indicator, initiative=initiative, code=indicator_code)
    return cached_page(
        request,
        initiative,
        access,
        "benchmark",
        lambda: _benchmark_page(request, initiative, access, indicator),
    )


def _benchmark_page(request, initiative, access, indicator):
    viewer = viewer_for(initiative, access)
    period_type, period_type_options = _period_type(request, initiative)
    downloads = Downloads(f"{initiative.code}-benchmark-{indicator.code}")
    context = {
        "initiative": initiative,
        "access": access,
        "indicator": indicator,
        "viewer": viewer,
        "threshold": viewer.threshold,
        "period_type": period_type,
        "period_type_options": period_type_options,
        "is_rate": rate_parts(indicator) is not None,
        "provisional": set(),
        "share": round(COMPLETE_SHARE * 100),
    }
    try:
        totals = figures(initiative, indicator, BY_PERIOD, period_type)
        codes = [k for k, v in totals.items() if v is not None]
        late = provisional_periods(initiative, indicator, codes, period_type)
        period = request.GET.get("period")
        period = period if period in codes else latest_complete(codes, late)
        context.update(period=period, period_codes=list(reversed(codes)), provisional=late)
        if period:
            within = periods.parse(period, period_type, initiative.fy_first_month)
            _benchmark_figures(
                initiative, indicator, viewer, period_type, within, downloads, context
            )
    except NotAvailable as problem:
        context["problem"] = str(problem)
    try:
        context.update(curve_section(initiative, indicator, viewer, downloads))
    except NotAvailable as problem:
        context["curve_problem"] = str(problem)
    return downloads, "insights/benchmark.html", context


def _benchmark_figures(initiative, indicator, viewer, period_type, within, downloads, context):
    view = peer_view(initiative, indicator, viewer, period_type, within)
    better_first = -1 if indicator.polarity == "higher" else 1

    def order(code):
        value = view.shown[code]
        hidden = value is None or value is SUPPRESSED
        return (hidden, 0 if hidden else better_first * value, viewer.label(code))

    peers = Table(
        "peers", [_("Organisation"), _("Value"), _("People"), _("Note")], caption=_("Organisations")
    )
    points = []
    for code in sorted(view.shown, key=order):
        value = view.shown[code]
        own = code in viewer.own
        people = view.people.get(code) if view.people is not None else None
        visible = value is not SUPPRESSED
        peers.rows.append(
            [
                Cell(viewer.label(code), viewer.label(code), "own" if own else ""),
                _explained(
                    _number(value, indicator),
                    initiative,
                    indicator,
                    BY_ORGANISATION,
                    code,
                    viewer,
                    period=within.code,
                    period_type=period_type,
                ),
                Cell(
                    people if visible else None,
                    format_value(people) if visible and people is not None else "–",
                ),
                Cell(
                    _("your organisation") if own else "",
                    _("your organisation") if own else "",
                ),
            ]
        )
        if visible and value is not None:
            points.append(
                {
                    "label": viewer.label(code),
                    "value": value,
                    "own": own,
                    "explain": peers.rows[-1][1].explain,
                }
            )
    summary = view.summary
    stats = Table("summary", [_("Figure"), _("Value")], caption=_("Peer distribution"))
    if summary:
        for i, (name, value) in enumerate(
            (
                (_("Organisations"), summary.n),
                (_("Lowest"), summary.minimum),
                (_("Lower quartile"), summary.lower_quartile),
                (_("Median"), summary.median),
                (_("Upper quartile"), summary.upper_quartile),
                (_("Highest"), summary.maximum),
            )
        ):
            cell = Cell(value, str(value)) if i == 0 else _statistic(value, indicator)
            stats.rows.append([Cell(name, name), cell])
    positions = []
    for code in sorted(viewer.own & set(view.values)):
        pos = view.position(code, indicator.polarity)
        if pos is not None:
            positions.append({"label": viewer.label(code), "position": pos})
    downloads.tables["peers"] = peers
    downloads.tables["summary"] = stats
    downloads.charts["peers"] = shared_charts.link_points(
        charts.peers(
            points,
            summary,
            title=indicator.name,
            decimals=indicator.decimals,
            description=_("%(indicator)s: each organisation against the quartiles")
            % {"indicator": indicator.name},
        )
    )
    context.update(peers=peers, stats=stats, summary=summary, positions=positions)
    context["suppressed"] = sum(1 for v in view.shown.values() if v is SUPPRESSED)
    context["spec_peers"] = downloads.charts["peers"]
    found = funnel(initiative, indicator, view, viewer, period_type, within)
    if found is None:
        return
    plot, parts, problems = found
    f = parts.factor
    table = Table(
        "funnel",
        [
            _("Organisation"),
            _("Events"),
            _("Denominator"),
            _("Rate"),
            _("Lower 99.8%"),
            _("Lower 95%"),
            _("Upper 95%"),
            _("Upper 99.8%"),
            _("Against 95%"),
            _("Against 99.8%"),
        ],
        caption=_("Funnel plot"),
    )
    fpoints = []
    for p in sorted(plot.points, key=lambda p: viewer.label(p.unit)):
        lim = p.limits
        rate = p.proportion * f
        label = viewer.label(p.unit)
        limits = [
            Cell(round(x * f, 6), f"{x * f:,.2f}")
            for x in (p.proportion, lim.lower_99_8, lim.lower_95, lim.upper_95, lim.upper_99_8)
        ]
        _explained(
            limits[0],
            initiative,
            indicator,
            BY_ORGANISATION,
            p.unit,
            viewer,
            period=within.code,
            period_type=period_type,
        )
        table.rows.append(
            [Cell(label, label), Cell(p.events, str(p.events)), Cell(p.n, str(p.n))]
            + limits
            + [Cell(p.outside_95, p.outside_95), Cell(p.outside_99_8, p.outside_99_8)]
        )
        fpoints.append(
            {
                "label": label,
                "rate": rate,
                "n": p.n,
                "flag": p.outside_99_8,
                "own": p.unit in viewer.own,
                "explain": limits[0].explain,
            }
        )
    curve = [
        {
            "n": c.n,
            "lower_95": c.lower_95 * f,
            "upper_95": c.upper_95 * f,
            "lower_99_8": c.lower_99_8 * f,
            "upper_99_8": c.upper_99_8 * f,
        }
        for c in plot.curve
    ]
    downloads.tables["funnel"] = table
    downloads.charts["funnel"] = shared_charts.link_points(
        charts.funnel(
            fpoints,
            curve,
            plot.target * f,
            title=indicator.name,
            description=_("%(indicator)s: funnel plot with 95%% and 99.8%% limits")
            % {"indicator": indicator.name},
        )
    )
    context.update(
        funnel=table,
        funnel_target=plot.target * f,
        funnel_problems=problems,
        spec_funnel=downloads.charts["funnel"],
    )


# --- explorer --------------------------------------------------------------------------------


@never_cache
def explorer(request, code):
    initiative, access = _member(request, code)
    return cached_page(
        request, initiative, access, "explorer", lambda: _explorer_page(request, initiative, access)
    )


def _explorer_page(request, initiative, access):
    viewer = viewer_for(initiative, access)
    indicators = list(initiative.indicators.prefetch_related("dimensions__categories"))
    if not indicators:
        raise Http404(_("No indicators"))
    chosen = request.GET.get("indicator")
    indicator = next((i for i in indicators if i.code == chosen), indicators[0])
    options = axis_options(initiative, indicator)
    allowed = dict(options)
    rows = request.GET.get("rows") or BY_PERIOD
    rows = rows if rows in allowed else BY_PERIOD
    cols = request.GET.get("cols") or ""
    cols = cols if cols in allowed else ""
    period_type, period_type_options = _period_type(request, initiative)
    downloads = Downloads(f"{initiative.code}-explore-{indicator.code}")
    context = {
        "initiative": initiative,
        "access": access,
        "indicators": indicators,
        "indicator": indicator,
        "options": options,
        "rows": rows,
        "cols": cols,
        "period_type": period_type,
        "period_type_options": period_type_options,
        "threshold": viewer.threshold,
        "period_axis": BY_PERIOD in (rows, cols),
    }
    try:
        totals = figures(initiative, indicator, BY_PERIOD, period_type)
        codes = [k for k, v in totals.items() if v is not None]
        period = request.GET.get("period") or ""
        period = period if period in codes else ""
        context.update(period=period, period_codes=list(reversed(codes)))
        within = (
            periods.parse(period, period_type, initiative.fy_first_month)
            if period and BY_PERIOD not in (rows, cols)
            else None
        )
        pivot = build(initiative, indicator, viewer, rows, cols, period_type, within)
    except NotAvailable as problem:
        context["problem"] = str(problem)
        return downloads, "insights/explorer.html", context
    corner = allowed[rows] + (f" \\ {allowed[cols]}" if cols else "")
    # Periods still being reported are marked provisional (docs/reference/periods.md).
    late = set()
    if context["period_axis"]:
        keys = pivot.row_keys if rows == BY_PERIOD else pivot.col_keys
        late = provisional_periods(initiative, indicator, keys, period_type)
    link = _pivot_link(initiative, indicator, viewer, rows, cols, period_type, within)
    points = pivot.points(link)
    marked = {k: _("%(period)s (provisional)") % {"period": k} for k in late}
    head = [corner] + (
        [marked.get(c, pivot.col_labels[c]) for c in pivot.col_keys] if cols else [indicator.name]
    )
    if rows == BY_PERIOD:
        head.append(_("Provisional"))
    table = Table(
        "pivot",
        head,
        caption=_("%(indicator)s by %(by)s") % {"indicator": indicator.name, "by": corner},
    )
    for r in pivot.row_keys:
        label = pivot.row_labels[r]
        table.rows.append(
            [Cell(label, marked.get(r, label))]
            + [_pivot_cell(pivot.cells.get((r, c)), indicator, link(r, c)) for c in pivot.col_keys]
            + ([_flag(r in late)] if rows == BY_PERIOD else [])
        )
    downloads.tables["pivot"] = table
    downloads.charts["pivot"] = charts.pivot(
        points,
        x_title=allowed[BY_PERIOD if context["period_axis"] else rows],
        series_title=(allowed[rows if cols == BY_PERIOD else cols] if cols else None),
        title=indicator.name,
        decimals=indicator.decimals,
        line=context["period_axis"]
        and len(pivot.row_keys if rows == BY_PERIOD else pivot.col_keys) > 1,
        description=_("%(indicator)s by %(by)s") % {"indicator": indicator.name, "by": corner},
    )
    if context["period_axis"]:
        shared_charts.mark_provisional(downloads.charts["pivot"], "x", late)
    downloads.charts["pivot"] = shared_charts.link_points(downloads.charts["pivot"])
    context.update(
        provisional=sorted(late),
        share=round(COMPLETE_SHARE * 100),
        table=table,
        spec=downloads.charts["pivot"],
        limited=pivot.limited,
        suppressed=any(v is SUPPRESSED for v in pivot.cells.values()),
        empty=not pivot.row_keys,
    )
    return downloads, "insights/explorer.html", context


def _pivot_cell(value, indicator, link: str) -> Cell:
    cell = _number(value, indicator)
    if link and value is not None:
        cell.explain = link
    return cell


def _pivot_link(initiative, indicator, viewer, rows, cols, period_type, within):
    """``link(row key, column key)``: the address of an explorer cell's explanation. A cell is
    one figure of ``query`` by the axis that is not a period, within the period of the other
    axis; a cell of two breakdowns (an organisation by a dimension or an area) is not one
    figure of a query, and has none (docs/reference/explain.md)."""

    def link(r, c) -> str:
        if not cols:
            by, key, period = rows, r, within.code if within else None
        elif BY_PERIOD in (rows, cols):
            by, key, period = (cols, c, r) if rows == BY_PERIOD else (rows, r, c)
        else:
            return ""
        if by == BY_ORGANISATION and not viewer.named(key):
            key = viewer.label(key)
        return explain_url(
            initiative.code, indicator.code, by, key, period=period, period_type=period_type
        )

    return link


# --- the public page -------------------------------------------------------------------------


@never_cache
@xframe_options_exempt
def public_indicator(request, code, indicator_code):
    """A published indicator of a published initiative, for anyone and for embedding."""
    initiative = Initiative.objects.filter(code=code).first()
    indicator = None
    if initiative is not None:
        indicator = public_indicators(initiative).filter(code=indicator_code).first()
    if indicator is None:
        raise Http404(_("No such page"))
    viewer = viewer_for(initiative, None)
    downloads = Downloads(f"{initiative.code}-{indicator.code}")
    context = {"initiative": initiative, "indicator": indicator, "threshold": viewer.threshold}
    try:
        values = figures(initiative, indicator, BY_PERIOD, initiative.period_type)
        people = people_figures(initiative, indicator, BY_PERIOD, initiative.period_type, values)
    except NotAvailable as problem:
        context["problem"] = str(problem)
        return _finish(request, downloads, "insights/public.html", context)
    shown = disclose(values, people, viewer, total_shown=False)
    # Periods still being reported are left out unless asked for (docs/reference/periods.md).
    late = provisional_periods(initiative, indicator, list(shown))
    with_late = request.GET.get("provisional") == "1"
    left_out = [] if with_late else sorted(late & set(shown))
    shown = {k: v for k, v in shown.items() if k not in left_out}
    table = Table("values", [_("Period"), indicator.name, _("Provisional")], caption=indicator.name)
    for key in reversed(list(shown)):
        label = f"{key} (provisional)" if key in late else key
        table.rows.append([Cell(key, label), _number(shown[key], indicator), _flag(key in late)])
    series = [
        {"key": k, "value": v} for k, v in shown.items() if v is not None and v is not SUPPRESSED
    ]
    downloads.tables["values"] = table
    downloads.charts["values"] = shared_charts.mark_provisional(
        shared_charts.series(
            series,
            title=indicator.name,
            decimals=indicator.decimals,
            description=_("%(indicator)s per period") % {"indicator": indicator.name},
        ),
        "period",
        late,
    )
    context.update(
        left_out=left_out,
        share=round(COMPLETE_SHARE * 100),
        table=table,
        spec=downloads.charts["values"],
        empty=not shown,
        suppressed=any(v is SUPPRESSED for v in shown.values()),
    )
    return _finish(request, downloads, "insights/public.html", context)
