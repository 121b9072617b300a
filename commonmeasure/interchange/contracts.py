"""Reading outcomes-contract files: the contract definition (JSON) and its data (CSV or XLSX).

docs/reference/contract-file.md describes every field and column. Every problem is collected
and reported with the file and the field (``metrics.2.price``) or the row and column; when
there is any problem nothing is returned, so nothing is ever computed from half a file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from commonmeasure.domain.mechanisms import CohortResult, TargetResult
from commonmeasure.domain.payments import (
    COMPARISON,
    RATE_CARD,
    WEIGHTED_TARGETS,
    Comparison,
    Contract,
    RateCard,
    paused_gc,
)
from commonmeasure.domain.returns import CashFlow
from commonmeasure.domain.translation import gettext, ngettext

from .cells import Formula, Percent
from .contract_schema import check_contract
from .contracts_columns import read_plain_achievements
from .errors import FileProblem, RowError
from .tabular import open_table

MAX_ERRORS = 20
YES = frozenset({"yes", "true", "1"})
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

COLUMNS = {  # data file columns: (required, optional)
    RATE_CARD: (
        ("participant", "metric", "date"),
        ("validated", "evidence"),
    ),  # evidence: kept by managed contracts, not used in payments
    COMPARISON: (("cohort", "treated_events", "comparison_events"), ()),
    WEIGHTED_TARGETS: (("metric", "achieved"), ()),
    "cashflows": (("date", "amount"), ("investor",)),
}


NUMBER_COLUMNS = ("amount", "treated_events", "comparison_events", "achieved")
# "1,250.50": commas that group thousands; any other comma in a number is refused, never dropped
# ("1250,5" with comma separators is a decimal comma that cannot be told from a typing slip).
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")


class ContractFileError(ValueError):
    """A contract or data file that cannot be used. ``problems`` are lines naming the field or
    the row and column; ``more`` counts problems left out of the list."""

    def __init__(self, filename: str, problems: list[str], more: int = 0):
        self.filename = filename
        self.problems = problems
        self.more = more
        super().__init__(self.message())

    def message(self) -> str:
        count = len(self.problems) + self.more
        lines = [
            ngettext(
                "%(filename)s: %(count)s problem; nothing was computed.",
                "%(filename)s: %(count)s problems; nothing was computed.",
                count,
            )
            % {"filename": self.filename, "count": count}
        ]
        lines += [f"  {self.filename}: {p}" for p in self.problems]
        if self.more:
            lines.append(gettext("  ... and %(more)s more") % {"more": self.more})
        return "\n".join(lines)


# -- the contract definition -----------------------------------------------------------------


def read_contract(path: str | Path) -> Contract:
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ContractFileError(
            name, [gettext("cannot be read (%(strerror)s)") % {"strerror": exc.strerror}]
        ) from None
    except UnicodeDecodeError:
        raise ContractFileError(name, [gettext("is not UTF-8 text")]) from None
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ContractFileError(
            name,
            [
                gettext("line %(lineno)s, column %(colno)s: not valid JSON (%(msg)s)")
                % {"lineno": exc.lineno, "colno": exc.colno, "msg": exc.msg}
            ],
        ) from None
    return parse_contract(data, name)


def parse_contract(data: object, name: str = "contract") -> Contract:
    """Build a contract from the parsed JSON (a dict), or raise ContractFileError naming fields
    (contract_schema.py validates them)."""
    contract, problems = check_contract(data)
    if problems:
        raise ContractFileError(name, problems)
    return contract


# -- data files ------------------------------------------------------------------------------


class _Errors:
    def __init__(self, name: str):
        self.name = name
        self.items: list[str] = []
        self.more = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append(str(RowError(row, column, message)))
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if self.items:
            raise ContractFileError(self.name, self.items, self.more)


def _open(path: str | Path, kind: str):
    """Open a data table and map its header; raise for a missing, unknown or repeated column."""
    name = Path(path).name
    try:
        table = open_table(path, decimal_comma=NUMBER_COLUMNS)
    except FileProblem as problem:
        e = problem.error
        message = e.message.removeprefix(f"{name}: ")
        raise ContractFileError(name, [str(RowError(e.row, e.column, message))]) from None
    required, optional = COLUMNS[kind]
    allowed = required + optional
    errors = _Errors(name)
    columns: dict[str, int] = {}
    for i, cell in enumerate(table.header):
        label = str(cell if cell is not None else "").strip().lower()
        if not label:
            errors.add(
                1,
                None,
                gettext("column %(value)s has no name; expected %(items)s")
                % {"value": i + 1, "items": ", ".join(allowed)},
            )
        elif label in columns:
            errors.add(1, label, gettext("appears twice in the header"))
        elif label not in allowed:
            errors.add(
                1,
                label,
                gettext("is not a column of this file; expected %(items)s")
                % {"items": ", ".join(required)}
                + (
                    gettext(" and optionally %(items)s") % {"items": ", ".join(optional)}
                    if optional
                    else ""
                ),
            )
        columns[label] = i
    for label in required:
        if label not in columns:
            errors.add(1, label, gettext("is missing from the header"))
    if errors.items:
        _close(table)
    errors.raise_if_any()
    return table, columns, errors


def _close(table) -> None:
    close = getattr(table.rows, "close", None)
    if close:
        close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cell_date(value, dates: dict[str, date]) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) else _cell_text(value)
    if _DATE_RE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None
        dates[value] = day
        return day
    return None


def _cell_number(value) -> Decimal | None:
    if isinstance(value, bool) or type(value) is Percent:  # money is never a percentage
        return None
    if isinstance(value, int | float):
        value = repr(value)
    text = _cell_text(value)
    if "," in text:
        if not _THOUSANDS.match(text):
            return None
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _rows(table, width: int, errors: _Errors):
    """Data rows with exactly ``width`` cells; wholly blank rows are skipped."""
    try:
        for row, cells in table.rows:
            if len(cells) != width:
                if not any(_cell_text(c) for c in cells):
                    continue
                if len(cells) < width and table.name.lower().endswith((".xlsx", ".xlsm", ".ods")):
                    cells = list(cells) + [None] * (width - len(cells))
                else:
                    errors.add(
                        row,
                        None,
                        gettext("has %(count)s cells but the header has %(width)s")
                        % {"count": len(cells), "width": width},
                    )
                    continue
            if _refuse_formulas(table, row, cells, errors):
                continue
            yield row, cells
    except FileProblem as problem:
        errors.add(
            problem.error.row,
            problem.error.column,
            problem.error.message.removeprefix(f"{table.name}: "),
        )


def _refuse_formulas(table, row: int, cells, errors: _Errors) -> bool:
    """True, with an error for each, if the row has formula cells (never calculated)."""
    if Formula not in map(type, cells):
        return False
    for i, cell in enumerate(cells):
        if type(cell) is Formula:
            label = str(table.header[i]).strip().lower() if i < len(table.header) else None
            errors.add(
                row,
                label,
                gettext(
                    "%(cell)r is a formula; formulas are never calculated: type the value itself"
                )
                % {"cell": cell[:40]},
            )
    return True


def read_achievements(path: str | Path, contract: RateCard) -> Sequence[tuple]:
    """Achievements ``(participant, metric, date, validated, row)`` from a rate-card data file,
    or ContractFileError naming every bad row and column. A plain CSV file comes back as an
    ``AchievementArrays`` (columns), anything else as a list of tuples: both are sequences of
    the same tuples, and the payment engine takes either."""
    with paused_gc():
        return _read_achievements(path, contract)


def _read_achievements(path: str | Path, contract: RateCard) -> Sequence[tuple]:
    # A plain CSV file is read as columns (contracts_columns.py); any other file, or a plain
    # one with any problem, row by row below, which names every problem.
    metric_ids = {m.id: m.id for m in contract.metrics}
    quick = read_plain_achievements(path, *COLUMNS[RATE_CARD], metric_ids, YES, _cell_date)
    if quick is not None:
        return quick
    table, columns, errors = _open(path, RATE_CARD)
    ip, im, idate = columns["participant"], columns["metric"], columns["date"]
    iv = columns.get("validated")
    width = len(table.header)
    known = ", ".join(metric_ids)
    dates: dict = {}  # cell -> date, so each distinct date is read once
    flags: dict = {}  # validated cell -> bool
    out: list[tuple] = []
    append = out.append
    row = 1
    done = lambda: None  # noqa: E731
    try:
        # Inside the try: a bad byte near the start fails while the header is skipped.
        rows, done = _fast_rows(path, table)
        pad_short_rows = _is_xlsx(path, table)  # a workbook leaves out empty trailing cells
        for row, cells in rows:
            if len(cells) != width:
                if not any(_cell_text(c) for c in cells):
                    continue
                if len(cells) < width and pad_short_rows:
                    cells = list(cells) + [None] * (width - len(cells))
                else:
                    errors.add(
                        row,
                        None,
                        gettext("has %(count)s cells but the header has %(width)s")
                        % {"count": len(cells), "width": width},
                    )
                    continue
            if pad_short_rows and _refuse_formulas(table, row, cells, errors):
                continue
            participant = cells[ip]
            participant = (
                participant.strip() if isinstance(participant, str) else _cell_text(participant)
            )
            metric = metric_ids.get(cells[im]) or metric_ids.get(_cell_text(cells[im]))
            raw = cells[idate]
            day = dates.get(raw) or _cell_date(raw, dates)
            if not participant or metric is None or day is None:
                if not participant:
                    errors.add(
                        row,
                        "participant",
                        gettext("is empty; give the participant's pseudonymous id"),
                    )
                if metric is None:
                    errors.add(
                        row,
                        "metric",
                        gettext("%(cell_text)r is not a metric of the contract (%(known)s)")
                        % {"cell_text": _cell_text(cells[im]), "known": known},
                    )
                if day is None:
                    errors.add(
                        row,
                        "date",
                        gettext("%(cell_text)r is not a date written YYYY-MM-DD")
                        % {"cell_text": _cell_text(raw)},
                    )
                continue
            if iv is None:
                validated = True
            else:
                flag = cells[iv]
                validated = flags.get(flag)
                if validated is None:
                    validated = flags[flag] = _cell_text(flag).lower() in YES
            append((participant, metric, day, validated, row))
    except FileProblem as problem:
        errors.add(problem.error.row, None, problem.error.message.removeprefix(f"{table.name}: "))
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start : exc.start + 1].hex()
        errors.add(
            row + 1,
            None,
            gettext("is not UTF-8 text (byte 0x%(bad)s); save the file as 'CSV UTF-8'")
            % {"bad": bad},
        )
    except csv.Error as exc:
        errors.add(
            row + 1,
            None,
            gettext("cannot be read as CSV (%(exc)s); the file may be truncated") % {"exc": exc},
        )
    finally:
        done()
    errors.raise_if_any()
    return out


def _is_xlsx(path: str | Path, table) -> bool:
    with Path(path).open("rb") as fh:
        magic = fh.read(4)
    return table.name.lower().endswith((".xlsx", ".xlsm")) or magic == b"PK\x03\x04"


def _fast_rows(path: str | Path, table):
    """(row number, cells) for every data row, and a function that closes the file. A CSV file is
    read with csv.reader directly (one loop, no generator per row); a workbook, or a CSV file
    in Windows-1252 or separated by semicolons or tabs, through the table."""
    if _is_xlsx(path, table) or table.notes:  # a workbook, or CSV not in UTF-8 with commas
        return table.rows, lambda: _close(table)
    _close(table)
    raw = Path(path).open("rb")
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="", errors="strict")
    reader = csv.reader(text, strict=True)
    next(reader)  # the header, already checked
    return enumerate(reader, 2), raw.close


def _small_table(
    path: str | Path, kind: str, number_columns: tuple[str, ...]
) -> list[tuple[int, dict]]:
    table, columns, errors = _open(path, kind)
    out = []
    for row, cells in _rows(table, len(table.header), errors):
        values: dict = {}
        for label, i in columns.items():
            cell = cells[i]
            if label in number_columns:
                number = _cell_number(cell)
                if number is None:
                    errors.add(
                        row,
                        label,
                        gettext("%(cell_text)r is not a number") % {"cell_text": _cell_text(cell)},
                    )
                values[label] = number
            elif label == "date":
                day = _cell_date(cell, {})
                if day is None:
                    errors.add(
                        row,
                        label,
                        gettext("%(cell_text)r is not a date written YYYY-MM-DD")
                        % {"cell_text": _cell_text(cell)},
                    )
                values[label] = day
            else:
                values[label] = _cell_text(cell)
        for label in COLUMNS[kind][0]:
            if label not in number_columns and label != "date" and not values[label]:
                errors.add(row, label, gettext("is empty"))
        out.append((row, values))
    errors.raise_if_any()
    if not out:
        raise ContractFileError(Path(path).name, [gettext("has a header but no data rows")])
    return out


def read_cohorts(path: str | Path) -> list[CohortResult]:
    """Rows ``cohort,treated_events,comparison_events`` of a comparison contract."""
    rows = _small_table(path, COMPARISON, ("treated_events", "comparison_events"))
    return [
        CohortResult(v["cohort"], v["treated_events"], v["comparison_events"], row)
        for row, v in rows
    ]


def read_target_results(path: str | Path) -> list[TargetResult]:
    """Rows ``metric,achieved`` of a weighted-targets contract."""
    rows = _small_table(path, WEIGHTED_TARGETS, ("achieved",))
    return [TargetResult(v["metric"], v["achieved"], row) for row, v in rows]


def read_cashflows(path: str | Path) -> list[CashFlow]:
    """Rows ``date,amount[,investor]``: negative amounts are money put in, positive money back."""
    rows = _small_table(path, "cashflows", ("amount",))
    return [CashFlow(v["date"], v["amount"], v.get("investor", ""), row) for row, v in rows]


def read_data(path: str | Path, contract: Contract) -> list:
    """The data file of whichever mechanism the contract uses."""
    if isinstance(contract, RateCard):
        return read_achievements(path, contract)
    if isinstance(contract, Comparison):
        return read_cohorts(path)
    return read_target_results(path)
