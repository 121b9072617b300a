"""Reading outcomes-contract files: the contract definition (JSON) and its data (CSV or XLSX).

docs/reference/contract-file.md describes every field and column. Every problem is collected
and reported with the file and the field (``metrics[2].price``) or the row and column; when
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
    MECHANISMS,
    RATE_CARD,
    WEIGHTED_TARGETS,
    Comparison,
    Contract,
    Metric,
    Payer,
    RateCard,
    Target,
    WeightedTargets,
    contract_problems,
    paused_gc,
)
from commonmeasure.domain.returns import CashFlow

from .cells import Formula, Percent
from .contracts_columns import read_plain_achievements
from .errors import FileProblem, RowError
from .tabular import open_table

MAX_ERRORS = 20
YES = frozenset({"yes", "true", "1"})
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

FIELDS = {
    RATE_CARD: {
        "mechanism",
        "currency",
        "start",
        "end",
        "cap_total",
        "cap_per_participant",
        "payers",
        "metrics",
    },
    COMPARISON: {"mechanism", "currency", "price_per_unit", "threshold", "cap_total", "payers"},
    WEIGHTED_TARGETS: {"mechanism", "currency", "max_payment", "targets", "payers"},
}
REQUIRED = {
    RATE_CARD: ("currency", "start", "end", "metrics"),
    COMPARISON: ("currency", "price_per_unit", "threshold"),
    WEIGHTED_TARGETS: ("currency", "max_payment", "targets"),
}
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
            f"{self.filename}: {count} problem{'s' if count != 1 else ''}; nothing was computed."
        ]
        lines += [f"  {self.filename}: {p}" for p in self.problems]
        if self.more:
            lines.append(f"  ... and {self.more} more")
        return "\n".join(lines)


# -- the contract definition -----------------------------------------------------------------


def read_contract(path: str | Path) -> Contract:
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ContractFileError(name, [f"cannot be read ({exc.strerror})"]) from None
    except UnicodeDecodeError:
        raise ContractFileError(name, ["is not UTF-8 text"]) from None
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ContractFileError(
            name, [f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"]
        ) from None
    return parse_contract(data, name)


def parse_contract(data: object, name: str = "contract") -> Contract:
    """Build a contract from the parsed JSON (a dict), or raise ContractFileError naming fields."""
    if not isinstance(data, dict):
        raise ContractFileError(name, ["must be a JSON object ({...}) with the contract's fields"])
    problems: list[str] = []
    mechanism = data.get("mechanism", RATE_CARD)
    if mechanism not in MECHANISMS:
        raise ContractFileError(
            name, [f"mechanism: {mechanism!r} is not one of {', '.join(MECHANISMS)}"]
        )
    for key in data:
        if key not in FIELDS[mechanism]:
            problems.append(
                f"{key}: not a field of a {mechanism} contract (its fields: {', '.join(sorted(FIELDS[mechanism]))})"
            )
    for key in REQUIRED[mechanism]:
        if key not in data:
            problems.append(f"{key}: required")
    r = _Reader(problems)
    currency = r.text(data, "currency", "currency")
    if currency is not None and currency != currency.upper():
        problems.append(f"currency: write the ISO 4217 code in capitals ({currency.upper()!r})")
    payers = tuple(
        Payer(r.text(p, "id", f"payers[{i}].id"), r.amount(p, "share", f"payers[{i}].share"))
        for i, p in enumerate(r.items(data, "payers"))
    )
    if mechanism == RATE_CARD:
        metrics = tuple(
            Metric(
                r.text(m, "id", f"metrics[{i}].id"),
                r.amount(m, "price", f"metrics[{i}].price"),
                r.boolean(m, "once_per_participant", f"metrics[{i}].once_per_participant"),
                r.count(m, "cap_count", f"metrics[{i}].cap_count"),
            )
            for i, m in enumerate(
                r.items(data, "metrics", ("id", "price", "once_per_participant", "cap_count"))
            )
        )
        build = lambda: RateCard(  # noqa: E731
            currency,
            r.day(data, "start"),
            r.day(data, "end"),
            metrics,
            r.amount(data, "cap_total", optional=True),
            r.amount(data, "cap_per_participant", optional=True),
            payers,
        )
    elif mechanism == COMPARISON:
        build = lambda: Comparison(  # noqa: E731
            currency,
            r.amount(data, "price_per_unit"),
            r.amount(data, "threshold"),
            r.amount(data, "cap_total", optional=True),
            payers,
        )
    else:
        targets = tuple(
            Target(
                r.text(t, "id", f"targets[{i}].id"),
                r.amount(t, "weight", f"targets[{i}].weight"),
                r.amount(t, "target", f"targets[{i}].target"),
                r.amount(
                    t, "cap_ratio", f"targets[{i}].cap_ratio", optional=True, default=Decimal(1)
                ),
            )
            for i, t in enumerate(r.items(data, "targets", ("id", "weight", "target", "cap_ratio")))
        )
        build = lambda: WeightedTargets(currency, r.amount(data, "max_payment"), targets, payers)  # noqa: E731
    contract = build()
    if problems:
        raise ContractFileError(name, problems)
    problems = contract_problems(contract)
    if problems:
        raise ContractFileError(name, problems)
    return contract


class _Reader:
    """Reads typed fields, recording a problem (and returning a harmless value) for each bad one."""

    def __init__(self, problems: list[str]):
        self.problems = problems

    def _get(self, obj: dict, key: str):
        return obj.get(key) if isinstance(obj, dict) else None

    def text(self, obj: dict, key: str, where: str) -> str:
        """Top-level fields missing are reported once by REQUIRED; nested ones here."""
        if not isinstance(obj, dict):
            return ""
        value = obj.get(key)
        if value is None:
            if where != key:
                self.problems.append(f"{where}: required")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problems.append(
                f"{where}: must be non-empty text (got {json.dumps(value, default=str)})"
            )
            return ""
        return value.strip()

    def amount(
        self, obj: dict, key: str, where: str | None = None, optional: bool = False, default=None
    ):
        where = where or key
        if not isinstance(obj, dict) or key not in obj or obj[key] is None:
            if not optional and isinstance(obj, dict) and where != key:
                self.problems.append(f"{where}: required")
            return default if optional else Decimal(0)
        value = obj[key]
        if isinstance(value, float):  # from a dict built in Python; JSON files give Decimal
            value = Decimal(repr(value))
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            self.problems.append(
                f"{where}: must be a number or a number in quotes (got {json.dumps(value, default=str)})"
            )
            return Decimal(0)
        try:
            number = Decimal(value.strip().replace("_", "") if isinstance(value, str) else value)
        except InvalidOperation:
            number = None
        if (
            number is None
            or not number.is_finite()
            or (isinstance(value, str) and not value.strip())
        ):
            self.problems.append(f"{where}: {value!r} is not a number")
            return Decimal(0)
        return number

    def count(self, obj: dict, key: str, where: str) -> int | None:
        if not isinstance(obj, dict) or obj.get(key) is None:
            return None
        value = obj[key]
        if isinstance(value, bool) or not (
            isinstance(value, int)
            or (isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()))
        ):
            self.problems.append(
                f"{where}: must be a whole number (got {json.dumps(value, default=str)})"
            )
            return None
        return int(value)

    def boolean(self, obj: dict, key: str, where: str) -> bool:
        value = self._get(obj, key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problems.append(
                f"{where}: must be true or false (got {json.dumps(value, default=str)})"
            )
            return False
        return value

    def day(self, obj: dict, key: str) -> date:
        value = obj.get(key)
        if value is None:
            return date.min
        if isinstance(value, str) and _DATE_RE.match(value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problems.append(
            f"{key}: {json.dumps(value, default=str)} is not a date written YYYY-MM-DD"
        )
        return date.min

    def items(self, obj: dict, key: str, allowed: tuple[str, ...] = ("id", "share")) -> list[dict]:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.append(f"{key}: must be a list ([...])")
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.problems.append(f"{key}[{i}]: must be an object ({{...}})")
            for k in item if isinstance(item, dict) else ():
                if k not in allowed:
                    self.problems.append(
                        f"{key}[{i}].{k}: not a field (its fields: {', '.join(allowed)})"
                    )
            out.append(item)
        if key == "payers" and not value:
            self.problems.append("payers: must list at least one payer, or be left out")
        return out


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
            errors.add(1, None, f"column {i + 1} has no name; expected {', '.join(allowed)}")
        elif label in columns:
            errors.add(1, label, "appears twice in the header")
        elif label not in allowed:
            errors.add(
                1,
                label,
                f"is not a column of this file; expected {', '.join(required)}"
                + (f" and optionally {', '.join(optional)}" if optional else ""),
            )
        columns[label] = i
    for label in required:
        if label not in columns:
            errors.add(1, label, "is missing from the header")
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
                    errors.add(row, None, f"has {len(cells)} cells but the header has {width}")
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
                f"{cell[:40]!r} is a formula; formulas are never calculated: type the value itself",
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
                    errors.add(row, None, f"has {len(cells)} cells but the header has {width}")
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
                        row, "participant", "is empty; give the participant's pseudonymous id"
                    )
                if metric is None:
                    errors.add(
                        row,
                        "metric",
                        f"{_cell_text(cells[im])!r} is not a metric of the contract ({known})",
                    )
                if day is None:
                    errors.add(row, "date", f"{_cell_text(raw)!r} is not a date written YYYY-MM-DD")
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
        errors.add(row + 1, None, f"is not UTF-8 text (byte 0x{bad}); save the file as 'CSV UTF-8'")
    except csv.Error as exc:
        errors.add(row + 1, None, f"cannot be read as CSV ({exc}); the file may be truncated")
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
                    errors.add(row, label, f"{_cell_text(cell)!r} is not a number")
                values[label] = number
            elif label == "date":
                day = _cell_date(cell, {})
                if day is None:
                    errors.add(row, label, f"{_cell_text(cell)!r} is not a date written YYYY-MM-DD")
                values[label] = day
            else:
                values[label] = _cell_text(cell)
        for label in COLUMNS[kind][0]:
            if label not in number_columns and label != "date" and not values[label]:
                errors.add(row, label, "is empty")
        out.append((row, values))
    errors.raise_if_any()
    if not out:
        raise ContractFileError(Path(path).name, ["has a header but no data rows"])
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
