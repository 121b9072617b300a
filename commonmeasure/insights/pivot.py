"""The indicator explorer's pivot table: one indicator, rows and columns chosen among period,
organisation, area and the indicator's dimensions (docs/reference/dashboards.md).

Every cell is a ``query()`` figure: the explorer asks query() by the one axis that is not a
period or an organisation, once for each period (``within``) or organisation
(``organisation_ids``) along the other axis, so a cell always equals what query() gives for it.
Suppression and anonymised labels apply as on every other page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from commonmeasure.disclosure.cells import community_values
from commonmeasure.disclosure.people import NotAvailable, figures, people_figures
from commonmeasure.domain import periods
from commonmeasure.initiatives.models import Area, Indicator, Initiative
from commonmeasure.measures.selectors import BY_AREA, BY_ORGANISATION, BY_PERIOD

from .figures import SUPPRESSED, Viewer, disclose

MAX_PERIODS = 24  # the latest periods shown when period is an axis


def axis_options(initiative: Initiative, indicator: Indicator) -> list[tuple[str, str]]:
    options = [(BY_PERIOD, _("Period")), (BY_ORGANISATION, _("Organisation"))]
    levels = list(
        Area.objects.filter(initiative=initiative)
        .exclude(level="")
        .order_by("level")
        .values_list("level", flat=True)
        .distinct()
    )
    if levels or Area.objects.filter(initiative=initiative).exists():
        options.append((BY_AREA, _("Area")))
        options += [
            (f"{BY_AREA}:{level}", _("Area: %(level)s") % {"level": level}) for level in levels
        ]
    options += [(d.code, d.name) for d in indicator.dimensions.all()]
    return options


@dataclass
class Pivot:
    rows: str
    cols: str  # "" for a single column
    row_keys: list = field(default_factory=list)
    col_keys: list = field(default_factory=list)
    row_labels: dict = field(default_factory=dict)
    col_labels: dict = field(default_factory=dict)
    cells: dict = field(default_factory=dict)  # (row key, col key) -> value, None or SUPPRESSED
    limited: bool = False

    def points(self, link=None) -> list[dict]:
        """The shown numbers for the chart: {"x", "series", "value"}; periods always along x.
        ``link(row key, column key)``: the address of a cell's explanation, put on its point."""
        transpose = self.rows != BY_PERIOD and self.cols == BY_PERIOD
        out = []
        for r in self.row_keys:
            for c in self.col_keys:
                value = self.cells.get((r, c))
                if value is None or value is SUPPRESSED:
                    continue
                x, series = (
                    (self.col_labels[c], self.row_labels[r])
                    if transpose
                    else (
                        self.row_labels[r],
                        self.col_labels[c],
                    )
                )
                point = {"x": x, "series": series, "value": value}
                if link is not None and link(r, c):
                    point["explain"] = link(r, c)
                out.append(point)
        return out


def _labeller(initiative, indicator, axis: str, viewer: Viewer, period_type: str):
    if axis == BY_ORGANISATION:
        return viewer.label, lambda keys: sorted(keys, key=lambda k: (viewer.label(k), k))
    if axis.startswith(BY_AREA):
        areas = list(Area.objects.filter(initiative=initiative))
        names = {a.code: a.name for a in areas}
        order = {a.code: i for i, a in enumerate(areas)}
        return (lambda k: names.get(k, str(k))), (
            lambda keys: sorted(keys, key=lambda k: (order.get(k, len(order)), str(k)))
        )
    if axis == BY_PERIOD:
        fy = initiative.fy_first_month
        return str, lambda keys: sorted(keys, key=lambda k: periods.parse(k, period_type, fy).start)
    dimension = next(d for d in indicator.dimensions.all() if d.code == axis)
    cats = list(dimension.categories.all())
    names = {c.code: c.name for c in cats}
    order = {c.code: i for i, c in enumerate(cats)}
    return (lambda k: names.get(k, str(k))), (
        lambda keys: sorted(keys, key=lambda k: (order.get(k, len(order)), str(k)))
    )


def build(
    initiative: Initiative,
    indicator: Indicator,
    viewer: Viewer,
    rows: str,
    cols: str,
    period_type: str,
    within: periods.Period | None,
) -> Pivot:
    if rows == cols:
        raise NotAvailable(_("choose different rows and columns"))
    # The cells are grouped the same way whichever axis is the rows, so that suppression
    # does not depend on the orientation: by period first, else by organisation.
    if not cols:
        by, slice_axis = rows, None
    elif BY_PERIOD in (rows, cols):
        by, slice_axis = (cols if rows == BY_PERIOD else rows), BY_PERIOD
    elif BY_ORGANISATION in (rows, cols):
        by, slice_axis = (cols if rows == BY_ORGANISATION else rows), BY_ORGANISATION
    else:
        raise NotAvailable(
            _(
                "one of rows and columns must be period or organisation: figures are split by one "
                "breakdown (a dimension or an area level) at a time"
            )
        )
    pivot = Pivot(rows, cols)
    period_axis = BY_PERIOD in (rows, cols)
    shown_periods: list[str] = []
    if period_axis:
        within = None
        totals = figures(initiative, indicator, BY_PERIOD, period_type)
        shown_periods = [k for k, v in totals.items() if v is not None]
        pivot.limited = len(shown_periods) > MAX_PERIODS
        shown_periods = shown_periods[-MAX_PERIODS:]
    org_ids = dict(initiative.participations.values_list("organisation__code", "organisation_id"))

    if slice_axis is None:
        slices: list = [None]
    elif slice_axis == BY_PERIOD:
        slices = shown_periods
    else:
        slices = sorted(org_ids)

    found: dict[tuple, object] = {}
    for s in slices:
        kw: dict = {"within": within}
        if slice_axis == BY_PERIOD:
            kw["within"] = periods.parse(s, period_type, initiative.fy_first_month)
        elif slice_axis == BY_ORGANISATION:
            kw["organisation_ids"] = [org_ids[s]]
        values = figures(initiative, indicator, by, period_type, **kw)
        if by == BY_ORGANISATION:
            values = {k: v for k, v in values.items() if k in viewer.names}
        if by == BY_PERIOD:
            values = {k: v for k, v in values.items() if k in shown_periods}
        people = people_figures(initiative, indicator, by, period_type, values, **kw)
        if by == BY_ORGANISATION:
            own = viewer.own & set(values)
        elif slice_axis == BY_ORGANISATION and s in viewer.own:
            own = set(values)
        else:
            own = set()
        if by != BY_ORGANISATION and slice_axis != BY_ORGANISATION:
            # community figures: also hidden where taking the viewer's own figure away from
            # one would reveal a small one (the rule of every page, disclosure.cells)
            shown = community_values(initiative, indicator, viewer, values, by, period_type, **kw)
        else:
            shown = disclose(values, people, viewer, own_keys=own, total_shown=by != BY_PERIOD)
        for key, value in shown.items():
            found[(key, s)] = value

    by_label, by_sort = _labeller(initiative, indicator, by, viewer, period_type)
    by_keys = by_sort({k for k, _ in found})
    if slice_axis is None:
        slice_keys, slice_label = [None], (lambda k: "")
    else:
        slice_label, slice_sort = _labeller(initiative, indicator, slice_axis, viewer, period_type)
        slice_keys = slice_sort({s for s in slices if any((k, s) in found for k in by_keys)})
    if by == rows:
        pivot.row_keys, pivot.col_keys = by_keys, slice_keys
        pivot.row_labels = {k: by_label(k) for k in by_keys}
        pivot.col_labels = {k: slice_label(k) for k in slice_keys}
        pivot.cells = found
    else:
        pivot.row_keys, pivot.col_keys = slice_keys, by_keys
        pivot.row_labels = {k: slice_label(k) for k in slice_keys}
        pivot.col_labels = {k: by_label(k) for k in by_keys}
        pivot.cells = {(s, k): v for (k, s), v in found.items()}
    return pivot
