"""Import values in bulk, in the long layout:

    organisation,indicator,period,value[,<dimension code>...][,comment]

Every row is validated; if any row has an error nothing is written. Writes happen inside one
transaction in chunks, so memory stays flat as files grow, and are rolled back on any error
or on a dry run. See docs/reference/values-file.md.
"""

from __future__ import annotations

import gc
import math
import re
import threading
from collections.abc import Callable, Collection
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonmeasure.domain import periods
from commonmeasure.initiatives.content import every_text
from commonmeasure.initiatives.models import Indicator, Initiative
from commonmeasure.interchange.cells import Formula, Percent, percent_points
from commonmeasure.interchange.errors import FileProblem, RowError
from commonmeasure.interchange.tabular import Table

from . import ownership, signals
from .import_writer import Writer
from .models import Disaggregation, Submission, disaggregation_key
from .workflow import approve_many

REQUIRED = ("organisation", "indicator", "period", "value")
CHUNK = 20_000
NEW_CHUNK = CHUNK * 5  # values of NEW_CHUNK // 5 rows
MAX_ERRORS = 1000
MAX_COMMENT = 2000
IMPORT_CACHE_MB = 256  # SQLite page cache while importing; memory is taken only as pages are used
VALUE_CACHE = 10_000  # distinct value texts remembered per indicator (counts repeat a lot)
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
WEB, FILE, API = "web", "file", "api"


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0
    submissions: set[int] = field(default_factory=set)
    approved: int = 0
    dry_run: bool = False
    warnings: list[RowError] = field(
        default_factory=list
    )  # failed warning rules; they do not block
    notes: list[str] = field(default_factory=list)  # how cells were read, e.g. "21.4%"

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, message))
        else:
            self.more_errors += 1

    def as_dict(self) -> dict:
        errors = [e.as_dict() for e in self.errors]
        if self.more_errors:
            errors.append(
                {
                    "row": None,
                    "column": None,
                    "message": _("... and %(n)s more errors") % {"n": self.more_errors},
                }
            )
        out = {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": errors,
        }
        if self.warnings:
            out["warnings"] = [w.as_dict() for w in self.warnings]
        return out


class _Rollback(Exception):
    pass


class _Context:
    """Everything a row is checked against, looked up once per import."""

    def __init__(self, initiative: Initiative, today: date):
        self.initiative = initiative
        self.orgs = dict(
            initiative.participations.values_list("organisation__code", "organisation_id")
        )
        self.orgs_ci = {code.lower(): oid for code, oid in self.orgs.items()}
        self.org_codes = {oid: code for code, oid in self.orgs.items()}
        self.org_names = dict(
            initiative.participations.values_list("organisation_id", "organisation__name")
        )
        self.indicators: dict[str, Indicator] = {}
        self.allowed_dims: dict[int, frozenset[str]] = {}
        for ind in initiative.indicators.prefetch_related("dimensions"):
            self.indicators[ind.code] = ind
            self.allowed_dims[ind.id] = frozenset(d.code for d in ind.dimensions.all())
        self.indicators_ci = {code.lower(): ind for code, ind in self.indicators.items()}
        self.categories: dict[str, dict[str, str]] = {}
        for dim in initiative.dimensions.prefetch_related("categories"):
            lookup: dict[str, str] = {}
            for cat in dim.categories.all():
                lookup[cat.code] = cat.code
                lookup.setdefault(cat.code.lower(), cat.code)
                for name in every_text(cat, "name"):  # in any of the initiative's languages
                    lookup.setdefault(name.lower(), cat.code)
            self.categories[dim.code] = lookup
        self.combos = dict(initiative.disaggregations.values_list("key", "id"))
        self.period_cache: dict[str, periods.Period | str] = {}
        self.today = today
        self.today_month = periods.month_index(today.year, today.month)
        self.allowed_orgs: frozenset[int] | None = None
        self.owners = ownership.Owners(initiative)
        self.dry_run = False

    def period(self, code: str) -> periods.Period | str:
        hit = self.period_cache.get(code)
        if hit is None:
            try:
                p = self.initiative.parse_period(code)
                if p.start > self.today_month:
                    hit = _("period %(period)s has not started yet") % {"period": code}
                else:
                    hit = p
            except periods.PeriodError as exc:
                hit = _("%(problem)s (%(frequency)s reporting)") % {
                    "problem": exc,
                    "frequency": self.initiative.reporting_frequency,
                }
            self.period_cache[code] = hit
        return hit

    def combo_id(self, cats: dict[str, str]) -> int:
        key, dims = disaggregation_key(cats)
        cid = self.combos.get(key)
        if cid is None and self.dry_run:  # a dry run writes nothing: an id of its own below zero
            cid = self.combos[key] = -1 - len(self.combos)
        if cid is None:
            cid = Disaggregation.objects.create(
                initiative=self.initiative,
                key=key,
                dims=dims,
                categories=dict(sorted(cats.items())),
            ).id
            self.combos[key] = cid
        return cid


def check_value(raw, ind: Indicator) -> tuple[float | None, str | None]:
    """Read a cell as this indicator's value: (value, None) or (None, message)."""
    if isinstance(raw, bool):
        return None, _("%(value)s is not a number") % {"value": repr(raw)}
    if type(raw) is Percent or (type(raw) is str and "%" in raw):
        return _percent_value(raw, ind)
    if isinstance(raw, int | float):
        try:
            value = float(raw)
        except OverflowError:  # an integer of hundreds of digits (JSON allows it)
            return None, _("the value is too large")
    else:
        text = str(raw).strip()
        if not text:
            return None, _("the value is empty")
        if not _NUMBER_RE.match(text):
            if text.startswith("="):
                return (
                    None,
                    _(
                        "%(text)s is a formula; formulas are never calculated: enter the number itself"
                    )
                    % {"text": repr(_short(text))},
                )
            return None, _("%(value)s is not a number") % {"value": repr(text)}
        value = float(text)
    if not math.isfinite(value):
        return None, _("the value is too large")
    return check_number(value, ind)


def _percent_value(raw, ind: Indicator) -> tuple[float | None, str | None]:
    """A value typed with "%" (text "21.4%", or a cell shown as a percentage): 21.4 for a
    percentage indicator; refused for any other, where the figure would be off by 100."""
    points = percent_points(raw)
    if points is None:
        return None, _("%(value)s is not a number") % {"value": repr(str(raw).strip())}
    shown = f"{_fmt(points)}%"
    if ind.value_type != Indicator.PERCENTAGE:
        return None, (
            _(
                "%(value)s is a percentage, but %(indicator)s is not a percentage indicator "
                "(%(type)s): enter the number itself, without %%"
            )
            % {"value": shown, "indicator": _named(ind), "type": ind.value_type}
        )
    return check_number(points, ind)


def is_percent_cell(raw) -> bool:
    return type(raw) is Percent or (type(raw) is str and "%" in raw)


def _named(ind: Indicator) -> str:
    """An indicator in a message: its name, for people, and its code, as a file holds it."""
    return f"{ind.name} ({ind.code})" if ind.name and ind.name != ind.code else ind.code


def check_number(value: float, ind: Indicator) -> tuple[float | None, str | None]:
    """Check a finite number against this indicator's value type: (value, None) or (None, message)."""
    vt = ind.value_type
    if vt == Indicator.COUNT:
        if value < 0 or value != int(value):
            return (
                None,
                _("%(value)s is not a count: %(indicator)s takes whole numbers of 0 or more")
                % {"value": _fmt(value), "indicator": _named(ind)},
            )
    elif vt == Indicator.PERCENTAGE:
        if not 0 <= value <= 100:
            return (
                None,
                _("%(value)s is not a percentage: %(indicator)s takes values from 0 to 100")
                % {"value": _fmt(value), "indicator": _named(ind)},
            )
    elif vt == Indicator.RATE:
        if value < 0:
            return (
                None,
                _("%(value)s is negative: %(indicator)s is a rate and cannot be below 0")
                % {"value": _fmt(value), "indicator": _named(ind)},
            )
    return value, None


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


def import_table(
    initiative: Initiative,
    table: Table,
    *,
    dry_run: bool = False,
    approve: bool = False,
    user=None,
    channel: str = FILE,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
    organisations: Collection[int] | None = None,
) -> ImportResult:
    """Validate and upsert every row of ``table``; all or nothing.

    ``organisations``: if given, the ids of the only organisations whose values may be written;
    a row for any other organisation is an error (e.g. a reporter uploading through the API).
    """
    result = ImportResult(dry_run=dry_run)
    ctx = _Context(initiative, today or timezone.localdate())
    ctx.allowed_orgs = None if organisations is None else frozenset(organisations)
    ctx.dry_run = dry_run
    columns = _check_header(table.header, ctx, result)
    if result.errors:
        return result
    try:
        if dry_run:  # writes nothing, so needs no transaction (and no write lock on SQLite)
            writer = _run(ctx, table, columns, result, user, progress, channel, dry_run=True)
            if not result.errors:
                writer.finish()
            raise _Rollback
        with transaction.atomic():
            writer = _run(ctx, table, columns, result, user, progress, channel)
            if not result.errors:
                writer.finish()
            if result.errors:
                raise _Rollback
            if approve and result.submissions:
                # The one workflow path (workflow.py); it tells the rollups of what it approves,
                # and the reports it leaves were approved already, with their values unchanged.
                result.approved = approve_many(
                    initiative, result.submissions, user, channel=channel
                )
            elif result.submissions:
                signals.values_changed.send(
                    sender=Submission,
                    initiative=initiative,
                    submission_ids=sorted(result.submissions),
                )
    except _Rollback:
        pass
    except FileProblem as problem:
        result.add_error(problem.error.row, problem.error.column, problem.error.message)
    if result.errors:
        result.imported = result.updated = result.unchanged = 0
    return result


def _check_header(header: list, ctx: _Context, result: ImportResult) -> dict[str, int]:
    columns: dict[str, int] = {}
    names = [str(h).strip().lower() for h in header]
    dims = set(ctx.categories)
    for index, name in enumerate(names):
        if not name:
            result.add_error(1, f"#{index + 1}", _("the header cell is empty"))
        elif name in columns:
            result.add_error(1, name, _("the column appears twice"))
        elif name in REQUIRED or name == "comment" or name in dims:
            columns[name] = index
        else:
            expected = ", ".join(REQUIRED + ("comment",) + tuple(sorted(dims)))
            result.add_error(
                1, name, _("unknown column; expected %(expected)s") % {"expected": expected}
            )
    for name in REQUIRED:
        if name not in columns:
            result.add_error(1, name, "required column is missing")
    return columns


@contextmanager
def bulk_write_settings():
    """On SQLite, a page cache big enough for a large import, restored afterwards.

    The import is one transaction, so every page it changes stays in the cache until the
    commit; with SQLite's default 2 MB cache, pages of the indexes are written out to the WAL
    and read back over and over, and a million values take ten times as long. Durability is
    unchanged: the journal mode (WAL) and synchronous setting are left as configured.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_MB * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


_pauses = 0
_pauses_lock = threading.Lock()
_gc_was_enabled = False


@contextmanager
def collection_paused():
    """Python's cyclic garbage collector off while a large import reads and writes its rows.

    An import keeps millions of small objects alive until it ends (its caches and the chunks
    it writes), and each automatic collection walks all of them again: about 5 % of a
    million-value import's time. The import makes no reference cycles worth collecting on the
    way; everything is freed by reference counting, and the collector is switched back on (and
    catches up) as soon as the last import running in the process ends.
    """
    global _pauses, _gc_was_enabled
    with _pauses_lock:
        if _pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _gc_was_enabled:
                gc.enable()


def _run(
    ctx: _Context,
    table: Table,
    columns: dict[str, int],
    result: ImportResult,
    user,
    progress,
    channel=FILE,
    dry_run=False,
):
    with bulk_write_settings(), collection_paused():
        return _check_and_write(ctx, table, columns, result, user, progress, channel, dry_run)


class _Checker:
    """Checks one row at a time, every check in the order of values-file.md.

    What a cell means is worked out once per distinct text and remembered: codes, periods and
    combinations of categories repeat on almost every row. A row whose (organisation, period)
    cells and whose (indicator, category) cells were both seen before on a good row, and whose
    value text was seen before as a good value of that indicator, is a good row and is taken by
    the short path in _check_and_write; every other row is checked here, cell by cell. Only text
    cells are remembered; numbers and dates from XLSX never equal a text key, so they are
    always worked out afresh.
    """

    def __init__(self, ctx: _Context, columns: dict[str, int], result: ImportResult, writer):
        self.ctx, self.result, self.writer = ctx, result, writer
        self.i_org, self.i_ind, self.i_per, self.i_val = (columns[c] for c in REQUIRED)
        self.i_com = columns.get("comment")
        self.dim_cols = [(name, idx) for name, idx in columns.items() if name in ctx.categories]
        self.dim_cells = _cells_getter([idx for _, idx in self.dim_cols])
        self.org_cache: dict = {}
        self.ind_cache: dict = {}
        self.period_cache: dict = {}
        self.dims_cache: dict = {}
        self.slots: dict[tuple[int, int], tuple[list, int]] = {}  # report -> (slot, number << 32)
        self.series_numbers: dict[tuple[int, int], int] = {}  # (indicator, combination) -> number
        # Per indicator: (indicator, value check, {value text: value} of good values).
        self.checks = {ind.id: (ind, _value_check(ind), {}) for ind in ctx.indicators.values()}
        # Formulas are refused in every column (the value column says so in its own check).
        self.formula_columns = [(idx, name) for name, idx in columns.items() if name != "value"]
        self.percent_seen = False  # a value was typed with %
        self.breakdowns = writer.breakdowns
        self.breakdowns.slots = self.slots

    def check(self, row_number: int, cells: list):
        """(report key, slot entry, series entry, value, comment) of a good row, or None after
        adding its errors to the result."""
        ctx, add, ok = self.ctx, self.result.add_error, True
        if Formula in map(type, cells):
            for idx, column in self.formula_columns:
                if type(cells[idx]) is Formula:
                    add(row_number, column, _formula_problem(cells[idx], column))
                    ok = False
            if not ok:
                return None
        raw_org = cells[self.i_org]
        hit = self.org_cache.get(raw_org)
        if hit is None:
            hit = _organisation(ctx, raw_org)
            if type(raw_org) is str:
                self.org_cache[raw_org] = hit
        org_id, problem = hit
        if problem is not None:
            add(row_number, "organisation", problem)
            ok = False
        raw_ind = cells[self.i_ind]
        info = self.ind_cache.get(raw_ind, _MISSING)
        if info is _MISSING:
            info = _indicator(ctx, raw_ind)
            if type(info) is not str:
                info = self.checks[info.id]
            if type(raw_ind) is str:
                self.ind_cache[raw_ind] = info
        ind = None
        if type(info) is str:
            add(row_number, "indicator", info)
            ok = False
        else:
            ind, check, good_values = info
        raw_per = cells[self.i_per]
        period = self.period_cache.get(raw_per)
        if period is None:
            period = _period(ctx, raw_per)
            if type(raw_per) is str:
                self.period_cache[raw_per] = period
        if type(period) is str:
            add(row_number, "period", period)
            ok = False
        texts = self.dim_cells(cells)
        ind_id = None if ind is None else ind.id
        dims = self.dims_cache.get((ind_id, texts))
        if dims is None:
            dims = _dimensions(ctx, ind, self.dim_cols, texts)
            if all(type(t) is str for t in texts):
                self.dims_cache[(ind_id, texts)] = dims
        if dims[0]:
            for column, message in dims[0]:
                add(row_number, column, message)
            ok = False
        value = None
        if ind is not None:
            raw = cells[self.i_val]
            value, problem = check(raw)
            if problem:
                add(row_number, "value", problem)
                ok = False
            else:
                if not self.percent_seen and is_percent_cell(raw):
                    self.percent_seen = True
                if type(raw) is str and len(good_values) < VALUE_CACHE:
                    good_values[raw] = value
        comment = ""
        if self.i_com is not None:
            comment, problem = _comment(cells[self.i_com])
            if problem:
                add(row_number, "comment", problem)
                ok = False
        if not ok:
            return None
        combo = dims[2]
        if combo is None:
            combo = dims[2] = ctx.combo_id(dims[1])
        report = (org_id, period.start)
        entry = self.slots.get(report)
        if entry is None:
            entry = self.slots[report] = (self.writer.slot(org_id, period), len(self.slots) << 32)
        if ind.survey_fed and ctx.owners:
            cover = ctx.owners.owner(org_id, ind_id, period)
            if cover is not None:
                message = ownership.refusal(ind.code, ctx.org_names[org_id], period.code, cover)
                add(row_number, "value", message)
                return None
        number = self.series_numbers.setdefault((ind_id, combo), len(self.series_numbers))
        group = self.breakdowns.group(ind_id, dims[1]) or (None, 0, None)
        series = (number, ind_id, combo, good_values, *group)
        return entry, series, value, comment


_MISSING = object()


def _formula_problem(text: str, column: str) -> str:
    return _("%(text)s is a formula; formulas are never calculated: type the %(column)s itself") % {
        "text": repr(_short(text)),
        "column": column,
    }


def _comment(raw) -> tuple[str, str | None]:
    comment = str(raw).strip()
    if len(comment) > MAX_COMMENT:
        return comment, _("the comment is longer than %(n)s characters") % {"n": MAX_COMMENT}
    return comment, None


def _check_and_write(
    ctx: _Context,
    table: Table,
    columns: dict[str, int],
    result: ImportResult,
    user,
    progress,
    channel=FILE,
    dry_run=False,
):
    now_db = connection.ops.adapt_datetimefield_value(timezone.now())
    writer = Writer(ctx, result, getattr(user, "id", None), now_db, channel, dry_run)
    checker = _Checker(ctx, columns, result, writer)
    width = len(table.header)
    i_org, i_per, i_val, i_com = checker.i_org, checker.i_per, checker.i_val, checker.i_com
    report_cells = itemgetter(i_org, i_per)
    series_cells = _cells_getter([checker.i_ind, *(idx for _, idx in checker.dim_cols)])
    # Cells seen on good rows: (organisation, period) texts -> (slot, report number << 32), and
    # (indicator, category...) texts -> (series number, indicator id, combination id, good
    # values of the indicator).
    reports: dict[tuple, tuple[list, int]] = {}
    series: dict[tuple, tuple[int, int, int, dict]] = {}
    get_report, get_series = reports.get, series.get
    seen: dict[int, int] = {}  # report number << 32 | series number -> first row
    first_row = seen.setdefault
    # Checked rows waiting to be written: (row number, slot, indicator id, combination id, value,
    # comment); and, flat, the new values of reports this import creates (slot, indicator id,
    # combination id, value, comment), which need no comparison. With validation rules every
    # row goes the first way, for the rows of the totals.
    pending: list[tuple] = []
    new: list = []
    append, add_new = pending.append, new.extend
    direct = not writer.rules
    owned = ctx.owners.indicators  # always checked row by row: ownership depends on the period
    sums = writer.breakdowns.sums  # checked indicators: sums and counts per breakdown
    get_sum, negative = sums.get, writer.breakdowns.negative
    for row_number, cells in table.rows:
        if progress is not None and row_number % 5000 == 0:
            progress(table.position())
        if len(cells) != width:
            cells = _fit(cells, width, row_number, result)
            if cells is None:
                continue
        # The short path: cells seen before on good rows, a value seen before as good.
        value = line = None
        entry = get_report(report_cells(cells))
        if entry is not None:
            line = get_series(series_cells(cells))
            if line is not None:
                value = line[3].get(cells[i_val])
        comment = ""
        if value is not None and i_com is not None:
            comment = cells[i_com]
            if comment != "" and (
                type(comment) is not str or len(comment) > MAX_COMMENT or comment.strip() != comment
            ):
                value = None
        if value is None:
            checked = checker.check(row_number, cells)
            if checked is None:
                continue
            entry, line, value, comment = checked
            if type(cells[i_org]) is str and type(cells[i_per]) is str:
                reports[report_cells(cells)] = entry
            texts = series_cells(cells)
            if all(type(c) is str for c in texts) and line[1] not in owned:
                series[texts] = line
        key = entry[1] | line[0]
        first = first_row(key, row_number)
        if first != row_number:
            result.add_error(
                row_number,
                None,
                _("duplicate of row %(row)s: same organisation, indicator, period and categories")
                % {"row": first},
            )
            continue
        if result.errors:
            continue  # keep checking, but nothing will be written
        number = line[4]  # a checked indicator's number (breakdowns.ImportCheck), or None
        if number is not None:
            key = entry[1] | number
            acc = get_sum(key)
            if acc is None:
                acc = sums[key] = line[6].template[:]
                acc[-2] = row_number
            at = line[5]
            acc[at] += value
            acc[at + 1] += 1
            if at == 0:
                acc[-1] = row_number
            elif value < 0:
                negative.setdefault(key, set()).add(at)
        slot = entry[0]
        if slot[5] and direct:  # a new value of a report this import creates
            add_new((slot, line[1], line[2], value, comment))
            if len(new) >= NEW_CHUNK:
                writer.flush(pending, new)
                pending, new = [], []
                append, add_new = pending.append, new.extend
        else:
            append((row_number, slot, line[1], line[2], value, comment))
            if len(pending) >= CHUNK:
                writer.flush(pending, new)
                pending, new = [], []
                append, add_new = pending.append, new.extend
    if progress is not None:
        progress(table.position())
    if checker.percent_seen:
        result.notes.append(
            # xgettext:no-python-format
            _(
                "Values typed with % in percentage indicators were read as percentages "
                "(21.4% as 21.4)."
            )
        )
    if not result.errors and (pending or new):
        writer.flush(pending, new)
    return writer


def _fit(cells: list, width: int, row_number: int, result: ImportResult) -> list | None:
    """A row with too few or too many cells: None if it is blank or an error, else its cells."""
    if len(cells) < width and all(str(c).strip() == "" for c in cells):
        return None
    if len(cells) > width and not any(str(c).strip() for c in cells[width:]):
        return cells[:width]
    result.add_error(
        row_number,
        None,
        _("the row has %(cells)s cells but the header has %(width)s; it may be truncated")
        % {"cells": len(cells), "width": width},
    )
    return None


def _cells_getter(indexes: list[int]) -> Callable[[list], tuple]:
    if not indexes:
        return lambda cells: ()
    if len(indexes) == 1:
        only = indexes[0]
        return lambda cells: (cells[only],)
    return itemgetter(*indexes)


def _organisation(ctx: _Context, raw) -> tuple[int | None, str | None]:
    """(organisation id, None) or (None or id, the problem with this cell)."""
    org_code = str(raw).strip()
    org_id = ctx.orgs.get(org_code) or ctx.orgs_ci.get(org_code.lower())
    if org_id is None:
        return None, (
            _("unknown organisation %(organisation)s in initiative %(initiative)s")
            % {"organisation": repr(org_code), "initiative": ctx.initiative.code}
            if org_code
            else _("the organisation is empty")
        )
    if ctx.allowed_orgs is not None and org_id not in ctx.allowed_orgs:
        return org_id, _("you may not enter values for organisation %(organisation)s") % {
            "organisation": ctx.org_codes[org_id]
        }
    return org_id, None


def _indicator(ctx: _Context, raw) -> Indicator | str:
    """The indicator a cell names, or the problem with it."""
    ind_code = str(raw).strip()
    ind = ctx.indicators.get(ind_code) or ctx.indicators_ci.get(ind_code.lower())
    if ind is None:
        return (
            _("unknown indicator %(indicator)s in initiative %(initiative)s")
            % {"indicator": repr(ind_code), "initiative": ctx.initiative.code}
            if ind_code
            else _("the indicator is empty")
        )
    if ind.kind != Indicator.REPORTED:
        return _(
            "indicator %(indicator)s is a %(kind)s indicator: its values "
            "are worked out from other indicators, not imported"
        ) % {"indicator": ind.code, "kind": ind.get_kind_display().lower()}
    if ind.is_retired:
        return _("indicator %(indicator)s is retired: it is no longer reported") % {
            "indicator": ind.code
        }
    return ind


def _period(ctx: _Context, raw_period) -> periods.Period | str:
    """The period a cell names, or the problem with it."""
    period_code = str(raw_period).strip()
    if isinstance(raw_period, int) and not isinstance(raw_period, bool):
        period_code = str(raw_period)
    elif hasattr(raw_period, "year") and hasattr(raw_period, "month"):
        period_code = f"{raw_period.year:04d}-{raw_period.month:02d}"
    return ctx.period(period_code) if period_code else _("the period is empty")


def _dimensions(ctx: _Context, ind: Indicator | None, dim_cols, texts) -> list:
    """[[(column, problem), ...], {dimension: category}, combination id (filled in when used)]."""
    problems: list[tuple[str, str]] = []
    cats: dict[str, str] = {}
    for (dim_code, _idx), raw in zip(dim_cols, texts, strict=True):
        text = str(raw).strip() if raw != "" else ""
        if not text:
            continue
        if ind is not None and dim_code not in ctx.allowed_dims[ind.id]:
            allowed = ", ".join(sorted(ctx.allowed_dims[ind.id])) or "none"
            problems.append(
                (
                    dim_code,
                    _(
                        "indicator %(indicator)s cannot be disaggregated by %(dimension)s "
                        "(allowed: %(allowed)s)"
                    )
                    % {"indicator": ind.code, "dimension": dim_code, "allowed": allowed},
                )
            )
            continue
        lookup = ctx.categories[dim_code]
        cat = lookup.get(text) or lookup.get(text.lower())
        if cat is None:
            problems.append(
                (
                    dim_code,
                    _("unknown category %(category)s; expected one of %(expected)s")
                    % {
                        "category": repr(text),
                        "expected": ", ".join(sorted(set(lookup.values()))),
                    },
                )
            )
            continue
        cats[dim_code] = cat
    return [problems, cats, None]


def _value_check(ind: Indicator) -> Callable[[object], tuple[float | None, str | None]]:
    """check_value for one indicator, with a shortcut for plain whole numbers ("0" to "999...")."""

    def check(raw):
        # isdecimal() text is exactly what the number pattern's \d+ matches, with no sign, point
        # or spaces; under 16 digits it is a finite whole number that float() reads exactly.
        if type(raw) is str and raw.isdecimal() and len(raw) < 16:
            return check_number(float(raw), ind)
        return check_value(raw, ind)

    return check
