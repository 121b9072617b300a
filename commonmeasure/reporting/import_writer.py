"""The writing half of the values import (importing.import_table): reports, values, audit trail.

Rows arrive checked, in chunks. Each (organisation, period) has a slot shared by its rows:

    [report id, status, organisation id, period, locked by the deadline, fresh]

A fresh slot is a report this import creates (its id is filled in when the chunk is written)
and that no deadline locks: its rows can only be new values, so they go straight into one
``executemany`` with their creation recorded on the row (docs/reference/audit-trail.md). Rows
of reports that existed before are compared with the stored values: unchanged ones are counted,
changed ones updated and recorded in ValueChange, and values of reports that cannot be edited
are refused.

A dry run (``dry_run=True``) makes the same decisions and counts, and writes nothing: the
reports it would create get ids of their own below zero, and the validation rules read the
stored totals with the file's values laid over them. The import runs it outside any
transaction, so on SQLite it never asks for the write lock and never waits for a writer.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from commonmeasure.domain import periods
from commonmeasure.domain.ids import runs as id_runs
from commonmeasure.interchange.errors import RowError

from .breakdowns import ImportCheck
from .models import DataValue, Submission, ValueChange
from .rules import RuleSet, totals

MAX_WARNINGS = 1000
# A new value's columns: those that differ from row to row, and those the same for the whole
# import (the initiative, the time, the user and the channel of the write and of the creation).
ROW_COLUMNS = ("submission_id", "indicator_id", "disaggregation_id", "value", "comment")
CONSTANT_COLUMNS = (
    "initiative_id",
    "updated_at",
    "updated_by_id",
    "created_at",
    "created_by_id",
    "created_channel",
)
AUDIT_COLUMNS = (
    "initiative_id",
    "submission_id",
    "indicator_id",
    "disaggregation_id",
    "old_value",
    "new_value",
    "comment",
    "channel",
    "changed_at",
    "changed_by_id",
)
# Rows per INSERT statement: 990 parameters, under SQLite's limit of 999 (Django's setting for
# SQLite). One statement per row costs more than three times as much on SQLite, whose
# AUTOINCREMENT bookkeeping runs once per statement.
ROWS_PER_STATEMENT = 90


def _insert_sql(table: str, columns: tuple[str, ...], rows: int) -> str:
    qn = connection.ops.quote_name
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return f"INSERT INTO {qn(table)} ({', '.join(columns)}) VALUES " + ", ".join([one] * rows)


def insert_rows(cursor, table: str, columns: tuple[str, ...], flat: list) -> None:
    """INSERT rows given one after another in ``flat`` (len(columns) values each), in multi-row
    statements run by one ``executemany``."""
    if not flat:
        return
    width = len(columns) * ROWS_PER_STATEMENT
    whole = len(flat) // width * width
    if whole:
        cursor.executemany(
            _insert_sql(table, columns, ROWS_PER_STATEMENT),
            [flat[i : i + width] for i in range(0, whole, width)],
        )
    if whole < len(flat):
        cursor.execute(
            _insert_sql(table, columns, (len(flat) - whole) // len(columns)), flat[whole:]
        )


def insert_values(cursor, flat: list, constants: tuple) -> None:
    """INSERT new values: ``flat`` holds the ROW_COLUMNS of one value after another,
    ``constants`` the CONSTANT_COLUMNS of all of them.

    On SQLite each statement binds the constants once and names them by number (``?1``) in
    every row: binding costs more than anything else SQLite does for a row, and this halves the
    parameters. Elsewhere, multi-row statements with every column of every row."""
    if not flat:
        return
    table = DataValue._meta.db_table
    if connection.vendor != "sqlite":
        k = len(ROW_COLUMNS)
        rows = [flat[i : i + k] for i in range(0, len(flat), k)]
        insert_rows(
            cursor,
            table,
            ROW_COLUMNS + CONSTANT_COLUMNS,
            [v for row in rows for v in (*row, *constants)],
        )
        return
    k, c = len(ROW_COLUMNS), len(CONSTANT_COLUMNS)
    per = (999 - c) // k  # rows a statement, within SQLite's 999 parameters
    width = k * per
    whole = len(flat) // width * width
    constants = list(constants)
    # The sqlite3 cursor itself, in the same transaction: Django's cursor expects %s
    # placeholders (its query log fills them in), not numbered ones.
    raw = connection.connection.cursor()
    try:
        if whole:
            raw.executemany(
                _numbered_insert(table, per),
                [constants + flat[i : i + width] for i in range(0, whole, width)],
            )
        if whole < len(flat):
            raw.execute(_numbered_insert(table, (len(flat) - whole) // k), constants + flat[whole:])
    finally:
        raw.close()


def _numbered_insert(table: str, rows: int) -> str:
    k, c = len(ROW_COLUMNS), len(CONSTANT_COLUMNS)
    fixed = ", ".join(f"?{i + 1}" for i in range(c))
    values = ", ".join(
        "(" + ", ".join(f"?{c + r * k + i + 1}" for i in range(k)) + ", " + fixed + ")"
        for r in range(rows)
    )
    columns = ", ".join(ROW_COLUMNS + CONSTANT_COLUMNS)
    return f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) VALUES {values}"


class Writer:
    """Writes checked rows chunk by chunk, inside the import's transaction (or, for a dry run,
    only counts them)."""

    def __init__(self, ctx, result, user_id, now_db, channel, dry_run=False):
        self.dry_run = dry_run
        self.planned: dict[tuple[int, int], float] = {}  # dry run: (report, indicator) -> total
        self.ctx = ctx
        self.result = result
        self.user_id = user_id
        self.now_db = now_db
        self.channel = channel
        self.changed: set[int] = set()  # reports whose values this import changed
        self.rules = RuleSet.for_initiative(ctx.initiative)
        self.breakdowns = ImportCheck(ctx.initiative)
        self.total_rows: dict[tuple[int, int], int] = {}  # (report, indicator) -> row of its total
        self.stored = {
            (org_id, period): (sid, status, unlocked is not None)
            for sid, org_id, period, status, unlocked in Submission.objects.filter(
                initiative=ctx.initiative
            ).values_list("id", "organisation_id", "period", "status", "unlocked_at")
        }
        self.new_slots: list[list] = []  # reports to create before the next write
        self.unloaded: list[list] = []  # existing reports whose values are not read yet
        self.existing: dict[tuple[int, int, int], tuple[int, float, str]] = {}
        qn = connection.ops.quote_name
        # The first change of a value keeps its first value and comment on the row (the
        # right-hand sides read the row as it was before the UPDATE, in every database).
        self.update_sql = (
            f"UPDATE {qn(DataValue._meta.db_table)} SET "
            "created_value = COALESCE(created_value, value), "
            "created_comment = COALESCE(created_comment, comment), "
            "value = %s, comment = %s, updated_at = %s, updated_by_id = %s WHERE id = %s"
        )

    def slot(self, org_id: int, period: periods.Period) -> list:
        hit = self.stored.get((org_id, period.code))
        locked = False
        if self.ctx.allowed_orgs is not None:  # a reporter: the deadline applies
            deadline = self.ctx.initiative.deadline_for(period)
            locked = deadline is not None and self.ctx.today > deadline and not (hit and hit[2])
        if hit is None:
            slot = [None, Submission.DRAFT, org_id, period, locked, not locked]
            self.new_slots.append(slot)
        else:
            slot = [hit[0], hit[1], org_id, period, locked, False]
            self.unloaded.append(slot)
        return slot

    def _create_submissions(self) -> None:
        """Create the reports the rows need that do not exist yet, in multi-row INSERTs, then
        read their ids back. Every field but the organisation and period is the same for all of
        them: its value is worked out once, as ``Submission.save()`` would."""
        if self.dry_run:
            self._plan_submissions()
            return
        fields = [f for f in Submission._meta.concrete_fields if not f.primary_key]
        proto = Submission(
            initiative=self.ctx.initiative, organisation_id=0, period="", period_start=None
        )
        row = [f.get_db_prep_save(f.pre_save(proto, True), connection) for f in fields]
        names = [f.attname for f in fields]
        i_org, i_per, i_start = (
            names.index(n) for n in ("organisation_id", "period", "period_start")
        )
        adapt = connection.ops.adapt_datefield_value
        flat: list = []
        for slot in self.new_slots:
            row[i_org], row[i_per], row[i_start] = slot[2], slot[3].code, adapt(slot[3].start_date)
            flat.extend(row)
        columns = tuple(f.column for f in fields)
        with connection.cursor() as cursor:
            insert_rows(cursor, Submission._meta.db_table, columns, flat)
        created = {
            (org_id, period): (sid, status)
            for sid, org_id, period, status in Submission.objects.filter(
                initiative=self.ctx.initiative,
                organisation_id__in={slot[2] for slot in self.new_slots},
                period__in={slot[3].code for slot in self.new_slots},
            ).values_list("id", "organisation_id", "period", "status")
        }
        for slot in self.new_slots:
            slot[0], slot[1] = created[(slot[2], slot[3].code)]
            if slot[5]:  # a fresh report gets at least one value: the row that made its slot
                self.result.submissions.add(slot[0])
                self.changed.add(slot[0])
        self.new_slots = []

    def _plan_submissions(self) -> None:
        """A dry run's reports to create: ids below zero, drafts, nothing written."""
        for slot in self.new_slots:
            slot[0], slot[1] = -1 - len(self.stored), Submission.DRAFT
            self.stored[(slot[2], slot[3].code)] = (slot[0], slot[1], False)
            if slot[5]:
                self.result.submissions.add(slot[0])
                self.changed.add(slot[0])
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

    def flush(self, rows: list[tuple], new: list) -> None:
        """Write one chunk of checked rows: ``rows`` holds (row number, slot, indicator id,
        combination id, value, comment); ``new``, flat, the ROW_COLUMNS of new values of fresh
        reports, with the slot in place of the report's id."""
        if self.new_slots:
            self._create_submissions()
        if self.unloaded:
            self._load_existing()
        iid = self.ctx.initiative.id
        now, uid, channel = self.now_db, self.user_id, self.channel
        inserts: list = new  # flat: the ROW_COLUMNS of one new value after another
        inserts[0::5] = [slot[0] for slot in inserts[0::5]]
        add = inserts.extend
        others = []
        for row in rows:
            slot = row[1]
            if slot[5]:
                add((slot[0], row[2], row[3], row[4], row[5]))
            else:
                others.append(row)
        if self.rules:
            total = self.ctx.combos.get("", -1)
            for row_number, slot, ind, combo, value, _comment in rows:
                if combo == total:
                    self.total_rows[(slot[0], ind)] = row_number
                    if self.dry_run and (slot[5] or slot[1] in Submission.EDITABLE):
                        self.planned[(slot[0], ind)] = value
        updates, audit = self._compare(others, inserts) if others else ([], [])
        if self.result.errors:
            return
        if self.dry_run:
            self.result.imported += len(inserts) // len(ROW_COLUMNS)
            self.result.updated += len(updates)
            return
        with connection.cursor() as cursor:
            insert_values(cursor, inserts, (iid, now, uid, now, uid, channel))
            if updates:
                cursor.executemany(self.update_sql, updates)
            insert_rows(cursor, ValueChange._meta.db_table, AUDIT_COLUMNS, audit)
        self.result.imported += len(inserts) // len(ROW_COLUMNS)
        self.result.updated += len(updates)

    def _compare(self, rows: list[tuple], inserts: list) -> tuple[list, list]:
        """Rows of reports that existed before the import: new values go to ``inserts``; returns
        (updates, audit rows of the changes, flat)."""
        updates: list[tuple] = []
        audit: list = []
        existing, touched, changed = self.existing, self.result.submissions, self.changed
        iid, editable = self.ctx.initiative.id, Submission.EDITABLE
        now, uid, channel = self.now_db, self.user_id, self.channel
        for row_number, slot, ind, combo, value, comment in rows:
            sid = slot[0]
            old = existing.get((sid, ind, combo))
            if old is not None and old[1] == value and old[2] == comment:
                self.result.unchanged += 1
                touched.add(sid)
                continue
            if slot[1] not in editable:
                self.result.add_error(
                    row_number,
                    "value",
                    _(
                        "the %(period)s report of %(organisation)s is %(status)s; "
                        "the backbone must return or reopen it before values change"
                    )
                    % {
                        "period": slot[3].code,
                        "organisation": self.ctx.org_codes[slot[2]],
                        "status": slot[1],
                    },
                )
                continue
            if slot[4]:
                self.result.add_error(
                    row_number,
                    "value",
                    _(
                        "the deadline for the %(period)s report of %(organisation)s has passed; "
                        "ask the backbone to unlock it"
                    )
                    % {"period": slot[3].code, "organisation": self.ctx.org_codes[slot[2]]},
                )
                continue
            touched.add(sid)
            changed.add(sid)
            if old is None:
                inserts.extend((sid, ind, combo, value, comment))
            else:
                updates.append((value, comment, now, uid, old[0]))
                audit.extend((iid, sid, ind, combo, old[1], value, comment, channel, now, uid))
        return updates, audit

    def finish(self) -> None:
        """After every row is written: bump the version of every report whose values changed (so
        an open grid becomes stale), then check the validation rules of every report the file
        touched. A failed error names the rows of the totals involved; a warning is reported."""
        ids = [] if self.dry_run else sorted(self.changed)
        bump = {"version": F("version") + 1, "updated_at": timezone.now()}
        consecutive, scattered = id_runs(ids)  # an import's new reports: one run of ids
        for lo, hi in consecutive:
            Submission.objects.filter(id__gte=lo, id__lte=hi).update(**bump)
        for start in range(0, len(scattered), 500):
            Submission.objects.filter(id__in=scattered[start : start + 500]).update(**bump)
        self.breakdowns.finish(self.result.add_error, self._warn)
        if not self.rules:
            return
        by_code = {code: ind.id for code, ind in self.ctx.indicators.items()}
        touched = sorted(self.result.submissions)
        found = totals([sid for sid in touched if sid > 0])
        if self.dry_run:  # the stored totals with the file's laid over them
            codes = {ind.id: code for code, ind in self.ctx.indicators.items()}
            for (sid, ind), value in self.planned.items():
                found.setdefault(sid, {})[codes[ind]] = value
        for sid, values in found.items():
            for outcome in self.rules.failures(values):
                rows = sorted(
                    self.total_rows[(sid, by_code[c])]
                    for c in outcome.indicators
                    if (sid, by_code[c]) in self.total_rows
                )
                if not rows:
                    continue  # the file changed none of the values the rule compares
                add = self.result.add_error if outcome.severity == "error" else self._warn
                where = (
                    _("rows %(rows)s") % {"rows": ", ".join(map(str, rows))}
                    if len(rows) > 1
                    else _("row %(row)s") % {"row": rows[0]}
                )
                for row in rows[:1]:
                    add(
                        row,
                        "value",
                        _("rule %(code)s (%(severity)s): %(message)s — %(reason)s (%(where)s)")
                        % {
                            "code": outcome.code,
                            "severity": outcome.severity,
                            "message": outcome.message,
                            "reason": outcome.reason,
                            "where": where,
                        },
                    )

    def _warn(self, row, column, message) -> None:
        if len(self.result.warnings) < MAX_WARNINGS:
            self.result.warnings.append(RowError(row, column, message))
