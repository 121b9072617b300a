"""One download endpoint per page: the page's own address with ``?format=svg|png|csv|xlsx``.

A page collects its charts (Vega-Lite specs) and tables (``Table``); the same objects are shown
in the browser and written to files, so a download always carries the page's numbers, with the
same suppression and labels. Charts are drawn on the server by vl-convert (no browser needed);
tables are written with the csv module and openpyxl, text that a spreadsheet would read as a
formula made safe with a leading apostrophe.
"""

from __future__ import annotations

import copy
import csv
import io
import re
from dataclasses import dataclass, field

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

from commonmeasure.charts import unlink
from commonmeasure.disclosure import SUPPRESSED
from commonmeasure.measures.selectors import BY_ORGANISATION
from commonmeasure.reporting.audit import safe_cell
from commonmeasure.reporting.presenters import format_value

from .views_explain import explain_url

CHART_FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
TABLE_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORT_WIDTH = 720


@dataclass
class Cell:
    value: object  # a number, text, None (no value) or the text "suppressed"
    text: str  # as shown on the page
    css: str = ""
    # On the page only: the address of the figure's explanation (docs/reference/explain.md)
    explain: str = ""


@dataclass
class Table:
    id: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    caption: str = ""

    def values(self) -> list[list]:
        return [[c.value for c in row] for row in self.rows]


@dataclass
class Downloads:
    """The charts and tables of one page, and the links to download each."""

    name: str  # file name stem, e.g. "alpha-benchmark-enrolled"
    charts: dict[str, dict] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)

    def links(self, request) -> dict[str, dict[str, dict[str, str]]]:
        """{"chart" or "table": {id: {format: address}}}, keeping the page's other parameters."""
        out: dict[str, dict[str, dict[str, str]]] = {"chart": {}, "table": {}}
        for kind, items, formats in (
            ("chart", self.charts, CHART_FORMATS),
            ("table", self.tables, TABLE_FORMATS),
        ):
            for item in items:
                links = {}
                for fmt in formats:
                    params = request.GET.copy()
                    params.pop("chart", None)
                    params.pop("table", None)
                    params["format"] = fmt
                    params[kind] = item
                    links[fmt] = "?" + params.urlencode()
                out[kind][item] = links
        return out

    def response(self, request) -> HttpResponse | None:
        """The file asked for with ?format=..., or None for the page itself."""
        fmt = request.GET.get("format")
        if not fmt:
            return None
        if fmt in CHART_FORMATS:
            key = request.GET.get("chart") or next(iter(self.charts), None)
            if key not in self.charts:
                raise Http404(_("No such chart on this page"))
            body = render_chart(self.charts[key], fmt)
            filename = f"{self.name}-{key}.{fmt}"
        elif fmt in TABLE_FORMATS:
            key = request.GET.get("table") or next(iter(self.tables), None)
            if key not in self.tables:
                raise Http404(_("No such table on this page"))
            table = self.tables[key]
            body = table_csv(table) if fmt == "csv" else table_xlsx(table)
            filename = f"{self.name}-{key}.{fmt}"
        else:
            return HttpResponseBadRequest(
                f"format {fmt!r} is not offered; use svg or png for a chart, csv or xlsx for a table",
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(body, content_type={**CHART_FORMATS, **TABLE_FORMATS}[fmt])
        response["Content-Disposition"] = f'attachment; filename="{_safe_name(filename)}"'
        return response


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.+-]+", "-", name)


def static_spec(spec: dict) -> dict:
    """The spec with a fixed width (a file has no container to fit) and without the links to
    explanations of the page's chart."""
    out = copy.deepcopy(unlink(spec))
    if out.get("width") == "container":
        out["width"] = EXPORT_WIDTH
    out.setdefault("background", "white")
    return out


def render_chart(spec: dict, fmt: str) -> bytes:
    import vl_convert

    fixed = static_spec(spec)
    if fmt == "svg":
        return vl_convert.vegalite_to_svg(fixed).encode("utf-8")
    return bytes(vl_convert.vegalite_to_png(fixed, scale=2))


def table_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in table.columns])
    for row in table.values():
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(table.caption or table.id))
    ws.append([safe_cell(c) for c in table.columns])
    for row in table.values():
        ws.append([safe_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31] or "Table"


# --- cells of the tables beside the charts ------------------------------------------------


def number_cell(value, indicator, *, raw=None) -> Cell:
    if value is SUPPRESSED:
        return Cell(SUPPRESSED, _("suppressed"), "suppressed")
    return Cell(value if raw is None else raw, format_value(value, indicator))


def provisional_cell(provisional: bool) -> Cell:
    """The ``Provisional`` column of a table over time: yes or no (docs/reference/periods.md)."""
    return Cell("yes" if provisional else "no", _("provisional") if provisional else "")


def statistic_cell(value, indicator) -> Cell:
    """A median or quartile: one more decimal than the indicator's when it falls between."""
    if value is None or float(value) == round(float(value), indicator.decimals):
        return number_cell(value, indicator)
    text = f"{value:,.{indicator.decimals + 1}f}" + (
        "%" if indicator.value_type == "percentage" else ""
    )
    return Cell(round(value, 6), text)


def explained_cell(cell: Cell, initiative, indicator, by, key, viewer=None, **extra) -> Cell:
    """The cell, its figure linked to its explanation (docs/reference/explain.md); an
    organisation is asked for as the viewer sees it: by code if named, else its pseudonym."""
    if by == BY_ORGANISATION and viewer is not None and not viewer.named(key):
        key = viewer.label(key)

    cell.explain = explain_url(initiative.code, indicator.code, by, key, **extra)
    return cell
