"""Import values in bulk, in the long layout:

    organisation,indicator,period,value[,<dimension code>...][,comment]

Every row is validated; if any row has an error nothing is written. Writes happen inside one
transaction in chunks, so memory stays flat as files grow, and are rolled back on any error
or on a dry run. See docs/reference/values-file.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from commonmeasure.domain import periods
from commonmeasure.initiatives.models import Indicator, Initiative
from commonmeasure.interchange.errors import FileProblem, RowError
from commonmeasure.interchange.tabular import Table

from . import signals
from .models import DataValue, Disaggregation, Submission, ValueChange, disaggregation_key

REQUIRED = ("organisation", "indicator", "period", "value")
CHUNK = 20_000
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
                {"row": None, "column": None, "message": f"... and {self.more_errors} more errors"}
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
                lookup.setdefault(cat.name.lower(), cat.code)
            self.categories[dim.code] = lookup
        self.combos = dict(initiative.disaggregations.values_list("key", "id"))
        self.period_cache: dict[str, periods.Period | str] = {}
        self.today = today
        self.today_month = periods.month_index(today.year, today.month)
        self.allowed_orgs: frozenset[int] | None = None

    def period(self, code: str) -> periods.Period | str:
        hit = self.period_cache.get(code)
        if hit is None:
            try:
                p = self.initiative.parse_period(code)
                if p.start > self.today_month:
                    hit = f"period {code} has not started yet"
                else:
                    hit = p
            except periods.PeriodError as exc:
                hit = f"{exc} ({self.initiative.reporting_frequency} reporting)"
            self.period_cache[code] = hit
        return hit

    def combo_id(self, cats: dict[str, str]) -> int:
        key, dims = disaggregation_key(cats)
        cid = self.combos.get(key)
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
        return None, f"{raw!r} is not a number"
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip()
        if not text:
            return None, "the value is empty"
        if not _NUMBER_RE.match(text):
            if text.startswith("="):
                return (
                    None,
                    f"{_short(text)!r} is a formula; formulas are never calculated: enter the number itself",
                )
            return None, f"{text!r} is not a number"
        value = float(text)
    if not math.isfinite(value):
        return None, "the value is too large"
    return check_number(value, ind)


def check_number(value: float, ind: Indicator) -> tuple[float | None, str | None]:
    """Check a finite number against this indicator's value type: (value, None) or (None, message)."""
    vt = ind.value_type
    if vt == Indicator.COUNT:
        if value < 0 or value != int(value):
            return (
                None,
                f"{_fmt(value)} is not a count: {ind.code} takes whole numbers of 0 or more",
            )
    elif vt == Indicator.PERCENTAGE:
        if not 0 <= value <= 100:
            return None, f"{_fmt(value)} is not a percentage: {ind.code} takes values from 0 to 100"
    elif vt == Indicator.RATE:
        if value < 0:
            return None, f"{_fmt(value)} is negative: {ind.code} is a rate and cannot be below 0"
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
    columns = _check_header(table.header, ctx, result)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            writer = _run(ctx, table, columns, result, user, progress, channel)
            if not result.errors:
                writer.finish()
            if result.errors or dry_run:
                raise _Rollback
            if approve and result.submissions:
                result.approved = approve_submissions(result.submissions, user)
            if result.submissions:
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
            result.add_error(1, f"#{index + 1}", "the header cell is empty")
        elif name in columns:
            result.add_error(1, name, "the column appears twice")
        elif name in REQUIRED or name == "comment" or name in dims:
            columns[name] = index
        else:
            expected = ", ".join(REQUIRED + ("comment",) + tuple(sorted(dims)))
            result.add_error(1, name, f"unknown column; expected {expected}")
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


def _run(
    ctx: _Context,
    table: Table,
    columns: dict[str, int],
    result: ImportResult,
    user,
    progress,
    channel=FILE,
):
    with bulk_write_settings():
        return _check_and_write(ctx, table, columns, result, user, progress, channel)


def _check_and_write(
    ctx: _Context,
    table: Table,
    columns: dict[str, int],
    result: ImportResult,
    user,
    progress,
    channel=FILE,
):
    # The checks are those of the docstring at the top, in the same order for every row. To keep
    # a million rows fast, what a cell means is worked out once per distinct text and cached:
    # codes, periods and category combinations repeat on almost every row. Only text cells are
    # cached; other cells (numbers and dates from XLSX) never equal a text key, so they are
    # always worked out afresh.
    i_org, i_ind, i_per, i_val = (columns[c] for c in REQUIRED)
    i_com = columns.get("comment")
    dim_cols = [(name, idx) for name, idx in columns.items() if name in ctx.categories]
    dim_cells = _cells_getter([idx for _, idx in dim_cols])
    width = len(table.header)
    seen: dict[int, int] = {}
    pending: list[tuple] = []
    append = pending.append
    add = result.add_error
    user_id = getattr(user, "id", None)
    now_db = connection.ops.adapt_datetimefield_value(timezone.now())
    writer = _Writer(ctx, result, user_id, now_db, channel)
    slot_for = writer.slot
    slots: dict[int, list] = {}
    org_cache: dict[str, tuple[int | None, str | None]] = {}
    ind_cache: dict[str, tuple | None] = {}
    period_cache: dict[str, periods.Period | str] = {}
    dims_cache: dict[tuple, list] = {}
    # Per indicator: (indicator, id, value check, {cell text: check result}).
    checks = {ind.id: (ind, ind.id, _value_check(ind), {}) for ind in ctx.indicators.values()}
    missing = object()

    for row_number, cells in table.rows:
        if progress is not None and row_number % 5000 == 0:
            progress(table.position())
        if len(cells) != width:
            if len(cells) < width and all(str(c).strip() == "" for c in cells):
                continue
            if not any(str(c).strip() for c in cells[width:]) and len(cells) > width:
                cells = cells[:width]
            else:
                add(
                    row_number,
                    None,
                    f"the row has {len(cells)} cells but the header has {width}; it may be truncated",
                )
                continue
        ok = True
        raw = cells[i_org]
        hit = org_cache.get(raw)
        if hit is None:
            hit = _organisation(ctx, raw)
            if type(raw) is str:
                org_cache[raw] = hit
        org_id, problem = hit
        if problem is not None:
            add(row_number, "organisation", problem)
            ok = False
        raw = cells[i_ind]
        info = ind_cache.get(raw, missing)
        if info is missing:
            ind = _indicator(ctx, raw)
            info = None if ind is None else checks[ind.id]
            if type(raw) is str:
                ind_cache[raw] = info
        if info is None:
            ind = ind_id = None
            ind_code = str(raw).strip()
            add(
                row_number,
                "indicator",
                f"unknown indicator {ind_code!r} in initiative {ctx.initiative.code}"
                if ind_code
                else "the indicator is empty",
            )
            ok = False
        else:
            ind, ind_id, check, checked = info
        raw = cells[i_per]
        period = period_cache.get(raw)
        if period is None:
            period = _period(ctx, raw)
            if type(raw) is str:
                period_cache[raw] = period
        if type(period) is str:
            add(row_number, "period", period)
            ok = False
        texts = dim_cells(cells)
        dims = dims_cache.get((ind_id, texts))
        if dims is None:
            dims = _dimensions(ctx, ind, dim_cols, texts)
            if all(type(t) is str for t in texts):
                dims_cache[(ind_id, texts)] = dims
        if dims[0]:
            for column, message in dims[0]:
                add(row_number, column, message)
            ok = False
        value = None
        if ind is not None:
            raw = cells[i_val]
            hit = checked.get(raw)
            if hit is None:
                hit = check(raw)
                if type(raw) is str and len(checked) < VALUE_CACHE:
                    checked[raw] = hit
            value, problem = hit
            if problem:
                add(row_number, "value", problem)
                ok = False
        comment = ""
        if i_com is not None:
            comment = str(cells[i_com]).strip()
            if len(comment) > MAX_COMMENT:
                add(row_number, "comment", f"the comment is longer than {MAX_COMMENT} characters")
                ok = False
        if not ok:
            continue
        combo = dims[2]
        if combo is None:
            combo = dims[2] = ctx.combo_id(dims[1])
        report = org_id << 32 | period.start
        key = ((report << 24 | ind_id) << 32) | combo
        first = seen.get(key)
        if first is not None:
            add(
                row_number,
                None,
                f"duplicate of row {first}: same organisation, indicator, period and categories",
            )
            continue
        seen[key] = row_number
        if result.errors:
            continue  # keep checking, but nothing will be written
        slot = slots.get(report)
        if slot is None:
            slot = slots[report] = slot_for(org_id, period)
        append((row_number, slot, ind_id, combo, value, comment))
        if len(pending) >= CHUNK:
            writer.flush(pending)
            pending = []
            append = pending.append
    if progress is not None:
        progress(table.position())
    if not result.errors and pending:
        writer.flush(pending)
    return writer


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
            f"unknown organisation {org_code!r} in initiative {ctx.initiative.code}"
            if org_code
            else "the organisation is empty"
        )
    if ctx.allowed_orgs is not None and org_id not in ctx.allowed_orgs:
        return org_id, f"you may not enter values for organisation {ctx.org_codes[org_id]}"
    return org_id, None


def _indicator(ctx: _Context, raw) -> Indicator | None:
    ind_code = str(raw).strip()
    return ctx.indicators.get(ind_code) or ctx.indicators_ci.get(ind_code.lower())


def _period(ctx: _Context, raw_period) -> periods.Period | str:
    """The period a cell names, or the problem with it."""
    period_code = str(raw_period).strip()
    if isinstance(raw_period, int) and not isinstance(raw_period, bool):
        period_code = str(raw_period)
    elif hasattr(raw_period, "year") and hasattr(raw_period, "month"):
        period_code = f"{raw_period.year:04d}-{raw_period.month:02d}"
    return ctx.period(period_code) if period_code else "the period is empty"


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
                    f"indicator {ind.code} cannot be disaggregated by {dim_code} (allowed: {allowed})",
                )
            )
            continue
        lookup = ctx.categories[dim_code]
        cat = lookup.get(text) or lookup.get(text.lower())
        if cat is None:
            problems.append(
                (
                    dim_code,
                    f"unknown category {text!r}; expected one of {', '.join(sorted(set(lookup.values())))}",
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


def _existing_submissions(ctx: _Context) -> dict[tuple[int, str], tuple[int, str, bool]]:
    return {
        (org_id, period): (sid, status, unlocked is not None)
        for sid, org_id, period, status, unlocked in Submission.objects.filter(
            initiative=ctx.initiative
        ).values_list("id", "organisation_id", "period", "status", "unlocked_at")
    }


class _Writer:
    """Writes checked rows in chunks: creates the reports they need, then inserts or updates values.

    Each (organisation, period) has a slot, [submission id, status, organisation id, period,
    past its deadline and locked], shared by its rows; a new report's id is filled in when the
    chunk is written. Every inserted or updated value also gets a row in the audit trail
    (ValueChange), written in bulk the same way.
    """

    ROWS_PER_INSERT = 100  # 800 parameters a statement, under every database's limit

    def __init__(self, ctx: _Context, result: ImportResult, user_id, now_db, channel=FILE):
        from .rules import RuleSet

        self.ctx = ctx
        self.result = result
        self.user_id = user_id
        self.now_db = now_db
        self.channel = channel
        self.changed: set[int] = set()  # reports whose values this import changed
        self.rules = RuleSet.for_initiative(ctx.initiative)
        self.total_rows: dict[tuple[int, int], int] = {}  # (report, indicator) -> row of its total
        qn = connection.ops.quote_name
        audit_columns = (
            "(initiative_id, submission_id, indicator_id, disaggregation_id, old_value, new_value, comment, channel, "
            "changed_at, changed_by_id)"
        )
        ten = "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        self.audit_sql = (
            f"INSERT INTO {qn(ValueChange._meta.db_table)} {audit_columns} VALUES {ten}"
        )
        self.audit_many_sql = (
            f"INSERT INTO {qn(ValueChange._meta.db_table)} {audit_columns} VALUES "
            + ", ".join([ten] * (self.ROWS_PER_INSERT * 8 // 10))
        )
        self.stored = _existing_submissions(ctx)
        self.new_slots: list[list] = []  # reports to create before the next write
        self.unloaded: list[list] = []  # existing reports whose values are not read yet
        self.existing: dict[tuple[int, int, int], tuple[int, float, str]] = {}
        table = DataValue._meta.db_table
        qn = connection.ops.quote_name
        columns = "(initiative_id, submission_id, indicator_id, disaggregation_id, value, comment, updated_at, updated_by_id)"
        one = "(%s, %s, %s, %s, %s, %s, %s, %s)"
        self.insert_sql = f"INSERT INTO {qn(table)} {columns} VALUES {one}"
        self.insert_many_sql = f"INSERT INTO {qn(table)} {columns} VALUES " + ", ".join(
            [one] * self.ROWS_PER_INSERT
        )
        self.update_sql = f"UPDATE {qn(table)} SET value = %s, comment = %s, updated_at = %s, updated_by_id = %s WHERE id = %s"

    def slot(self, org_id: int, period: periods.Period) -> list:
        hit = self.stored.get((org_id, period.code))
        locked = False
        if self.ctx.allowed_orgs is not None:  # a reporter: the deadline applies
            deadline = self.ctx.initiative.deadline_for(period)
            locked = deadline is not None and self.ctx.today > deadline and not (hit and hit[2])
        if hit is None:
            slot = [None, Submission.DRAFT, org_id, period, locked]
            self.new_slots.append(slot)
        else:
            slot = [hit[0], hit[1], org_id, period, locked]
            self.unloaded.append(slot)
        return slot

    def _create_submissions(self) -> None:
        """Create the reports the rows need that do not exist yet, in one statement where possible."""
        new = [
            Submission(
                initiative=self.ctx.initiative,
                organisation_id=org_id,
                period=period.code,
                period_start=period.start_date,
            )
            for _sid, _status, org_id, period, _locked in self.new_slots
        ]
        if connection.features.can_return_rows_from_bulk_insert:
            Submission.objects.bulk_create(new, batch_size=500)
        else:
            for sub in new:
                sub.save(force_insert=True)
        for slot, sub in zip(self.new_slots, new, strict=True):
            slot[0], slot[1] = sub.id, sub.status
        self.new_slots = []

    def _load_existing(self) -> None:
        todo = sorted({slot[0] for slot in self.unloaded})
        for start in range(0, len(todo), 500):
            batch = todo[start : start + 500]
            for vid, sid, iid, did, value, comment in DataValue.objects.filter(
                submission_id__in=batch
            ).values_list(
                "id", "submission_id", "indicator_id", "disaggregation_id", "value", "comment"
            ):
                self.existing[(sid, iid, did)] = (vid, value, comment)
        self.unloaded = []

    def flush(self, rows: list[tuple]) -> None:
        if self.new_slots:
            self._create_submissions()
        if self.unloaded:
            self._load_existing()
        inserts: list = []  # flat: eight values a row
        updates: list[tuple] = []
        add_insert = inserts.extend
        touched = self.result.submissions
        existing = self.existing
        initiative_id = self.ctx.initiative.id
        now_db, user_id = self.now_db, self.user_id
        editable = Submission.EDITABLE
        unchanged = 0
        audit: list = []  # flat: ten values a row
        add_audit = audit.extend
        channel = self.channel
        changed = self.changed
        total_combo = self.ctx.combos.get("", -1) if self.rules else -1
        total_rows = self.total_rows
        for row_number, slot, ind_id, combo, value, comment in rows:
            sid = slot[0]
            old = existing.get((sid, ind_id, combo)) if existing else None
            if combo == total_combo:
                total_rows[(sid, ind_id)] = row_number
            if old is not None and old[1] == value and old[2] == comment:
                unchanged += 1
                touched.add(sid)
                continue
            if slot[1] not in editable:
                self.result.add_error(
                    row_number,
                    "value",
                    f"the {slot[3].code} report of {self.ctx.org_codes[slot[2]]} is {slot[1]}; "
                    "the backbone must return or reopen it before values change",
                )
                continue
            if slot[4]:
                self.result.add_error(
                    row_number,
                    "value",
                    f"the deadline for the {slot[3].code} report of {self.ctx.org_codes[slot[2]]} has passed; "
                    "ask the backbone to unlock it",
                )
                continue
            touched.add(sid)
            changed.add(sid)
            if old is None:
                add_insert((initiative_id, sid, ind_id, combo, value, comment, now_db, user_id))
                add_audit(
                    (
                        initiative_id,
                        sid,
                        ind_id,
                        combo,
                        None,
                        value,
                        comment,
                        channel,
                        now_db,
                        user_id,
                    )
                )
            else:
                updates.append((value, comment, now_db, user_id, old[0]))
                add_audit(
                    (
                        initiative_id,
                        sid,
                        ind_id,
                        combo,
                        old[1],
                        value,
                        comment,
                        channel,
                        now_db,
                        user_id,
                    )
                )
        self.result.unchanged += unchanged
        if self.result.errors:
            return
        width = 8 * self.ROWS_PER_INSERT
        whole = len(inserts) // width * width
        with connection.cursor() as cursor:
            if whole:
                cursor.executemany(
                    self.insert_many_sql, [inserts[i : i + width] for i in range(0, whole, width)]
                )
            if whole < len(inserts):
                cursor.executemany(
                    self.insert_sql, [inserts[i : i + 8] for i in range(whole, len(inserts), 8)]
                )
            if updates:
                cursor.executemany(self.update_sql, updates)
            width = 10 * (self.ROWS_PER_INSERT * 8 // 10)
            whole = len(audit) // width * width
            if whole:
                cursor.executemany(
                    self.audit_many_sql, [audit[i : i + width] for i in range(0, whole, width)]
                )
            if whole < len(audit):
                cursor.executemany(
                    self.audit_sql, [audit[i : i + 10] for i in range(whole, len(audit), 10)]
                )
        self.result.imported += len(inserts) // 8
        self.result.updated += len(updates)

    def finish(self) -> None:
        """After every row is written: bump the version of every report whose values changed (so
        an open grid becomes stale), then check the validation rules of every report the file
        touched. A failed error names the rows of the totals involved; a warning is reported."""
        ids = sorted(self.changed)
        for start in range(0, len(ids), 500):
            Submission.objects.filter(id__in=ids[start : start + 500]).update(
                version=F("version") + 1, updated_at=timezone.now()
            )
        if not self.rules:
            return
        from .rules import totals

        by_code = {code: ind.id for code, ind in self.ctx.indicators.items()}
        touched = sorted(self.result.submissions)
        for sid, values in totals(touched).items():
            for outcome in self.rules.failures(values):
                rows = sorted(
                    self.total_rows[(sid, by_code[c])]
                    for c in outcome.indicators
                    if (sid, by_code[c]) in self.total_rows
                )
                if not rows:
                    continue  # the file changed none of the values the rule compares
                add = self.result.add_error if outcome.severity == "error" else self._warn
                where = f"rows {', '.join(map(str, rows))}" if len(rows) > 1 else f"row {rows[0]}"
                for row in rows[:1]:
                    add(
                        row,
                        "value",
                        f"rule {outcome.code} ({outcome.severity}): {outcome.message} — {outcome.reason} ({where})",
                    )

    def _warn(self, row, column, message) -> None:
        if len(self.result.warnings) < MAX_ERRORS:
            self.result.warnings.append(RowError(row, column, message))


def approve_submissions(submission_ids: Iterable[int], user) -> int:
    """Mark submissions approved (a backbone action)."""
    from django.db.models import F

    ids = list(submission_ids)
    changed = 0
    for start in range(0, len(ids), 500):
        changed += (
            Submission.objects.filter(id__in=ids[start : start + 500])
            .exclude(status=Submission.APPROVED)
            .update(
                status=Submission.APPROVED,
                reviewed_at=timezone.now(),
                reviewed_by=user,
                version=F("version") + 1,
                updated_at=timezone.now(),
            )
        )
    return changed
