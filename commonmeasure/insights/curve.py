"""The turn-the-curve section (history, baseline forecast, targets) of the initiative as a
whole, shown on the benchmark page and on the indicator page (docs/reference/targets.md):
its chart, its table and why there is no forecast, with small totals suppressed."""

from __future__ import annotations

from django.utils.translation import gettext as _

from commonmeasure import charts as shared_charts
from commonmeasure.disclosure.people import people_figures
from commonmeasure.measures.provisional import provisional_periods
from commonmeasure.measures.selectors import BY_PERIOD
from commonmeasure.measures.targets import turn_the_curve
from commonmeasure.reporting.presenters import target_status_label

from . import charts
from .downloads import Cell, Table, explained_cell, number_cell, provisional_cell, statistic_cell
from .figures import SUPPRESSED, disclose
from .views_explain import explain_url


def curve_section(initiative, indicator, viewer, downloads) -> dict:
    """History, baseline forecast and targets for the initiative as a whole, when it has
    targets for this indicator (measures.targets.turn_the_curve); small totals suppressed."""
    if not indicator.targets.filter(organisation=None, area=None).exists():
        return {}

    curve = turn_the_curve(initiative, indicator)
    history = {r["period"]: r["value"] for r in curve["history"]}
    people = people_figures(initiative, indicator, BY_PERIOD, curve["period_type"], history)
    shown = disclose(history, people, viewer, total_shown=False)
    forecast = {r["period"]: r["value"] for r in curve["forecast"]}
    targets = {r["period"]: r for r in curve["targets"]}
    table = Table(
        "curve",
        [
            _("Period"),
            _("Actual"),
            _("Baseline forecast"),
            _("Target"),
            # xgettext:no-python-format
            _("% of target"),
            _("Status"),
            _("Provisional"),
        ],
        caption=_("Turn the curve"),
    )
    late = provisional_periods(initiative, indicator, list(shown), curve["period_type"])
    for code in sorted(set(shown) | set(forecast) | set(targets), reverse=True):
        t = targets.get(code, {})
        hidden = shown.get(code) is SUPPRESSED
        percent = None if hidden else t.get("percent")
        table.rows.append(
            [
                Cell(
                    code, _("%(period)s (provisional)") % {"period": code} if code in late else code
                ),
                explained_cell(
                    number_cell(shown.get(code), indicator),
                    initiative,
                    indicator,
                    BY_PERIOD,
                    code,
                    period_type=curve["period_type"],
                )
                if code in shown
                else number_cell(None, indicator),
                statistic_cell(forecast.get(code), indicator),
                number_cell(t.get("value"), indicator),
                Cell(percent, "–" if percent is None else f"{percent:.0f}%"),
                Cell(
                    None if hidden else t.get("status"),
                    target_status_label(None if hidden else t.get("status")),
                ),
                provisional_cell(code in late),
            ]
        )
    downloads.tables["curve"] = table
    downloads.charts["curve"] = shared_charts.link_points(
        charts.turn_the_curve(
            [
                {
                    "period": k,
                    "value": v,
                    "explain": explain_url(
                        initiative.code,
                        indicator.code,
                        BY_PERIOD,
                        k,
                        period_type=curve["period_type"],
                    ),
                }
                for k, v in shown.items()
                if v is not None and v is not SUPPRESSED
            ],
            [{"period": k, "value": v} for k, v in forecast.items()],
            [{"period": k, "value": t["value"]} for k, t in targets.items()],
            title=indicator.name,
            description=_("%(indicator)s: history, baseline forecast and targets")
            % {"indicator": indicator.name},
        )
    )
    return {
        "curve": table,
        "spec_curve": downloads.charts["curve"],
        "curve_reason": curve.get("reason"),
    }
